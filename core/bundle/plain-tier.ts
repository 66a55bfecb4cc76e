/**
 * A server tier of a stock-mode bundle (`runtime.serving: 'stock'`) as Cutline serves it: every
 * segment on the tier is a plain Open Inference Protocol model named after the segment, taking all
 * of its inputs and answering all of its outputs, as Triton or KServe serve the same files. It
 * holds nothing between requests and calls no other tier: the device drives (stock-driver.ts).
 */
import { CutlineError } from '../errors.js';
import { createOnnxModel, type OnnxTierModel } from '../runtime/oip/onnx-model.js';
import { createTierServer, type TierServer } from '../runtime/oip/server.js';
import type { ServerTls } from '../runtime/oip/tls.js';
import type { BundleManifest } from './manifest.js';
import { readCheckedModel } from './read-checked.js';

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
  // CUTLINE_THREADS pins onnxruntime's intra-op threads (the harness runs every tier on one host).
  const threads = Number(process.env.CUTLINE_THREADS);
  const sessionOptions = Number.isInteger(threads) && threads > 0 ? { intraOpNumThreads: threads } : {};
  const models = new Map<string, OnnxTierModel>();
  try {
    for (const segment of manifest.segments.filter((s) => s.tier === tier)) {
      models.set(
        segment.id,
        await createOnnxModel(readCheckedModel(options.bundleDir, segment), { sessionOptions }),
      );
    }
    const server = await createTierServer({
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      token: options.token,
      maxRequestBytes: manifest.runtime.maxRequestBytes,
      requestTimeoutMs: manifest.runtime.requestTimeoutMs,
      models,
      serverName: `cutline-tier (${tierName}, plain)`,
      ...(options.tls ? { tls: options.tls } : {}),
    });
    return {
      server,
      async close() {
        await server.close();
        for (const model of models.values()) await model.release();
      },
    };
  } catch (error) {
    for (const model of models.values()) await model.release();
    throw error;
  }
}
