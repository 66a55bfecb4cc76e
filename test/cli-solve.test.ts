/** `cutline solve` and `cutline sweep` through the real command, on the samples and bundled topologies. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../bin/cutline.js');
const sample = (name: string): string => path.resolve(import.meta.dirname, '../samples', `${name}.onnx`);

interface PlanJson {
  solver: string;
  exact: boolean;
  latencyMs: number;
  throughputPerS: number;
  deviceEnergyMj: number;
  linkBytes: number;
  rawInputLeavesDevice: boolean;
  deviceLayersBeforeLeaving: number | null;
  memoryBytesPerTier: Record<string, { totalBytes: number }>;
  cutTensors: { name: string; bytes: number; from: string; to: string[] }[];
  placement: Record<string, string>;
  layerPlacement: Record<string, string>;
}

interface SolveJson {
  tiers: string[];
  plans: PlanJson[];
  infeasible: { solver: string; message: string }[];
  pareto?: { points: (PlanJson & { source: string })[] };
}

async function solve(...args: string[]): Promise<SolveJson> {
  const { stdout } = await run(process.execPath, [CLI, 'solve', ...args, '--json']);
  return JSON.parse(stdout) as SolveJson;
}

async function failure(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, [CLI, ...args]);
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
  throw new Error(`cutline ${args.join(' ')} succeeded`);
}

const byName = (plans: PlanJson[], solver: string): PlanJson => plans.find((p) => p.solver === solver)!;

describe('cutline solve', () => {
  it('prints every solver’s plan with its figures and a placement of every node', async () => {
    const result = await solve(sample('edge-prune-vehicle'), '-t', 'n2-ethernet-i7');
    expect(result.tiers).toEqual(['device', 'edge']);
    expect(result.plans.map((p) => p.solver)).toEqual(['single-split', 'two-split', 'min-cut']);
    const analysis = JSON.parse(
      (await run(process.execPath, [CLI, 'analyze', sample('edge-prune-vehicle'), '--json'])).stdout,
    ) as { nodeCount: number; layerCount: number };
    for (const plan of result.plans) {
      expect(Object.keys(plan.placement)).toHaveLength(analysis.nodeCount);
      expect(Object.keys(plan.layerPlacement)).toHaveLength(analysis.layerCount);
      expect(plan.latencyMs).toBeGreaterThan(0);
      expect(plan.throughputPerS).toBeGreaterThan(0);
      expect(plan.deviceEnergyMj).toBeGreaterThan(0);
      expect(plan.exact).toBe(true);
      // Bytes on the links are exactly the cut tensors' bytes (each crosses the one hop once).
      expect(plan.linkBytes).toBe(plan.cutTensors.reduce((s, c) => s + c.bytes, 0));
    }
    // Each family contains the previous one, and the min cut searches every placement.
    const single = byName(result.plans, 'single-split');
    const two = byName(result.plans, 'two-split');
    const cut = byName(result.plans, 'min-cut');
    expect(two.latencyMs).toBeLessThanOrEqual(single.latencyMs + 1e-9);
    expect(cut.latencyMs).toBeLessThanOrEqual(two.latencyMs + 1e-9);
  });

  it('keeps the raw input on the device and honours Edge-PRUNE’s k-layer rule', async () => {
    const raw = await solve(
      sample('resnet-mini'),
      '-t',
      'pi4-wifi-edge-wan-cloud',
      '-c',
      'raw-input-on-device',
    );
    expect(raw.plans.map((p) => p.solver)).toEqual(['single-split', 'two-split', 'min-cut', 'tiers']);
    for (const plan of raw.plans) expect(plan.rawInputLeavesDevice).toBe(false);
    const deep = await solve(
      sample('resnet-mini'),
      '-t',
      'pi4-wifi-edge-wan-cloud',
      '-c',
      'min-device-layers=6',
      '-s',
      'tiers',
    );
    const plan = deep.plans[0]!;
    expect(plan.deviceLayersBeforeLeaving === null || plan.deviceLayersBeforeLeaving >= 6).toBe(true);
    for (const cut of plan.cutTensors) if (cut.from === 'device') expect(cut.to.length).toBeGreaterThan(0);
  });

  it('trades latency for energy when asked, and three tiers never do worse than two', async () => {
    const args = [sample('mobilenetv2-mini'), '-t', 'pi4-wifi-edge-wan-cloud'];
    const fast = await solve(...args, '-s', 'tiers', '-s', 'min-cut');
    const frugal = await solve(...args, '-s', 'tiers', '-o', 'energy');
    expect(frugal.plans[0]!.deviceEnergyMj).toBeLessThanOrEqual(fast.plans[0]!.deviceEnergyMj + 1e-9);
    expect(fast.plans[0]!.latencyMs).toBeLessThanOrEqual(frugal.plans[0]!.latencyMs + 1e-9);
    expect(byName(fast.plans, 'tiers').latencyMs).toBeLessThanOrEqual(
      byName(fast.plans, 'min-cut').latencyMs + 1e-9,
    );
  });

  it('respects a memory limit per tier', async () => {
    // The vehicle CNN's weights are 2.4 MB, most of them in its first dense layer.
    const result = await solve(
      sample('edge-prune-vehicle'),
      '-t',
      'n2-ethernet-i7',
      '-c',
      'memory:device=2MiB',
      '-c',
      'raw-input-on-device',
    );
    for (const plan of result.plans) {
      expect(plan.memoryBytesPerTier.device!.totalBytes).toBeLessThanOrEqual(2 * 2 ** 20);
      expect(plan.layerPlacement['/L3/dense/Gemm']).toBe('edge');
    }
  });

  it('prints a Pareto front of non-dominated plans', async () => {
    const result = await solve(sample('resnet-mini'), '-t', 'nano-5g-cloud', '--pareto');
    const points = result.pareto!.points;
    expect(points.length).toBeGreaterThan(0);
    for (const p of points) {
      for (const q of points) {
        const dominated =
          q.latencyMs <= p.latencyMs &&
          q.deviceEnergyMj <= p.deviceEnergyMj &&
          (q.latencyMs < p.latencyMs - 1e-9 || q.deviceEnergyMj < p.deviceEnergyMj - 1e-9);
        expect(dominated).toBe(false);
      }
    }
  });

  it('says which constraint cannot be met and by how much', async () => {
    const { code, stderr } = await failure(
      'solve',
      sample('edge-prune-vehicle'),
      '-t',
      'n2-ethernet-i7',
      '-c',
      'deadline=0.5',
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/^cutline: INFEASIBLE: .*latency deadline.*ms over the 0\.5 ms deadline/m);
  });

  it('refuses unknown constraints, tiers, solvers and topologies with a named error', async () => {
    const model = sample('edge-prune-vehicle');
    expect((await failure('solve', model, '-t', 'n2-ethernet-i7', '-c', 'fast-please')).stderr).toMatch(
      /^cutline: BAD_CONSTRAINT: Unknown constraint "fast-please": use raw-input-on-device/m,
    );
    expect((await failure('solve', model, '-t', 'n2-ethernet-i7', '-c', 'memory:cloud=1GB')).stderr).toMatch(
      /BAD_CONSTRAINT: .*no tier "cloud"; its tiers are device, edge/,
    );
    expect((await failure('solve', model, '-t', 'n2-ethernet-i7', '-s', 'magic')).stderr).toMatch(
      /Unknown solver "magic"/,
    );
    expect((await failure('solve', model, '-t', 'no-such-topology')).stderr).toMatch(
      /^cutline: PROFILE_NOT_FOUND: /m,
    );
    expect((await failure('solve', model, '-t', 'n2-ethernet-i7', '-c', 'pin:/no/such=edge')).stderr).toMatch(
      /no layer named "\/no\/such"/,
    );
  });
});

describe('cutline sweep', () => {
  it('tabulates latency against link bandwidth: device wins at low bitrates, the server at high ones', async () => {
    const { stdout } = await run(process.execPath, [
      CLI,
      'sweep',
      sample('edge-prune-vehicle'),
      '-t',
      'n2-wifi-i7',
      '--from',
      '0.1',
      '--to',
      '10000',
      '--steps',
      '9',
      '--json',
    ]);
    const result = JSON.parse(stdout) as {
      link: { id: string };
      points: {
        mbps: number;
        deviceOnlyMs: number;
        serverOnlyMs: number;
        bestSplitMs: number;
        fastest: string;
      }[];
    };
    expect(result.link.id).toBe('wifi-16m');
    expect(result.points).toHaveLength(9);
    expect(result.points[0]!.mbps).toBeCloseTo(0.1);
    expect(result.points[8]!.mbps).toBeCloseTo(10000);
    for (const [i, p] of result.points.entries()) {
      expect(p.deviceOnlyMs).toBeCloseTo(result.points[0]!.deviceOnlyMs, 9);
      expect(p.bestSplitMs).toBeLessThanOrEqual(Math.min(p.deviceOnlyMs, p.serverOnlyMs) + 1e-9);
      if (i > 0) expect(p.serverOnlyMs).toBeLessThan(result.points[i - 1]!.serverOnlyMs);
    }
    expect(result.points[0]!.fastest).toBe('device-only');
    expect(result.points[8]!.fastest).toBe('server-only');
    const text = (
      await run(process.execPath, [CLI, 'sweep', sample('edge-prune-vehicle'), '-t', 'n2-wifi-i7'])
    ).stdout;
    expect(text).toMatch(/device only ms +server only ms +best split ms/);
  });
});
