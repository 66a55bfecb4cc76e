/**
 * The harness's share for a relay bundle (the default serving): each tier starts with the URL of
 * the one above it, so they start from the top tier down, and with emulation on each tier's "up"
 * is a link emulator in front of the next tier rather than the tier itself.
 */
import { startLinkEmulator } from '../runtime/link-emulator.js';
import type { StockStart } from './harness-stock.js';
import { startTier } from './tier-process.js';

/** What a relay start needs is what a stock start needs: the bundle, the events and the lists to fill. */
export type RelayStart = StockStart;

/** Starts every tier and the emulated hop below each but the device, which ends up `processes[0]`. */
export async function startRelayTiers(start: RelayStart): Promise<void> {
  const { manifest, emit } = start;
  let upUrl: string | undefined;
  for (let t = manifest.tiers.length - 1; t >= 0; t--) {
    start.checkStopped();
    const tier = manifest.tiers[t]!;
    const started = await startTier(start.bundleDir, tier.name, upUrl, start.env, start.runtime);
    start.processes.unshift(started);
    emit({ event: 'tier', tier: tier.name, url: started.url, pid: started.child.pid ?? -1 });
    if (t > 0) {
      const hop = manifest.hops[t - 1]!;
      if (start.emulateLinks) {
        const target = new URL(started.url);
        const emulator = await startLinkEmulator({
          targetHost: target.hostname,
          targetPort: Number(target.port),
          up: { mbps: hop.uplinkMbps, delayMs: hop.rttMs / 2 },
          down: { mbps: hop.downlinkMbps, delayMs: hop.rttMs / 2 },
        });
        start.emulators.unshift(emulator);
        upUrl = `http://127.0.0.1:${emulator.port}`;
      } else upUrl = started.url;
      emit({
        event: 'link',
        hop: t - 1,
        from: hop.from,
        to: hop.to,
        uplinkMbps: hop.uplinkMbps,
        downlinkMbps: hop.downlinkMbps,
        rttMs: hop.rttMs,
        emulated: start.emulateLinks,
      });
    }
  }
}
