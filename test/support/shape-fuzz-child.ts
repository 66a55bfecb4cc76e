/**
 * Runs shape-fuzz cases [start, end) of one seed and prints a JSON line before and after each,
 * so the driver (shape-fuzz-driver.ts) sees which case hangs or kills the process.
 * Usage: node --import tsx test/support/shape-fuzz-child.ts SEED START END
 */
import { fuzzCase, fuzzSources, runFuzzCase } from './shape-fuzz.js';

const [seed, start, end] = process.argv.slice(2, 5).map(Number);
if (seed === undefined || start === undefined || end === undefined || [seed, start, end].some(Number.isNaN))
  throw new Error('usage: shape-fuzz-child.ts SEED START END');
const sources = fuzzSources();
for (let index = start; index < end; index++) {
  const testCase = fuzzCase(sources, seed, index);
  process.stdout.write(`${JSON.stringify({ index, label: testCase.label, started: true })}\n`);
  const outcome = runFuzzCase(testCase.bytes);
  process.stdout.write(`${JSON.stringify({ index, label: testCase.label, ...outcome })}\n`);
}
