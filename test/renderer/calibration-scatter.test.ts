/**
 * This machine's scatter: layers grouped by op type (most frequent first, the rest as "other"),
 * both log axes over whole powers of ten around every point, and layers timed at 0 counted
 * rather than drawn (a log axis has no 0). The page's copies of the host's count limits equal
 * the host's.
 */
import { describe, expect, it } from 'vitest';
import type { ProfileResult } from '../../app/shared/studio-api.js';
import { MAX_HARNESS_REQUESTS, MAX_PROFILE_RUNS as PROFILE_RUNS } from '../../app/shared/studio-validate.js';
import { calibrationScatter, logTicks, MAX_OP_SERIES } from '../../app/renderer/run/calibration-points.js';
import {
  countOf,
  MAX_HARNESS_REQUESTS as PAGE_REQUESTS,
  MAX_PROFILE_RUNS,
} from '../../app/renderer/run/run-limits.js';
import { loadDeviceProfile } from '../../core/profiles/load.js';

const layer = (name: string, opType: string, measuredMs: number, predictedMs: number) => ({
  name,
  opType,
  measuredMs,
  predictedMs,
});

function resultOf(layers: ProfileResult['layers']): ProfileResult {
  return {
    profile: loadDeviceProfile('i7-8650u-edge'),
    peakGflops: 100,
    layers,
    medianAbsErrorPct: 12,
    totalMeasuredMs: 1,
    totalPredictedMs: 1,
    note: 'in-sample',
  };
}

describe('calibration scatter', () => {
  it('groups by op type, spans whole decades and counts what a log axis cannot draw', () => {
    const ops = ['Conv', 'Conv', 'Conv', 'Relu', 'Relu', 'Add', 'Gemm', 'Pool', 'Pool', 'Sigmoid'];
    const layers = ops.map((op, i) => layer(`n${i}`, op, 0.004 * (i + 1), 0.005 * (i + 1)));
    const scatter = calibrationScatter(resultOf([...layers, layer('zero', 'Conv', 0, 0.01)]));
    expect(scatter.series.map((s) => s.opType)).toEqual(['Conv', 'Pool', 'Relu', 'Add', 'other']);
    expect(scatter.series).toHaveLength(MAX_OP_SERIES);
    expect(scatter.series.find((s) => s.opType === 'other')!.points.map((p) => p.opType)).toEqual([
      'Gemm',
      'Sigmoid',
    ]);
    // 0.004 ms … 0.05 ms: from 1e-3 to 1e-1.
    expect(scatter.domain).toEqual([0.001, 0.1]);
    expect(scatter.undrawable).toBe(1);
    expect(scatter.series.reduce((n, s) => n + s.points.length, 0)).toBe(layers.length);
  });

  it('ticks a log axis at each decade, and at 3× between when there are few', () => {
    expect(logTicks([0.001, 0.1])).toEqual([0.001, 0.003, 0.01, 0.03, 0.1]);
    expect(logTicks([1e-4, 10])).toEqual([1e-4, 1e-3, 1e-2, 0.1, 1, 10]);
  });

  it('has no domain when nothing can be drawn, and a decade when every time is a power of ten', () => {
    expect(calibrationScatter(resultOf([layer('a', 'Add', 0, 0)])).domain).toBeNull();
    expect(calibrationScatter(resultOf([layer('a', 'Add', 1, 1)])).domain).toEqual([1, 10]);
  });

  it("keeps the host's limits on counts", () => {
    expect(PAGE_REQUESTS).toBe(MAX_HARNESS_REQUESTS);
    expect(MAX_PROFILE_RUNS).toBe(PROFILE_RUNS);
    expect(countOf('20', 1, 100)).toBe(20);
    expect(countOf('0', 1, 100)).toBeNull();
    expect(countOf('2.5', 0, 100)).toBeNull();
    expect(countOf('', 0, 100)).toBeNull();
    expect(countOf('101', 0, 100)).toBeNull();
  });
});
