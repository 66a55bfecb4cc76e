/**
 * What the harness holds its measurements against: per hop, the time the emulated link should
 * take and the cost model's figure; the plan re-predicted with this machine's profile; and, per
 * request, the time each hop cost, read from the device's step timings.
 */
import type { Analysis } from '../analyze.js';
import { buildPartitionProblem } from '../partition/build-problem.js';
import { evaluateServing } from '../partition/serving-mode.js';
import type { DeviceProfile, LinkProfile, Topology } from '../profiles/types.js';
import { manifestStepRuns, type BundleManifest } from './manifest.js';
import { runsOf } from './schedule.js';
import { tensorBytes as bytesOf } from './tensor-types.js';
import type { StepTiming } from './tier-runtime.js';

/** Bytes of a manifest tensor with a known shape (0 when unknown). */
export function manifestTensorBytes(manifest: BundleManifest, name: string): number {
  const all = [
    ...manifest.model.inputs,
    ...manifest.model.outputs,
    ...manifest.segments.flatMap((s) => [...s.inputs, ...s.outputs]),
  ];
  const t = all.find((x) => x.name === name);
  return t ? (bytesOf(t.dtype, t.shape) ?? 0) : 0;
}

/**
 * Per hop: what the emulated link should take per inference, every exchange that crosses it
 * counted (each request the schedule sends up, one per run of steps (`stepRuns`) that reaches
 * past the hop, goes up and its answer comes down: rtt/2 + bytes·8/bandwidth each way); and the
 * cost model's figure for the tensors alone (rtt/2 per tensor crossing).
 */
export function expectedHops(
  manifest: BundleManifest,
  tensorBytes: (name: string) => number = (name) => manifestTensorBytes(manifest, name),
): { emulatedMs: number; predictedMs: number; bytes: number }[] {
  const steps = manifest.schedule.steps;
  const runs = runsOf(manifestStepRuns(manifest));
  return manifest.hops.map((hop, h) => {
    let emulatedMs = 0;
    let bytes = 0;
    const ms = (b: number, mbps: number): number => hop.rttMs / 2 + ((b * 8) / (mbps * 1e6)) * 1000;
    for (const run of runs) {
      const above = run.map((i) => steps[i]!).filter((step) => step.tier > h);
      if (above.length === 0) continue;
      const upBytes = above
        .flatMap((step) => step.actions.slice(0, h + 1).flatMap((a) => a.inject))
        .reduce((s, n) => s + tensorBytes(n), 0);
      const downBytes = above
        .flatMap((step) => step.actions[h + 1]!.passDown)
        .reduce((s, n) => s + tensorBytes(n), 0);
      emulatedMs += ms(upBytes, hop.uplinkMbps) + ms(downBytes, hop.downlinkMbps);
      bytes += upBytes + downBytes;
    }
    const predictedMs = manifest.schedule.crossings
      .filter((c) => c.hop === h)
      .reduce(
        (s, c) => s + ms(tensorBytes(c.tensor), c.direction === 'up' ? hop.uplinkMbps : hop.downlinkMbps),
        0,
      );
    return { emulatedMs, predictedMs, bytes };
  });
}

/** The plan re-predicted for the harness's run (`hostPrediction`). */
export interface HostPrediction {
  /** End to end, ms: every tier's compute, plus the links' time only when they are emulated. */
  readonly latencyMs: number;
  readonly computeMsPerTier: readonly number[];
}

/**
 * The plan re-predicted with this machine's profile on every tier and the bundle's links, costed
 * as the bundle is served (a stock bundle's tensors go through the device: `evaluateServing`).
 * Without emulated links the tiers talk over loopback, so the links' predicted time is left out:
 * it is not what this run can measure.
 */
export function hostPrediction(
  analysis: Analysis,
  manifest: BundleManifest,
  host: DeviceProfile,
  linksEmulated: boolean,
): HostPrediction {
  const hops: LinkProfile[] = manifest.hops.map((h) => ({
    id: h.link,
    name: h.link,
    uplinkMbps: h.uplinkMbps,
    downlinkMbps: h.downlinkMbps,
    rttMs: h.rttMs,
    sources: {},
  }));
  const topology: Topology = {
    spec: { id: 'harness', name: 'harness', tiers: [], links: [] },
    tiers: manifest.tiers.map((t) => ({ name: t.name, device: host, precision: 'fp32' as const })),
    hops,
  };
  const built = buildPartitionProblem(analysis, topology);
  const placement = Uint8Array.from(
    built.problem.units.map((u) => manifest.plan.layerPlacement[u.name] ?? 0),
  );
  const evaluation = evaluateServing(built.problem, placement, manifest.runtime.serving ?? 'relay');
  const computeMs = evaluation.computeMsPerTier.reduce((a, b) => a + b, 0);
  return {
    latencyMs: linksEmulated ? evaluation.latencyMs : computeMs,
    computeMsPerTier: evaluation.computeMsPerTier,
  };
}

/**
 * Per hop, per request: what crossing the hop cost, ms: the time the tier below the hop reported
 * for its exchanges with the tier above (encoding, the wire and decoding, less the tier above's
 * own queueing and work; `StepTiming.upLinkMs`).
 */
export function hopTimesPerRequest(
  manifest: BundleManifest,
  stepSets: readonly (readonly StepTiming[])[],
): number[][] {
  return manifest.hops.map((hop) =>
    stepSets.map((steps) =>
      steps.filter((s) => s.tier === hop.from).reduce((ms, s) => ms + (s.upLinkMs ?? 0), 0),
    ),
  );
}
