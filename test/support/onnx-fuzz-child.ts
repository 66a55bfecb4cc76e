/**
 * Runs ONNX fuzz cases [start, end) of one seed and prints a JSON line before and after each, so
 * the driver (shape-fuzz-driver.ts) sees which case hangs or kills the process.
 * Usage: node --import tsx test/support/onnx-fuzz-child.ts SEED START END WORKDIR
 */
import { fuzzWorkDir, onnxFuzzCase, onnxFuzzSources, runOnnxFuzzCase } from './onnx-fuzz.js';

const [seed, start, end] = process.argv.slice(2, 5).map(Number);
const workRoot = process.argv[5];
if (
  seed === undefined ||
  start === undefined ||
  end === undefined ||
  [seed, start, end].some(Number.isNaN) ||
  !workRoot
)
  throw new Error('usage: onnx-fuzz-child.ts SEED START END WORKDIR');
const sources = onnxFuzzSources();
const workDir = fuzzWorkDir(workRoot);
for (let index = start; index < end; index++) {
  // Started before the case is built, so a mutation that never ends is caught as a hang too.
  process.stdout.write(`${JSON.stringify({ index, label: '(building the case)', started: true })}\n`);
  const testCase = onnxFuzzCase(sources, seed, index);
  // Odd cases open by path, even ones from bytes: both ways a model reaches the analyser.
  const outcome = runOnnxFuzzCase(testCase.bytes, workDir, index % 2 === 1);
  process.stdout.write(`${JSON.stringify({ index, label: testCase.label, ...outcome })}\n`);
}
