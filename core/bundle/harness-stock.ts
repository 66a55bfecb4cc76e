/**
 * The harness's share for a stock-mode bundle (`runtime.serving: 'stock'`): the server tiers start
 * as plain OIP servers, and the device gets each one's URL behind the emulated links its requests
 * cross (the cloud through hop 0 then hop 1, as the cost model charges it). Its figures are per
 * route, device ↔ server tier, where a relay bundle's are per hop: an exchange with the cloud
 * crosses both hops and the device cannot tell one hop's share from the other's.
 */
import { startLinkEmulator, type LinkEmulator } from '../runtime/link-emulator.js';
import type { HarnessEvent } from './harness-types.js';
import { manifestTensorBytes } from './harness-figures.js';
import type { BundleManifest } from './manifest.js';
import { serverUrlVariable } from './stock-tier.js';
import { startTier, type TierProcess } from './tier-process.js';
import type { StepTiming } from './tier-runtime.js';

export interface StockStart {
  readonly bundleDir: string;
  readonly manifest: BundleManifest;
  readonly env: NodeJS.ProcessEnv;
  readonly runtime: 'source' | 'bundle';
  readonly emulateLinks: boolean;
  readonly emit: (event: HarnessEvent) => void;
  readonly checkStopped: () => void;
  /** Filled as they start (so the caller stops them whatever happens): device first once it runs. */
  readonly processes: TierProcess[];
  readonly emulators: LinkEmulator[];
}

/** Starts the server tiers, the emulated routes to them and the device, which ends up `processes[0]`. */
export async function startStockTiers(start: StockStart): Promise<void> {
  const { manifest, emit } = start;
  const deviceEnv: NodeJS.ProcessEnv = { ...start.env };
  for (let t = manifest.tiers.length - 1; t >= 1; t--) {
    start.checkStopped();
    const tier = manifest.tiers[t]!;
    const started = await startTier(start.bundleDir, tier.name, undefined, start.env, start.runtime);
    start.processes.unshift(started);
    emit({ event: 'tier', tier: tier.name, url: started.url, pid: started.child.pid ?? -1 });
    // The device's route to tier t: hop t-1 next to the server, then down to hop 0 at the device.
    let url = started.url;
    if (start.emulateLinks) {
      for (let h = t - 1; h >= 0; h--) {
        const hop = manifest.hops[h]!;
        const target = new URL(url);
        const emulator = await startLinkEmulator({
          targetHost: target.hostname,
          targetPort: Number(target.port),
          up: { mbps: hop.uplinkMbps, delayMs: hop.rttMs / 2 },
          down: { mbps: hop.downlinkMbps, delayMs: hop.rttMs / 2 },
        });
        start.emulators.unshift(emulator);
        url = `http://127.0.0.1:${emulator.port}`;
      }
    }
    deviceEnv[serverUrlVariable(tier.name)] = url;
  }
  manifest.hops.forEach((hop, h) =>
    emit({
      event: 'link',
      hop: h,
      from: hop.from,
      to: hop.to,
      uplinkMbps: hop.uplinkMbps,
      downlinkMbps: hop.downlinkMbps,
      rttMs: hop.rttMs,
      emulated: start.emulateLinks,
    }),
  );
  start.checkStopped();
  const device = await startTier(
    start.bundleDir,
    manifest.tiers[0]!.name,
    undefined,
    deviceEnv,
    start.runtime,
  );
  start.processes.unshift(device);
  emit({ event: 'tier', tier: manifest.tiers[0]!.name, url: device.url, pid: device.child.pid ?? -1 });
}

/** Tier index of each segment. */
function segmentTiers(manifest: BundleManifest): Map<string, number> {
  return new Map(manifest.segments.map((s) => [s.id, s.tier]));
}

/**
 * Per route r (device ↔ tier r + 1), per request: the link time of the device's exchanges with
 * that tier (`StepTiming.upLinkMs` of the device's entries for its segments).
 */
export function stockRouteTimesPerRequest(
  manifest: BundleManifest,
  stepSets: readonly (readonly StepTiming[])[],
): number[][] {
  const tierOf = segmentTiers(manifest);
  const device = manifest.tiers[0]!.name;
  return manifest.hops.map((_, r) =>
    stepSets.map((steps) =>
      steps
        .filter((s) => s.tier === device && tierOf.get(s.segment) === r + 1)
        .reduce((ms, s) => ms + (s.upLinkMs ?? 0), 0),
    ),
  );
}

/**
 * Per route r (device ↔ tier r + 1): what its emulated links should take per inference, the cost
 * model's figure and the bytes exchanged; `from`/`to` name the route. Each exchange crosses hops
 * 0 … r up and back. The chained emulators pass bytes on as they arrive, so a message's
 * serialisation on the hops overlaps: emulated, one way is Σ rtt/2 + the slowest hop's
 * bytes·8/bandwidth. The cost model charges every hop in full per tensor (rtt/2 + bytes·8/bandwidth
 * each, as a relaying tier that receives a request before sending it on), so for the cloud it is
 * the larger figure.
 */
export function expectedStockRoutes(
  manifest: BundleManifest,
  tensorBytes: (name: string) => number = (name) => manifestTensorBytes(manifest, name),
): { from: string; to: string; emulatedMs: number; predictedMs: number; bytes: number }[] {
  return manifest.hops.map((_, r) => {
    const route = manifest.hops.slice(0, r + 1);
    const serialMs = (bytes: number, direction: 'up' | 'down'): number[] =>
      route.map(
        (hop) => ((bytes * 8) / ((direction === 'up' ? hop.uplinkMbps : hop.downlinkMbps) * 1e6)) * 1000,
      );
    const delayMs = route.reduce((ms, hop) => ms + hop.rttMs / 2, 0);
    const streamed = (bytes: number, direction: 'up' | 'down'): number =>
      delayMs + Math.max(...serialMs(bytes, direction));
    const perHop = (bytes: number, direction: 'up' | 'down'): number =>
      delayMs + serialMs(bytes, direction).reduce((a, b) => a + b, 0);
    let emulatedMs = 0;
    let predictedMs = 0;
    let bytes = 0;
    for (const segment of manifest.segments.filter((s) => s.tier === r + 1)) {
      const up = segment.inputs.map((t) => tensorBytes(t.name));
      const down = segment.outputs.map((t) => tensorBytes(t.name));
      const sum = (list: number[]): number => list.reduce((a, b) => a + b, 0);
      emulatedMs += streamed(sum(up), 'up') + streamed(sum(down), 'down');
      predictedMs += sum(up.map((b) => perHop(b, 'up'))) + sum(down.map((b) => perHop(b, 'down')));
      bytes += sum(up) + sum(down);
    }
    return { from: manifest.tiers[0]!.name, to: manifest.tiers[r + 1]!.name, emulatedMs, predictedMs, bytes };
  });
}
