/**
 * The tier runtimes chained in one process (each step's request handed straight to the tier
 * above): for real placements of the samples, the device's answer equals the whole model's, and
 * the tensors that cross are exactly the plan's cut tensors.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { analyzeBytes, type Analysis } from '../core/analyze.js';
import { buildSchedule } from '../core/bundle/schedule.js';
import { nodeTiersOf } from '../core/export/node-tiers.js';
import { createOrtExecutor } from '../core/bundle/ort-executor.js';
import { TierRuntime, type Forward, type Tensors } from '../core/bundle/tier-runtime.js';
import { manifestSchedule, type BundleManifest } from '../core/bundle/manifest.js';
import { maxAbsDifference } from '../core/export/compare.js';
import { extractSubModel } from '../core/export/extract.js';
import { splitSegments, type Segment } from '../core/export/segments.js';
import { buildPartitionProblem } from '../core/partition/build-problem.js';
import { runSolver } from '../core/partition/solve.js';
import { loadTopology } from '../core/profiles/load.js';
import { concreteInputShapes, randomFeeds } from '../core/profiling/feeds.js';

const sample = (name: string): string => path.resolve(import.meta.dirname, '../samples', `${name}.onnx`);

/** A manifest with just what the runtime reads. */
function lightManifest(
  tiers: string[],
  segments: { id: string; tier: number; inputs: string[]; outputs: string[] }[],
  schedule: ReturnType<typeof buildSchedule>,
  inputs: string[],
  outputs: string[],
): BundleManifest {
  const t = (name: string) => ({ name, dtype: 'float32', shape: null });
  return {
    format: 'cutline-bundle/1',
    createdBy: 'test',
    model: {
      name: 'm',
      sha256: '0'.repeat(64),
      file: 'device/model.onnx',
      inputs: inputs.map(t),
      outputs: outputs.map(t),
    },
    tiers: tiers.map((name, i) => ({
      name: name as 'device',
      device: name,
      precision: 'fp32',
      port: 9000 + i,
    })),
    hops: [],
    segments: segments.map((s) => ({
      id: s.id,
      tier: s.tier,
      file: `${s.id}.onnx`,
      sha256: '0'.repeat(64),
      inputs: s.inputs.map(t),
      outputs: s.outputs.map(t),
      layers: 1,
    })),
    schedule: manifestSchedule(schedule),
    plan: {
      solver: 'test',
      objective: 'latency',
      layerPlacement: {},
      predicted: {
        latencyMs: 0,
        throughputPerS: null,
        deviceEnergyMj: 0,
        linkBytes: 0,
        computeMsPerTier: [],
        hopLatencyMs: [],
      },
    },
    runtime: {
      token: 'x'.repeat(32),
      maxRequestBytes: 1 << 26,
      onUnreachable: 'fail',
      requestTimeoutMs: 10_000,
    },
  };
}

/** The segments' three-tier schedule and a light manifest around it. */
function scheduledManifest(analysis: Analysis, segments: readonly Segment[], tiers: string[]) {
  const plain = segments.map((s) => ({
    id: s.id,
    tier: s.tier,
    inputs: s.inputs.map((i) => i.name),
    outputs: s.outputs.map((o) => o.name),
  }));
  const schedule = buildSchedule(plain, analysis.graph.inputs, analysis.graph.outputs, 3);
  const manifest = lightManifest(
    tiers,
    plain,
    schedule,
    [...analysis.graph.inputs],
    [...analysis.graph.outputs],
  );
  return { manifest, schedule };
}

describe('tier runtimes chained in process', () => {
  for (const name of ['edge-prune-vehicle', 'resnet-mini', 'transformer-encoder']) {
    it(`${name}: every solver's split answers as the whole model does`, async () => {
      const bytes = new Uint8Array(fs.readFileSync(sample(name)));
      const analysis = analyzeBytes(bytes);
      const topology = loadTopology('pi4-wifi-edge-wan-cloud');
      const built = buildPartitionProblem(analysis, topology);
      const tiers = topology.tiers.map((t) => t.name);
      const whole = await ort.InferenceSession.create(bytes);
      const feeds = randomFeeds(analysis, concreteInputShapes(analysis.graph), 7);
      const expected = await whole.run(feeds);
      // Unlimited memory so the placements spread across tiers; with a slow device and 3 tiers.
      const problem = { ...built.problem, memoryBytes: built.problem.tiers.map(() => Infinity) };
      const placements = [
        ...(['two-split', 'tiers'] as const).map(
          (solver) => runSolver(problem, solver, { kind: 'latency' }, {}).placement,
        ),
        // device → cloud → device around the middle, and a 3-tier chain.
        Uint8Array.from(
          problem.units.map((_, u) =>
            u > problem.units.length / 3 && u < (2 * problem.units.length) / 3 ? 2 : 0,
          ),
        ),
        Uint8Array.from(problem.units.map((_, u) => Math.min(2, Math.floor((3 * u) / problem.units.length)))),
      ];
      let mostSegments = 0;
      for (const placement of placements) {
        const segments = splitSegments(analysis, nodeTiersOf(analysis, built, placement), tiers);
        mostSegments = Math.max(mostSegments, segments.length);
        const { manifest, schedule } = scheduledManifest(analysis, segments, tiers);
        const runtimes: TierRuntime[] = [];
        const executors = [];
        const moved: string[] = [];
        for (let t = 2; t >= 0; t--) {
          const models = new Map(
            segments.filter((s) => s.tier === t).map((s) => [s.id, extractSubModel(analysis, s)] as const),
          );
          const executor = await createOrtExecutor(models);
          executors.push(executor);
          const above = runtimes[0];
          const forward: Forward | null = above
            ? async (segment, request, _step, tensors) => {
                for (const n of tensors.keys()) moved.push(`${n} ${t} up`);
                const result = await above.step(segment, request, tensors);
                for (const n of result.tensors.keys()) moved.push(`${n} ${t} down`);
                return result;
              }
            : null;
          runtimes.unshift(new TierRuntime(manifest, t, executor.execute, forward));
        }
        const result = await runtimes[0]!.infer(new Map(Object.entries(feeds)));
        for (const [out, tensor] of Object.entries(expected)) {
          expect(maxAbsDifference(tensor, result.outputs.get(out)!)).toBeLessThanOrEqual(1e-5);
        }
        expect(new Set(moved)).toEqual(
          new Set(schedule.crossings.map((c) => `${c.tensor} ${c.hop} ${c.direction}`)),
        );
        expect(moved).toHaveLength(schedule.crossings.length);
        // Nothing stays behind on any tier once the request is answered.
        for (const runtime of runtimes) expect(runtime.openRequests).toBe(0);
        for (const runtime of runtimes) runtime.close();
        for (const executor of executors) await executor.close();
      }
      // The hand-made placements do split: device → cloud → device at least.
      expect(mostSegments).toBeGreaterThanOrEqual(3);
      await whole.release();
    });
  }
});

describe('tier runtime bookkeeping', () => {
  /** The vehicle CNN as a device → edge → cloud chain, its runtimes chained in process. */
  async function chain(cloud: 'runs' | 'fails' | 'waits', maxOpen = 256) {
    /** With 'waits': the cloud's runs wait until this opens. */
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    /** Requests each tier sent to the tier above. */
    const forwards = [0, 0, 0];
    const bytes = new Uint8Array(fs.readFileSync(sample('edge-prune-vehicle')));
    const analysis = analyzeBytes(bytes);
    const topology = loadTopology('pi4-wifi-edge-wan-cloud');
    const built = buildPartitionProblem(analysis, topology);
    const placement = Uint8Array.from(built.problem.units.map((_, u) => (u < 3 ? 0 : u < 6 ? 1 : 2)));
    const tiers = topology.tiers.map((t) => t.name);
    const segments = splitSegments(analysis, nodeTiersOf(analysis, built, placement), tiers);
    const { manifest } = scheduledManifest(analysis, segments, tiers);
    const runtimes: TierRuntime[] = [];
    for (let t = 2; t >= 0; t--) {
      const models = new Map(
        segments.filter((s) => s.tier === t).map((s) => [s.id, extractSubModel(analysis, s)] as const),
      );
      const executor = await createOrtExecutor(models);
      const execute: typeof executor.execute =
        t === 2 && cloud === 'fails'
          ? async () => {
              throw new Error('the cloud failed');
            }
          : t === 2 && cloud === 'waits'
            ? async (segment, inputs) => {
                await gate;
                return executor.execute(segment, inputs);
              }
            : executor.execute;
      const above = runtimes[0];
      const forward: Forward | null = above
        ? (segment, request, _step, tensors) => {
            forwards[t]!++;
            return above.step(segment, request, tensors);
          }
        : null;
      runtimes.unshift(new TierRuntime(manifest, t, execute, forward, null, maxOpen));
    }
    return { runtimes, feeds: randomFeeds(analysis, concreteInputShapes(analysis.graph), 3), open, forwards };
  }

  it('one request per hop and inference: the edge runs its step and sends the cloud’s on itself', async () => {
    const { runtimes, feeds, forwards } = await chain('runs');
    const result = await runtimes[0]!.infer(new Map(Object.entries(feeds)));
    expect(result.outputs.size).toBeGreaterThan(0);
    // Device → edge once and edge → cloud once, not device → edge again for the cloud's step.
    expect(forwards).toEqual([1, 1, 0]);
    expect(result.steps.map((s) => `${s.tier}:${s.segment}:${s.computeMs > 0 ? 'ran' : 'sent'}`)).toEqual([
      'device:device-0:ran',
      'device:edge-1:sent',
      'edge:edge-1:ran',
      'edge:cloud-2:sent',
      'cloud:cloud-2:ran',
    ]);
    for (const runtime of runtimes) runtime.close();
  });

  it('a failed step leaves nothing of its request on any tier', async () => {
    const { runtimes, feeds } = await chain('fails');
    await expect(runtimes[0]!.infer(new Map(Object.entries(feeds)))).rejects.toThrow(/the cloud failed/);
    for (const runtime of runtimes) expect(runtime.openRequests).toBe(0);
    for (const runtime of runtimes) runtime.close();
  });

  it('refuses requests past its bound of open requests with a 503 instead of growing without limit', async () => {
    const { runtimes, open } = await chain('waits', 2);
    const edge = runtimes[1]!;
    // The edge runs its step and sends the cloud's on in the same request; while the cloud works,
    // the edge holds the request open.
    const input = edge.manifest.segments.find((s) => s.id === 'edge-1')!.inputs[0]!.name;
    const tensor = (): Tensors =>
      new Map([[input, new ort.Tensor('float32', new Float32Array(32 * 48 * 48), [1, 32, 48, 48])]]);
    const a = edge.step('edge-1', 'a', tensor());
    const b = edge.step('edge-1', 'b', tensor());
    await expect.poll(() => edge.openRequests).toBe(2);
    await expect(edge.step('edge-1', 'c', tensor())).rejects.toMatchObject({ status: 503 });
    expect(edge.openRequests).toBe(2);
    open();
    await Promise.all([a, b]);
    // Answered in one request each: nothing of them stays on the edge.
    expect(edge.openRequests).toBe(0);
    for (const runtime of runtimes) runtime.close();
  });

  it('answers a step of a request it does not hold (expired, released, never seen) with a 409 that says so', async () => {
    const { runtimes } = await chain('runs');
    const edge = runtimes[1]!;
    // The cloud's step needs what the edge made in its own step of the same request.
    const step = edge.manifest.schedule.steps.find((s) => s.segment === 'cloud-2')!;
    expect(step.actions[1]!.inject.length).toBeGreaterThan(0);
    await expect(edge.step('cloud-2', 'never-seen', new Map())).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(/Request "never-seen" is unknown here or has expired/),
    });
    expect(edge.openRequests).toBe(0);
    for (const runtime of runtimes) runtime.close();
  });
});
