/**
 * The CI-sized run of the shape fuzzer (issue 13): 300 seeded mutations of the samples' and the
 * hostile models' integers to 0, −1, 2³¹−1 and 2⁶³−1, each analysed in a child process with a
 * heap cap and a time budget per case. Every case analyses or throws a CutlineError with a
 * one-line, safe message; an unsafe message, another error type, a hang, a memory blow-up or a
 * crash fails the test and names the case. The long run is
 * `npx tsx scripts/fuzz-shapes.ts 3000`.
 */
import { describe, expect, it } from 'vitest';
import { countOutcomes, FAILURE_KINDS, runShapeFuzz } from './support/shape-fuzz-driver.js';

describe('shape fuzz', () => {
  it('300 boundary-value mutations each analyse or end in a named error', async () => {
    const results = await runShapeFuzz({ seed: 2026, count: 300, caseBudgetMs: 10_000 });
    const failures = results
      .filter((r) => FAILURE_KINDS.includes(r.kind))
      .map((r) => `#${r.index} ${r.kind}: ${r.label}: ${r.message ?? ''}`);
    expect(failures).toEqual([]);
    expect(results.map((r) => r.index)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    // The run reaches both outcomes: the limits are hit, and mutated models still analyse.
    const counts = countOutcomes(results);
    expect(counts['named-error SHAPE_LIMIT']).toBeGreaterThan(0);
    expect(counts['analysed']).toBeGreaterThan(0);
  });
});
