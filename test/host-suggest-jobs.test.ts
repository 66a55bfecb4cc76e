/**
 * The solve, cut-points and sweep jobs through the real host and session worker, against the
 * real command (`bin/cutline.js solve [--cut-points]|sweep --json` in a child process): the same suggestions
 * with the same figures, the same infeasibility messages, the same sweep to the bit.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SAMPLES_DIR } from '../app/host/sample-catalog.js';
import type { StudioHost } from '../app/host/studio-host.js';
import type { JobEvent, JobKind, JobKinds, Suggestion } from '../app/shared/studio-api.js';
import { analyzeFile } from '../core/analyze.js';
import { buildPartitionProblem } from '../core/partition/build-problem.js';
import { evaluatePlacement } from '../core/partition/evaluate.js';
import { placementOfRecord } from '../core/partition/placement.js';
import type { PartitionProblem } from '../core/partition/problem.js';
import { problemFromSource } from '../core/partition/problem-from-source.js';
import { partitionSource } from '../core/partition/source.js';
import { withBandwidth } from '../core/partition/sweep.js';
import { loadTopology } from '../core/profiles/load.js';
import { expectOpened, studioHostHarness } from './support/studio-host-fixtures.js';

const { newHost } = studioHostHarness('cutline-suggest-jobs-');
const CLI = path.resolve(import.meta.dirname, '../bin/cutline.js');
const sample = (name: string): string => path.join(SAMPLES_DIR, `${name}.onnx`);

/** The command's JSON on stdout and its exit: `solve` prints its JSON even when every solver fails. */
async function cli(...args: string[]): Promise<{ json: unknown; exitCode: number; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args]);
    return { json: JSON.parse(stdout), exitCode: 0, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { json: e.stdout ? JSON.parse(e.stdout) : null, exitCode: e.code, stderr: e.stderr };
  }
}

type Ended = Extract<JobEvent, { type: 'done' | 'failed' }>;

/** Runs a job to its end, with the progress fractions it reported. */
async function runJob<K extends JobKind>(
  host: StudioHost,
  sessionId: string,
  kind: K,
  args: JobKinds[K]['args'],
): Promise<{ end: Ended; fractions: number[] }> {
  const fractions: number[] = [];
  let jobId = '';
  let unsubscribe = (): void => undefined;
  const ended = new Promise<Ended>((resolve) => {
    unsubscribe = host.onJob((event) => {
      if (event.jobId !== jobId) return;
      if (event.type === 'progress') fractions.push(event.fraction);
      if (event.type === 'done' || event.type === 'failed') resolve(event);
    });
  });
  const started = host.startJob(sessionId, { kind, args } as never);
  if (!started.ok) throw new Error(`job refused: ${JSON.stringify(started.error)}`);
  jobId = started.jobId;
  const end = await ended;
  unsubscribe();
  return { end, fractions };
}

function resultOf<K extends JobKind>(end: Ended, kind: K): JobKinds[K]['result'] {
  if (end.type !== 'done' || end.result.kind !== kind) throw new Error(JSON.stringify(end));
  return end.result.value as JobKinds[K]['result'];
}

interface CliPlan {
  solver: string;
  source?: string;
  exact: boolean;
  notes: string[];
  latencyMs: number;
  deviceEnergyMj: number;
  throughputPerS: number;
  linkBytes: number;
  layerPlacement: Record<string, string>;
}
interface CliSolve {
  plans: CliPlan[];
  infeasible: { solver: string; message: string }[];
  pareto?: { notes: string[]; points: CliPlan[] };
}

/** Off-device layers of a CLI plan, the design's form of a placement. */
const offDevice = (plan: CliPlan): Record<string, string> =>
  Object.fromEntries(Object.entries(plan.layerPlacement).filter(([, tier]) => tier !== 'device'));

function unitIndex(problem: PartitionProblem): Map<string, number> {
  return new Map(problem.units.map((unit, u) => [unit.name, u]));
}

/** A suggestion equals the command's plan: its placement, and the evaluator's figures of it equal the plan's. */
function expectSamePlan(problem: PartitionProblem, suggestion: Suggestion, plan: CliPlan): void {
  expect(suggestion.placement).toEqual(offDevice(plan));
  expect(suggestion.exact).toBe(plan.exact);
  expect(suggestion.notes).toEqual(plan.notes);
  const e = evaluatePlacement(problem, placementOfRecord(problem, unitIndex(problem), suggestion.placement));
  expect(e.latencyMs).toBe(plan.latencyMs);
  expect(e.deviceEnergyMj).toBe(plan.deviceEnergyMj);
  expect(e.throughputPerS).toBe(plan.throughputPerS);
  expect(e.linkBytes).toBe(plan.linkBytes);
}

describe('the solve job', () => {
  it('suggests what `cutline solve --pareto --json` prints: every solver and the Pareto front', async () => {
    const host = newHost();
    const opened = expectOpened(await host.openSample('edge-prune-vehicle'));
    const topology = loadTopology('n2-ethernet-i7');
    const { end, fractions } = await runJob(host, opened.sessionId, 'solve', {
      topology,
      objective: 'latency',
      constraints: ['raw-input-on-device'],
      solvers: [],
      pareto: true,
    });
    const result = resultOf(end, 'solve');
    const expected = (
      await cli(
        'solve',
        sample('edge-prune-vehicle'),
        '-t',
        'n2-ethernet-i7',
        '-c',
        'raw-input-on-device',
        '--pareto',
        '--json',
      )
    ).json as CliSolve;
    const { problem } = buildPartitionProblem(analyzeFile(sample('edge-prune-vehicle')), topology);
    expect(result.plans.map((p) => p.source)).toEqual(expected.plans.map((p) => p.solver));
    expect(result.plans.map((p) => p.source)).toEqual(['single-split', 'two-split', 'min-cut']);
    result.plans.forEach((suggestion, i) => expectSamePlan(problem, suggestion, expected.plans[i]!));
    expect(result.infeasible).toEqual([]);
    expect(result.pareto!.notes).toEqual(expected.pareto!.notes);
    expect(result.pareto!.points.map((p) => p.source)).toEqual(expected.pareto!.points.map((p) => p.source));
    result.pareto!.points.forEach((point, i) => expectSamePlan(problem, point, expected.pareto!.points[i]!));
    expect(result.pareto!.points.length).toBeGreaterThan(1);
    // Progress between the steps, in order.
    expect(fractions.length).toBeGreaterThanOrEqual(4);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
  });

  it('takes the objective, the pins and the solvers chosen, on three tiers', async () => {
    const host = newHost();
    const opened = expectOpened(await host.openSample('resnet-mini'));
    const topology = loadTopology('pi4-wifi-edge-wan-cloud');
    const { problem } = buildPartitionProblem(analyzeFile(sample('resnet-mini')), topology);
    const pinned = problem.units[3]!.name;
    const constraints = [`pin:${pinned}=cloud`, 'min-device-layers=2'];
    const { end } = await runJob(host, opened.sessionId, 'solve', {
      topology,
      objective: 'weighted:1,0.5',
      constraints,
      solvers: ['min-cut', 'tiers'],
      pareto: false,
    });
    const result = resultOf(end, 'solve');
    const expected = (
      await cli(
        'solve',
        sample('resnet-mini'),
        '-t',
        'pi4-wifi-edge-wan-cloud',
        '-o',
        'weighted:1,0.5',
        ...constraints.flatMap((c) => ['-c', c]),
        '-s',
        'min-cut',
        '-s',
        'tiers',
        '--json',
      )
    ).json as CliSolve;
    expect(result.pareto).toBeNull();
    expect(result.plans.map((p) => p.source)).toEqual(expected.plans.map((p) => p.solver));
    expect(result.plans.length).toBe(2);
    result.plans.forEach((suggestion, i) => expectSamePlan(problem, suggestion, expected.plans[i]!));
    for (const suggestion of result.plans) expect(suggestion.placement[pinned]).toBe('cloud');
  });

  it('returns every solver’s infeasibility with the command’s message instead of failing', async () => {
    const host = newHost();
    const opened = expectOpened(await host.openSample('edge-prune-vehicle'));
    const { end } = await runJob(host, opened.sessionId, 'solve', {
      topology: loadTopology('n2-wifi-i7'),
      objective: 'latency',
      constraints: ['deadline=0.001'],
      solvers: [],
      pareto: true,
    });
    const result = resultOf(end, 'solve');
    const expected = await cli(
      'solve',
      sample('edge-prune-vehicle'),
      '-t',
      'n2-wifi-i7',
      '-c',
      'deadline=0.001',
      '--pareto',
      '--json',
    );
    expect(expected.exitCode).not.toBe(0);
    expect(result.plans).toEqual([]);
    expect(result.infeasible).toEqual((expected.json as CliSolve).infeasible);
    expect(result.infeasible.map((i) => i.solver)).toEqual(['single-split', 'two-split', 'min-cut']);
    expect(result.infeasible[0]!.message).toMatch(/17\.\d\d ms over the 0\.001 ms deadline/);
    // The front keeps the constraints too: no point, and the command's notes.
    expect(result.pareto).toEqual({ points: [], notes: (expected.json as CliSolve).pareto!.notes });
  });

  it('fails a constraint or solver the command refuses with its code and sentence', async () => {
    const host = newHost();
    const opened = expectOpened(await host.openSample('edge-prune-vehicle'));
    const topology = loadTopology('n2-wifi-i7');
    const bad = await runJob(host, opened.sessionId, 'solve', {
      topology,
      objective: 'latency',
      constraints: ['memory:cloud=1GB'],
      solvers: [],
      pareto: false,
    });
    const expected = await cli(
      'solve',
      sample('edge-prune-vehicle'),
      '-t',
      'n2-wifi-i7',
      '-c',
      'memory:cloud=1GB',
    );
    if (bad.end.type !== 'failed') throw new Error(JSON.stringify(bad.end));
    expect(bad.end.error.code).toBe('BAD_CONSTRAINT');
    expect(expected.stderr).toContain(bad.end.error.message);
    const magic = await runJob(host, opened.sessionId, 'solve', {
      topology,
      objective: 'latency',
      constraints: [],
      solvers: ['magic'],
      pareto: false,
    });
    expect(magic.end).toMatchObject({ type: 'failed', error: { code: 'BAD_CONSTRAINT' } });
  });
});

interface CliSweep {
  link: { id: string; tiers: string; rttMs: number };
  server: string;
  points: Record<string, number | string>[];
  changes: number[];
}

describe('the sweep job', () => {
  it('gives `cutline sweep --json`’s points exactly, the design’s latency at each, and where the best split changes', async () => {
    const host = newHost();
    const opened = expectOpened(await host.openSample('edge-prune-vehicle'));
    const topology = loadTopology('n2-wifi-i7');
    const analysis = analyzeFile(sample('edge-prune-vehicle'));
    const { problem } = buildPartitionProblem(analysis, topology);
    // The design: the last third of the layers on the edge.
    const placement = Object.fromEntries(
      problem.units.slice(Math.floor((2 * problem.units.length) / 3)).map((u) => [u.name, 'edge' as const]),
    );
    const { end, fractions } = await runJob(host, opened.sessionId, 'sweep', {
      topology,
      hop: 0,
      fromMbps: 0.1,
      toMbps: 10_000,
      steps: 9,
      placement,
    });
    const result = resultOf(end, 'sweep');
    const expected = (
      await cli(
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
      )
    ).json as CliSweep;
    expect(result.link).toEqual(expected.link);
    expect(result.server).toBe(expected.server);
    expect(result.points.map(({ currentMs: _, ...cliFields }) => cliFields)).toEqual(expected.points);
    expect(result.changes).toEqual(expected.changes);
    expect(result.changes.length).toBeGreaterThan(0);
    const { source } = partitionSource(analysis);
    const design = placementOfRecord(problem, unitIndex(problem), placement);
    for (const point of result.points) {
      const atBandwidth = problemFromSource(source, withBandwidth(topology, 0, point.mbps));
      expect(point.currentMs).toBe(evaluatePlacement(atBandwidth, design).latencyMs);
    }
    expect(fractions.length).toBeGreaterThanOrEqual(9);
  });

  it('sweeps the WAN of three tiers as `--link edge-cloud`, and refuses a range that does not go up', async () => {
    const host = newHost();
    const opened = expectOpened(await host.openSample('resnet-mini'));
    const topology = loadTopology('pi4-wifi-edge-wan-cloud');
    const { end } = await runJob(host, opened.sessionId, 'sweep', {
      topology,
      hop: 1,
      fromMbps: 1,
      toMbps: 1000,
      steps: 7,
      placement: {},
    });
    const result = resultOf(end, 'sweep');
    const expected = (
      await cli(
        'sweep',
        sample('resnet-mini'),
        '-t',
        'pi4-wifi-edge-wan-cloud',
        '-l',
        'edge-cloud',
        '--from',
        '1',
        '--to',
        '1000',
        '--steps',
        '7',
        '--json',
      )
    ).json as CliSweep;
    expect(result.server).toBe('cloud');
    expect(result.points.map(({ currentMs: _, ...cliFields }) => cliFields)).toEqual(expected.points);
    expect(result.changes).toEqual(expected.changes);
    // An empty record is everything on the device.
    for (const point of result.points) expect(point.currentMs).toBe(point.deviceOnlyMs);

    const down = await runJob(host, opened.sessionId, 'sweep', {
      topology,
      hop: 0,
      fromMbps: 100,
      toMbps: 10,
      steps: 3,
      placement: {},
    });
    const refused = await cli(
      'sweep',
      sample('resnet-mini'),
      '-t',
      'pi4-wifi-edge-wan-cloud',
      '--from',
      '100',
      '--to',
      '10',
    );
    expect(down.end).toMatchObject({ type: 'failed', error: { code: 'BAD_CONSTRAINT' } });
    if (down.end.type === 'failed') expect(refused.stderr).toContain(down.end.error.message);
  });
});

describe('the cut-points job', () => {
  it('ranks the single cuts by the evaluator’s latency, as `solve --cut-points`; the best is the single-split plan', async () => {
    const host = newHost();
    const opened = expectOpened(await host.openSample('mobilenetv2-mini'));
    const topology = loadTopology('n2-wifi-i7');
    const { end } = await runJob(host, opened.sessionId, 'cut-points', {
      topology,
      serverTier: 1,
      limit: 12,
    });
    const result = resultOf(end, 'cut-points');
    const analysis = analyzeFile(sample('mobilenetv2-mini'));
    const { problem } = buildPartitionProblem(analysis, topology);
    const n = problem.units.length;
    expect(result.total).toBe(n + 1);
    expect(result.serverTier).toBe(1);
    expect(result.points).toHaveLength(12);
    // Every cut's latency, to check the rows are the twelve best in order.
    const all = Array.from({ length: n + 1 }, (_, k) => {
      const placement = new Uint8Array(n).fill(1).fill(0, 0, k);
      return evaluatePlacement(problem, placement).latencyMs;
    }).sort((a, b) => a - b);
    expect(result.points.map((p) => p.latencyMs)).toEqual(all.slice(0, 12));
    for (const point of result.points) {
      const e = evaluatePlacement(problem, new Uint8Array(n).fill(1).fill(0, 0, point.deviceLayers));
      expect(point.latencyMs).toBe(e.latencyMs);
      expect(point.deviceEnergyMj).toBe(e.deviceEnergyMj);
    }
    const macs = analysis.layers.layers.map((l) => l.macs);
    const best = result.points[0]!;
    expect(best.macsBefore).toBe(macs.slice(0, best.deviceLayers).reduce((a, b) => a + b, 0));
    // The command's `--cut-points` table has the same rows, and its single-split plan is the best of them.
    const fromCli = (
      await cli(
        'solve',
        sample('mobilenetv2-mini'),
        '-t',
        'n2-wifi-i7',
        '-s',
        'single-split',
        '--cut-points',
        '12',
        '--json',
      )
    ).json as CliSolve & { cutPoints: { server: string; total: number; points: unknown[] }[] };
    expect(fromCli.cutPoints).toEqual([{ server: 'edge', total: n + 1, points: result.points }]);
    expect(best.latencyMs).toBe(fromCli.plans[0]!.latencyMs);
  });
});
