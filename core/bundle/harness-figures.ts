/**
 * What the harness holds its measurements against: per hop, the time the emulated link should
 * take and the cost model's figure; the plan re-predicted with this machine's profile; and, per
 * request, the time each hop cost, read from the device's step timings.
 */
import type { Analysis } from '../analyze.js';
import { buildPartitionProblem } from '../partition/build-problem.js';
import { evaluatePlacement, type Evaluation } from '../partition/evaluate.js';
import type { DeviceProfile, LinkProfile, Topology } from '../profiles/types.js';
import type { BundleManifest } from './manifest.js';
import { tensorBytes as bytesOf } from './tensor-types.js';
import type { StepTiming } from './tier-runtime.js';

/** Bytes of a manifest tensor with a known shape (0 when unknown). */
function tensorBytes(manifest: BundleManifest, name: string): number {
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
 * counted (each step whose path goes over the hop sends a request up and gets an answer down:
 * rtt/2 + bytes·8/bandwidth each way); and the cost model's figure for the tensors alone (rtt/2
 * per tensor crossing).
 */
export function expectedHops(
  manifest: BundleManifest,
): { emulatedMs: number; predictedMs: number; bytes: number }[] {
  return manifest.hops.map((hop, h) => {
    let emulatedMs = 0;
    let bytes = 0;
    const ms = (b: number, mbps: number): number => hop.rttMs / 2 + ((b * 8) / (mbps * 1e6)) * 1000;
    for (const step of manifest.schedule.steps) {
      if (step.tier <= h) continue;
      const upBytes = step.actions
        .slice(0, h + 1)
        .flatMap((a) => a.inject)
        .reduce((s, n) => s + tensorBytes(manifest, n), 0);
      const downBytes = step.actions[h + 1]!.passDown.reduce((s, n) => s + tensorBytes(manifest, n), 0);
      emulatedMs += ms(upBytes, hop.uplinkMbps) + ms(downBytes, hop.downlinkMbps);
      bytes += upBytes + downBytes;
    }
    const predictedMs = manifest.schedule.crossings
      .filter((c) => c.hop === h)
      .reduce(
        (s, c) =>
          s + ms(tensorBytes(manifest, c.tensor), c.direction === 'up' ? hop.uplinkMbps : hop.downlinkMbps),
        0,
      );
    return { emulatedMs, predictedMs, bytes };
  });
}

/** The plan re-predicted with this machine's profile on every tier and the bundle's links. */
export function hostPrediction(
  analysis: Analysis,
  manifest: BundleManifest,
  host: DeviceProfile,
): Evaluation {
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
  return evaluatePlacement(built.problem, placement);
}

/**
 * Per hop, per request: what crossing the hop cost, ms. A step's time at tier h less its time at
 * tier h + 1 (the tier above's part of the same step) is the exchange over hop h.
 */
export function hopTimesPerRequest(
  manifest: BundleManifest,
  stepSets: readonly (readonly StepTiming[])[],
): number[][] {
  return manifest.hops.map((hop) =>
    stepSets.map((steps) => {
      let ms = 0;
      for (let i = 0; i + 1 < steps.length; i++) {
        const here = steps[i]!;
        const above = steps[i + 1]!;
        if (here.segment === above.segment && here.tier === hop.from && above.tier === hop.to)
          ms += here.totalMs - above.totalMs;
      }
      return ms;
    }),
  );
}
