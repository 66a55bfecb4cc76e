/**
 * The This machine tab's measured-against-predicted rows: the error is signed and relative to
 * the measurement (none for a layer timed at 0), the default order puts the largest misses first
 * whichever their sign, and a layer's details find its row (or none) with the calibration's day.
 */
import { describe, expect, it } from 'vitest';
import type { ProfileResult } from '../../app/shared/studio-api.js';
import { calibrationDay, measuredLayer, measuredRows } from '../../app/renderer/run/measured-rows.js';
import { sortRows } from '../../app/renderer/suggest/sort.js';
import { loadDeviceProfile } from '../../core/profiles/load.js';

const result: ProfileResult = {
  profile: loadDeviceProfile('i7-8650u-edge'),
  peakGflops: 100,
  layers: [
    { name: 'conv', opType: 'Conv', measuredMs: 1.68, predictedMs: 1.52 },
    { name: 'relu', opType: 'Relu', measuredMs: 0.01, predictedMs: 0.02 },
    { name: 'shape', opType: 'Shape', measuredMs: 0, predictedMs: 0.001 },
    { name: 'gemm', opType: 'Gemm', measuredMs: 0.5, predictedMs: 0.2 },
  ],
  medianAbsErrorPct: 12,
  totalMeasuredMs: 2.19,
  totalPredictedMs: 1.741,
  note: 'in-sample',
  measuredAt: '2026-12-07T07:40:00.000Z',
};

describe('measured against predicted rows', () => {
  it('orders the largest misses first, either sign, and leaves a 0 µs layer without an error', () => {
    const rows = measuredRows(result);
    expect(rows.map((r) => r.errorPct)).toEqual([
      expect.closeTo(-9.52, 2),
      expect.closeTo(100, 6),
      null,
      expect.closeTo(-60, 6),
    ]);
    const largestFirst = sortRows(
      rows,
      (r) => (r.errorPct === null ? null : Math.abs(r.errorPct)),
      'descending',
    );
    expect(largestFirst.map((r) => r.name)).toEqual(['relu', 'gemm', 'conv', 'shape']);
  });

  it("finds a layer's row for its details, with the calibration's day", () => {
    expect(measuredLayer(result, 'conv')).toMatchObject({ measuredMs: 1.68, predictedMs: 1.52 });
    expect(measuredLayer(result, 'not measured')).toBeNull();
    expect(calibrationDay(result)).toBe('2026-12-07');
    expect(calibrationDay({ ...result, layers: [] })).toBe('2026-12-07');
    const undated: ProfileResult = Object.fromEntries(
      Object.entries(result).filter(([key]) => key !== 'measuredAt'),
    ) as unknown as ProfileResult;
    expect(calibrationDay(undated)).toBeNull();
  });
});
