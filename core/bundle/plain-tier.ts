/**
 * A server tier of a stock-mode bundle (`runtime.serving: 'stock'`) as Cutline serves it: every
 * segment on the tier is a plain Open Inference Protocol model named after the segment, taking all
 * of its inputs and answering all of its outputs, as Triton or KServe serve the same files. It
 * holds nothing between requests and calls no other tier: the device drives (stock-driver.ts).
 */
import { CutlineError } from '../errors.js';
import type { TierModel } from '../runtime/oip/model.js';
import { createTierServer, type TierServer } from '../runtime/oip/server.js';
import type { ServerTls } from '../runtime/oip/tls.js';
import type { BundleManifest } from './manifest.js';
import { segmentModel } from './segment-model.js';
import { createTierExecutors, tierServerBase } from './tier-serving.js';

export interface ServePlainTierOptions {
  readonly manifest: BundleManifest;
  readonly bundleDir: string;
  readonly tier: number;
  readonly host?: string;
  readonly port?: number;
  readonly token: string;
  /** Serve HTTPS with this certificate and key. */
  readonly tls?: ServerTls;
}

export interface ServedPlainTier {
  readonly server: TierServer;
  close(): Promise<void>;
}

export async function servePlainTier(options: ServePlainTierOptions): Promise<ServedPlainTier> {
  const { manifest, tier } = options;
  const tierName = manifest.tiers[tier]?.name;
  if (!tierName || tier === 0)
    throw new CutlineError('BAD_BUNDLE', `Tier ${tier} of the bundle is not a server tier.`);
  // Each segment as the relay tier serves it to a plain request (segment-model.ts): the same
  // metadata, and a /config that batches where cloud/triton's config.pbtxt does.
  const sessions = await createTierExecutors(manifest, options.bundleDir, tier);
  try {
    const models = new Map<string, TierModel>(
      manifest.segments
        .filter((s) => s.tier === tier)
        .map((s) => [s.id, segmentModel(s, sessions.executor.execute)]),
    );
    const server = await createTierServer({
      ...tierServerBase(manifest, options),
      models,
      serverName: `cutline-tier (${tierName}, plain)`,
      // It takes no relay step: GET /v2 does not offer cutline_relay.
      relay: false,
    });
    return {
      server,
      async close() {
        await server.close();
        await sessions.close();
      },
    };
  } catch (error) {
    await sessions.close();
    throw error;
  }
}
