/**
 * What `cutline profile` says of its fit when a figure is not the data's: a memory bandwidth no
 * measured layer pinned (the fit ran to its search's 10,000 GB/s, or any higher figure fits as
 * well) is said to be undetermined rather than printed as a fitted figure, and a kernel
 * slowdown of ×1.00 (the floor) is said in words. Times are a known device's on resnet-mini's
 * nodes as onnxruntime ran them, so the fit's answer is known.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kernelLines, profileText } from '../app/cli/profile-text.js';
import { nodeWork, predictComputeMs } from '../core/predict/roofline.js';
import { calibrateHostProfile } from '../core/profiling/calibrate.js';
import { evaluateCalibration } from '../core/profiling/evaluate.js';
import type { HostPeak } from '../core/profiling/host-peak.js';
import type { KernelCalibrationRun } from '../core/profiling/kernel-calibrate.js';
import { atSearchEdge } from '../core/profiling/minimize.js';
import { runOrtProfile, type OrtProfile } from '../core/profiling/ort-profile.js';
import type { DeviceProfile } from '../core/profiles/types.js';

const PEAK: HostPeak = { gflops: 100, matmulSize: 512, bestMs: 2.68, intraOpThreads: 1, method: 'test' };

/** One efficiency and overhead for every class, so the fit can only differ in its bandwidth. */
function device(memoryBandwidthGBps: number): DeviceProfile {
  return {
    id: 'truth',
    name: 'Truth',
    peakGflops: { fp32: 100 },
    memoryBandwidthGBps,
    efficiency: {},
    defaultEfficiency: 0.5,
    overheadMs: {},
    defaultOverheadMs: 0.003,
    activePowerW: 10,
    idlePowerW: 2,
    memoryBytes: 1e9,
    sources: {},
  };
}

let measured: OrtProfile;
beforeAll(async () => {
  measured = await runOrtProfile(path.resolve(import.meta.dirname, '../samples/resnet-mini.onnx'), {
    runs: 1,
    warmup: 0,
    intraOpThreads: 1,
  });
});

/** resnet-mini's nodes timed as `truth` would run them. */
function timedOn(truth: DeviceProfile): OrtProfile {
  const { analysis, measurement } = measured;
  return {
    analysis,
    measurement: {
      ...measurement,
      nodes: measurement.nodes.map((n) => ({
        ...n,
        medianMs: predictComputeMs(truth, 'fp32', nodeWork(analysis, n.index)),
      })),
    },
  };
}

describe("the profile's fit, said as the data support it", () => {
  it('reports a bandwidth the layers pinned as fitted', () => {
    const { fit, profile } = calibrateHostProfile([timedOn(device(40))], PEAK);
    expect(fit.memoryBandwidthGBps).toBeCloseTo(40, 0);
    expect(fit.memoryBandwidthDetermined).toBe(true);
    expect(profile.sources.memoryBandwidthGBps).toContain(
      'the effective bandwidth of memory-bound operators',
    );
    const text = profileText(
      [timedOn(device(40))],
      PEAK,
      evaluateCalibration([timedOn(device(40))], [], PEAK),
      undefined,
      null,
      [],
    );
    expect(text).toContain(`memory bandwidth ${fit.memoryBandwidthGBps} GB/s (fitted, cache included)`);
  });

  it('says a bandwidth no layer was limited by is not determined, instead of 10000 GB/s fitted', () => {
    // Memory so fast that no node is memory-bound: any bandwidth above some figure fits as well.
    const unlimited = [timedOn(device(1e9))];
    const { fit, profile } = calibrateHostProfile(unlimited, PEAK);
    expect(fit.memoryBandwidthDetermined).toBe(false);
    expect(profile.sources.memoryBandwidthGBps).toContain('not determined by these measurements');
    const text = profileText(unlimited, PEAK, evaluateCalibration(unlimited, [], PEAK), undefined, null, []);
    expect(text).toContain(
      `memory bandwidth not determined by these measurements (too few memory-bound layers; the profile keeps where the search stopped, ${fit.memoryBandwidthGBps} GB/s)`,
    );
    expect(text).not.toMatch(/GB\/s \(fitted/);
  });

  it('finds the edge within one step of the search grid, at either end', () => {
    expect(atSearchEdge(10_000, 0.1, 10_000)).toBe('high');
    expect(atSearchEdge(9_000, 0.1, 10_000)).toBe('high');
    expect(atSearchEdge(0.105, 0.1, 10_000)).toBe('low');
    expect(atSearchEdge(40, 0.1, 10_000)).toBeNull();
    expect(atSearchEdge(7_000, 0.1, 10_000)).toBeNull();
  });

  it('says a kernel slowdown at its ×1.00 floor in words', () => {
    const run: KernelCalibrationRun = {
      kernelModels: {},
      segmentOverheadMs: 0.02,
      tensorOverheadMs: 0.001,
      profilerMsPerKernel: 0,
      contextFactor: 1,
      kinds: [],
      channelBlock: 8,
      kernels: 12,
      models: 1,
      samples: 0,
      networks: 0,
      seconds: 1,
      reused: 0,
      timed: 1,
    };
    const floor = kernelLines(run).join('\n');
    expect(floor).toContain('kernels ran no slower in your models than alone');
    expect(floor).not.toContain('×1.00');
    expect(kernelLines({ ...run, contextFactor: 1.374 }).join('\n')).toContain(
      'kernels run ×1.37 slower in your models than alone',
    );
  });
});
