/**
 * Keeps the fuzz regression corpus (test/fixtures/fuzz-regressions/, see
 * test/support/fuzz-regressions.ts).
 *
 *   npx tsx scripts/fuzz-regressions.ts seed
 *     (re)writes the cases built from code: the hostile shape models behind issue 13's fuzz failures.
 *   npx tsx scripts/fuzz-regressions.ts add FILE.onnx EXPECT "FOUND" "WHAT"
 *     copies a failing case the fuzzer wrote (e.g. under $TMPDIR/cutline-fuzz-failures/) into the
 *     corpus with the outcome it must have once fixed (a CutlineError code or "ok").
 */
import fs from 'node:fs';
import path from 'node:path';
import { addRegression } from '../test/support/fuzz-regressions.js';
import {
  HOSTILE_SHAPE_MODELS,
  HUGE_BUT_CHEAP_MODELS,
  hostileConstantOfShape,
} from '../test/support/hostile-shape-models.js';

const ISSUE = 'issue 13 fuzz run (8,000 mutated models: one dim or count of 2^31-1)';
const PROBE =
  'issue 13 fuzzing session: the same 2^31-1 count given to rules no fuzz source reached (heap exhausted in ~15 s)';
const PROBED = ['MaxUnpool', 'SplitToSequence', 'Col2Im'];

function seedCorpus(): void {
  for (const { op, bytes } of HOSTILE_SHAPE_MODELS)
    addRegression(`shape-${op.toLowerCase()}-huge-count.onnx`, bytes, {
      expect: 'SHAPE_LIMIT',
      found: PROBED.includes(op) ? PROBE : ISSUE,
      what: `${op} whose shape/axes/repeats input or output count is 2^31-1 (was a hang or heap exhaustion)`,
    });
  for (const { op, bytes } of HUGE_BUT_CHEAP_MODELS)
    addRegression(`shape-${op.toLowerCase()}-huge-but-cheap.onnx`, bytes, {
      expect: 'ok',
      found: `${ISSUE}, neighbours of the failures`,
      what: `${op} with known values of 2^31-1: nothing proportional is built, so it must still analyse`,
    });
  addRegression(
    'shape-constantofshape-hostile-name.onnx',
    hostileConstantOfShape(`\u001b[2J\nevil\u202e${'a'.repeat(4096)}`),
    {
      expect: 'SHAPE_LIMIT',
      found: 'issue 13 point 4 (names from the file in errors)',
      what: 'the hostile ConstantOfShape named with ESC, a line break, a bidi override and 4 KB of text',
    },
  );
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'seed') seedCorpus();
else if (command === 'add' && rest.length === 4) {
  const [file, expect, found, what] = rest as [string, string, string, string];
  addRegression(path.basename(file), new Uint8Array(fs.readFileSync(file)), { expect, found, what });
} else {
  console.error('usage: fuzz-regressions.ts seed | add FILE.onnx EXPECT "FOUND" "WHAT"');
  process.exitCode = 2;
}
