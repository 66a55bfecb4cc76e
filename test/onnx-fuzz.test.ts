/**
 * The CI-sized run of the ONNX fuzzer (issue 13, point 6): 400 seeded cases, half byte-level
 * mutations (bit flips, insertions, deletions, truncation, length varints of 2³¹ to 2⁶⁴, huge
 * varints, duplicated fields) and half structure-aware ones (boundary dims and counts, cycles,
 * dangling and duplicated names, If/Loop nesting up to 1,000 deep, hostile names, hostile
 * external-data paths, offsets and lengths), of the samples, the hostile shape models and a few
 * backend-suite models, analysed in one child with a 512 MB heap and 10 s per case. Every case
 * analyses or ends in a CutlineError with a one-line, safe message; an unsafe message, another
 * error type, a hang, a memory blow-up or a crash fails the test and names the case and the file
 * its model was written to. The long run is `npx tsx scripts/fuzz-onnx.ts 10000`.
 */
import { describe, expect, it } from 'vitest';
import { describeFailures, runOnnxFuzz } from './support/onnx-fuzz-run.js';
import { unsafeMessage } from './support/safe-message.js';
import { countOutcomes } from './support/shape-fuzz-driver.js';

const SEED = 2026;
const COUNT = 400;

describe('onnx fuzz', () => {
  it(`${COUNT} byte-level and structure-aware mutations each analyse or end in a safe named error`, async () => {
    const run = await runOnnxFuzz({ seed: SEED, count: COUNT });
    expect(describeFailures(run, SEED)).toEqual([]);
    expect(run.results.map((r) => r.index)).toEqual(Array.from({ length: COUNT }, (_, i) => i));
    // The run reaches every stage: the decoder, the graph checks, external data, the shape
    // limits, and models that still analyse after their mutation.
    const counts = countOutcomes(run.results);
    for (const code of ['NOT_ONNX', 'GRAPH_CYCLE', 'EXTERNAL_DATA_OUTSIDE_MODEL_DIR', 'SHAPE_LIMIT'])
      expect(counts[`named-error ${code}`], code).toBeGreaterThan(0);
    expect(counts['analysed']).toBeGreaterThan(0);
  });

  it('counts a message with a line break, ESC, a C1 control, a bidi override or 1,001 characters as unsafe', () => {
    expect(
      unsafeMessage('Node "\\x1b[2J" (Reshape) asks too much; this model cannot be analysed.'),
    ).toBeUndefined();
    for (const bad of ['a\nb', 'a\u001bb', 'a\u009bb', 'a\u202eb', 'x'.repeat(1001)])
      expect(unsafeMessage(bad), JSON.stringify(bad.slice(0, 5))).toBeDefined();
  });
});
