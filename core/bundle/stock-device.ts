/**
 * The device of a stock-mode bundle behind the Open Inference Protocol: it serves the whole model
 * under the bundle's model name, as the relay device does, and answers each request by driving the
 * plain servers itself (stock-driver.ts), one client per server tier with that tier's own URL.
 * Tensors go in the shapes the bundle's Triton configs declare (triton-wire-shape.ts), so Triton
 * serving cloud/triton takes them as Cutline's tiers do.
 */
import path from 'node:path';
import type * as ort from 'onnxruntime-node';
import { CutlineError } from '../errors.js';
import { createTierClient, type TierClient } from '../runtime/oip/client.js';
import { TierError } from '../runtime/oip/errors.js';
import { fromOrtTensor, toOrtTensor } from '../runtime/oip/ort-tensor.js';
import { createTierServer, type TierServer } from '../runtime/oip/server.js';
import type { ServerTls } from '../runtime/oip/tls.js';
import { quoteName } from '../text/quote-name.js';
import { parseManifest, type BundleManifest } from './manifest.js';
import { StockDriver, stockServerTiers, type SendSegment } from './stock-driver.js';
import type { Tensors } from './tier-runtime.js';
import { createTierExecutors, tierServerBase, wholeModelEntry } from './tier-serving.js';
import { fromConfiguredShape, oneElementTensors, toConfiguredShape } from './triton-wire-shape.js';

export interface ServeStockDeviceOptions {
  readonly manifest: BundleManifest;
  readonly bundleDir: string;
  readonly host?: string;
  readonly port?: number;
  /** OIP base URL of every server tier, by tier index (1 = edge, …). */
  readonly serverUrls: ReadonlyMap<number, string>;
  readonly token: string;
  /** CAs trusted for https:// server URLs; Node's built-in ones when absent. */
  readonly ca?: readonly string[];
  /** Serve HTTPS with this certificate and key. */
  readonly tls?: ServerTls;
}

export interface ServedStockDevice {
  readonly server: TierServer;
  readonly driver: StockDriver;
  close(): Promise<void>;
}

export async function serveStockDevice(options: ServeStockDeviceOptions): Promise<ServedStockDevice> {
  const manifest = parseManifest(options.manifest, path.join(options.bundleDir, 'manifest.json'));
  for (const t of stockServerTiers(manifest)) {
    if (!options.serverUrls.has(t))
      throw new CutlineError(
        'BAD_BUNDLE',
        `The device needs the URL of the ${manifest.tiers[t]!.name} (stock mode).`,
      );
  }
  const sessions = await createTierExecutors(manifest, options.bundleDir, 0);
  const { executor, whole } = sessions;
  const clients = new Map<number, TierClient>();
  for (const [t, url] of options.serverUrls) {
    clients.set(
      t,
      createTierClient({
        baseUrl: url,
        token: options.token,
        timeoutMs: manifest.runtime.requestTimeoutMs,
        ...(options.ca ? { ca: options.ca } : {}),
      }),
    );
  }
  // Each server segment's tensors that its Triton config has as dims [ 1 ] reshaped to [ ].
  const oneElement = new Map(manifest.segments.map((s) => [s.id, oneElementTensors(s)]));
  const send: SendSegment = async (tier, segment, inputs, outputs) => {
    const client = clients.get(tier)!;
    const name = manifest.tiers[tier]!.name;
    const shaped = oneElement.get(segment)!;
    try {
      const result = await client.infer(
        segment,
        [...inputs].map(([n, t]) => toConfiguredShape(fromOrtTensor(n, t), shaped)),
        { outputs },
      );
      const server = result.timings.server;
      return {
        tensors: new Map(
          result.outputs.map((t) => [t.name, toOrtTensor(fromConfiguredShape(t, shaped)) as ort.Tensor]),
        ),
        computeMs: server && Number.isFinite(server.computeMs) ? server.computeMs : null,
        queueMs: server && Number.isFinite(server.queueMs) ? server.queueMs : null,
      };
    } catch (error) {
      // Say which tier and segment: the client's message names only the URL.
      if (error instanceof TierError) {
        throw new TierError(
          error.url,
          error.status,
          `the ${name} refused segment ${quoteName(segment)}: ${error.serverMessage}`,
        );
      }
      if (error instanceof CutlineError && error.code === 'TIER_UNREACHABLE') {
        throw new CutlineError(
          'TIER_UNREACHABLE',
          `The ${name} at ${client.baseUrl} did not answer segment ${quoteName(segment)}: ${error.message}`,
          { cause: error },
        );
      }
      throw error;
    }
  };
  const driver = new StockDriver(
    manifest,
    executor.execute,
    send,
    whole ? async (inputs: Tensors) => whole.execute('whole', inputs) : null,
  );
  const server = await createTierServer({
    ...tierServerBase(manifest, options),
    models: new Map([[manifest.model.name, wholeModelEntry(manifest, (inputs) => driver.infer(inputs))]]),
    serverName: `cutline-tier (${manifest.tiers[0]!.name}, stock)`,
  });
  return {
    server,
    driver,
    async close() {
      await server.close();
      for (const client of clients.values()) client.close();
      await sessions.close();
    },
  };
}
