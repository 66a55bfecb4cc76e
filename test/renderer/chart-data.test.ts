/**
 * The bandwidth chart's data shaping on its own: the range form checked as the host checks it
 * (same limits as the job's validator), the links named as the lane header names them, log-axis
 * ticks and domains, the four curves' styles (distinct marker, dash and colour), change markers
 * and the nearest point to a click.
 */
import { describe, expect, it } from 'vitest';
import { loadTopology } from '../../core/profiles/load.js';
import type { SweepPoint, SweepResult } from '../../app/shared/studio-api.js';
import { MAX_SWEEP_STEPS } from '../../app/shared/studio-validate.js';
import { JOB_ARGS } from '../../app/shared/studio-validate.js';
import { chartColorsFrom } from '../../app/renderer/charts/chart-theme.js';
import {
  DEFAULT_SWEEP_FORM,
  SWEEP_MAX_MBPS,
  SWEEP_MAX_STEPS,
  SWEEP_MIN_MBPS,
  bestSplitText,
  changeMarkers,
  linkOptions,
  logDomain,
  logTicks,
  nearestPointIndex,
  sweepRange,
  sweepSeries,
} from '../../app/renderer/charts/sweep-data.js';
import { paddedDomain } from '../../app/renderer/charts/pareto-data.js';
import { niceAxis } from '../../app/renderer/charts/axis-ticks.js';

const point = (mbps: number, change: Partial<SweepPoint> = {}): SweepPoint => ({
  mbps,
  deviceOnlyMs: 10,
  serverOnlyMs: 100 / mbps,
  bestSplitMs: 5,
  bestSplitDeviceLayers: 4,
  bestSplitLinkBytes: 1024,
  fastest: 'split',
  currentMs: 8,
  ...change,
});

describe('the sweep range', () => {
  it('is the default 0.1 … 1000 Mb/s in 25 steps', () => {
    expect(sweepRange(DEFAULT_SWEEP_FORM)).toEqual({ ok: true, fromMbps: 0.1, toMbps: 1000, steps: 25 });
  });

  it('names each field that is wrong and what to type', () => {
    expect(sweepRange({ from: 'fast', to: '0', steps: '2.5' })).toEqual({
      ok: false,
      problems: [
        { field: 'from', message: expect.stringMatching(/^From: type a bandwidth in Mb\/s between/) },
        { field: 'to', message: expect.stringMatching(/^To: type a bandwidth in Mb\/s between/) },
        { field: 'steps', message: 'Steps: type a whole number from 2 to 200, such as 25.' },
      ],
    });
    expect(sweepRange({ from: '5', to: '5', steps: '201' })).toEqual({
      ok: false,
      problems: [
        { field: 'to', message: 'To (5) must be larger than From (5).' },
        { field: 'steps', message: 'Steps: type a whole number from 2 to 200, such as 25.' },
      ],
    });
  });

  it("has the host validator's limits: what the form accepts, the job accepts", () => {
    expect(SWEEP_MAX_STEPS).toBe(MAX_SWEEP_STEPS);
    const topology = loadTopology('n2-wifi-i7');
    const args = (fromMbps: number, toMbps: number, steps: number) =>
      JOB_ARGS.sweep.safeParse({ topology, hop: 0, fromMbps, toMbps, steps, placement: {} }).success;
    expect(args(SWEEP_MIN_MBPS, SWEEP_MAX_MBPS, SWEEP_MAX_STEPS)).toBe(true);
    expect(args(SWEEP_MIN_MBPS / 2, 1, 2)).toBe(false);
    expect(args(1, SWEEP_MAX_MBPS * 2, 2)).toBe(false);
    expect(args(1, 2, SWEEP_MAX_STEPS + 1)).toBe(false);
  });
});

describe('the links to sweep', () => {
  it('are the topology hops, named by their tiers, link and bandwidth', () => {
    const topology = loadTopology('pi4-wifi-edge-wan-cloud');
    const options = linkOptions(topology);
    expect(options.map((o) => o.hop)).toEqual([0, 1]);
    expect(options[0]!.label).toBe(
      `Device → Edge: ${topology.hops[0]!.name} (${topology.hops[0]!.uplinkMbps} Mb/s)`,
    );
    expect(options[1]!.label).toMatch(/^Edge → Cloud: /);
  });

  it('show both bandwidths of an asymmetric link', () => {
    const topology = loadTopology('n2-wifi-i7');
    const hop = { ...topology.hops[0]!, uplinkMbps: 5, downlinkMbps: 50 };
    expect(linkOptions({ ...topology, hops: [hop] })[0]!.label).toMatch(/\(5\/50 Mb\/s\)$/);
  });
});

describe('log axes', () => {
  it('tick at each power of ten, with the ends when fewer than three fit', () => {
    expect(logTicks(0.1, 1000)).toEqual([0.1, 1, 10, 100, 1000]);
    expect(logTicks(0.3, 700)).toEqual([1, 10, 100]);
    expect(logTicks(2, 50)).toEqual([2, 10, 50]);
    expect(logTicks(3, 4)).toEqual([3, 4]);
    expect(logTicks(10, 100)).toEqual([10, 100]);
    expect(logTicks(5, 1)).toEqual([]);
  });

  it('span the powers of ten around the values', () => {
    expect(logDomain([2.2, 41, 3900])).toEqual([1, 10000]);
    expect(logDomain([10, 100])).toEqual([10, 100]);
    expect(logDomain([5, 5])).toEqual([1, 10]);
    expect(logDomain([0, -1])).toEqual([1, 10]);
  });

  it('take a click to the nearest point on the log scale', () => {
    const points = [point(0.1), point(1), point(10), point(100)];
    expect(nearestPointIndex(points, 0.4)).toBe(1);
    expect(nearestPointIndex(points, 0.2)).toBe(0);
    expect(nearestPointIndex(points, 5000)).toBe(3);
  });
});

describe('the curves and the change markers', () => {
  it('are four curves with their own colour, marker and dash, named after the server tier', () => {
    const series = sweepSeries(
      'cloud',
      chartColorsFrom(() => ''),
    );
    expect(series.map((s) => [s.key, s.name])).toEqual([
      ['deviceOnlyMs', 'Device only'],
      ['serverOnlyMs', 'Cloud only'],
      ['bestSplitMs', 'Best split'],
      ['currentMs', 'This design'],
    ]);
    for (const part of ['color', 'marker', 'dash'] as const) {
      expect(new Set(series.map((s) => s.style[part])).size).toBe(4);
    }
  });

  it('mark each bandwidth where the best split changes with what becomes best', () => {
    const result: Pick<SweepResult, 'points' | 'changes' | 'server'> = {
      server: 'edge',
      points: [
        point(0.1, { fastest: 'device-only', bestSplitDeviceLayers: 32 }),
        point(1, { fastest: 'split', bestSplitDeviceLayers: 1 }),
        point(10, { fastest: 'split', bestSplitDeviceLayers: 12 }),
        point(100, { fastest: 'server-only', bestSplitDeviceLayers: 0 }),
      ],
      changes: [1, 10, 100, 55],
    };
    expect(changeMarkers(result)).toEqual([
      {
        mbps: 1,
        afterMbps: 0.1,
        index: 1,
        label: '→ 1 on device',
        description: 'Between 0.1 Mb/s and 1 Mb/s the best split becomes 1 layer on the device',
      },
      {
        mbps: 10,
        afterMbps: 1,
        index: 2,
        label: '→ 12 on device',
        description: 'Between 1 Mb/s and 10 Mb/s the best split becomes 12 layers on the device',
      },
      {
        mbps: 100,
        afterMbps: 10,
        index: 3,
        label: '→ edge only',
        description: 'Between 10 Mb/s and 100 Mb/s the best split becomes all on the edge',
      },
    ]);
    expect(bestSplitText(result.points[0]!, 'edge')).toBe('all on the device');
  });
});

describe('the Pareto axes', () => {
  it('leave a margin around the points, so none sits on the edge', () => {
    expect(paddedDomain([1.5, 2])).toEqual([1.46, 2.04]);
    expect(paddedDomain([10, 10])).toEqual([9.5, 10.5]);
    expect(paddedDomain([0, 0])).toEqual([0, 1]);
    expect(paddedDomain([0.01, 5])[0]).toBe(0);
  });
});

describe('linear axes', () => {
  it('tick at round numbers and widen the domain to them', () => {
    expect(niceAxis(1.46, 2.04)).toEqual({ domain: [1.4, 2.2], ticks: [1.4, 1.6, 1.8, 2, 2.2] });
    expect(niceAxis(6.63, 10.1)).toEqual({ domain: [6, 11], ticks: [6, 7, 8, 9, 10, 11] });
    expect(niceAxis(0, 3900)).toEqual({ domain: [0, 4000], ticks: [0, 1000, 2000, 3000, 4000] });
    expect(niceAxis(0.001, 0.0042).ticks).toEqual([0.001, 0.002, 0.003, 0.004, 0.005]);
    expect(niceAxis(5, 5)).toEqual({ domain: [4.5, 5.5], ticks: [4.5, 4.75, 5, 5.25, 5.5] });
  });
});
