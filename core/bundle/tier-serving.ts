/**
 * What every way of serving a bundle's tier shares (the relay tier, tier-server.ts; a stock
 * bundle's plain server, plain-tier.ts, and its device, stock-device.ts): the onnxruntime sessions
 * of the tier's segments and of the device's local fallback, the server's limits from the
 * manifest, and the device's whole-model entry, so the three answer and configure alike.
 */
import type * as ort from 'onnxruntime-node';
import { fromOrtTensor, toOrtTensor } from '../runtime/oip/ort-tensor.js';
import type { TierModel } from '../runtime/oip/model.js';
import type { TierServerOptions } from '../runtime/oip/server.js';
import type { ServerTls } from '../runtime/oip/tls.js';
import { bundledWholeModel, type BundleManifest } from './manifest.js';
import { createOrtExecutor, type OrtExecutor } from './ort-executor.js';
import { readCheckedModel } from './read-checked.js';
import { tensorMetadata } from './segment-model.js';
import type { StepTiming, Tensors } from './tier-runtime.js';
import { TRITON_MAX_BATCH, tritonBatches } from './triton-config.js';

export interface TierExecutors {
  /** The tier's segments, by segment id. */
  readonly executor: OrtExecutor;
  /** The whole model as segment 'whole': the device's local fallback, when the bundle has one. */
  readonly whole: OrtExecutor | null;
  close(): Promise<void>;
}

/**
 * The onnxruntime session options every tier's sessions take: onnxruntime's defaults (all graph
 * optimisations) but for CUTLINE_THREADS, which pins the intra-op threads (the harness runs every
 * tier on one host with 1). The prediction bench measures segments with these same options.
 */
export function tierSessionOptions(env: NodeJS.ProcessEnv): ort.InferenceSession.SessionOptions {
  const threads = Number(env.CUTLINE_THREADS);
  return Number.isInteger(threads) && threads > 0 ? { intraOpNumThreads: threads } : {};
}

/** Loads the sessions tier `tier` runs (files checked against the manifest's hashes). */
export async function createTierExecutors(
  manifest: BundleManifest,
  bundleDir: string,
  tier: number,
): Promise<TierExecutors> {
  const sessionOptions = tierSessionOptions(process.env);
  // Bytes of a self-contained model, or the checked path of one with its external data beside it.
  const models = new Map<string, Uint8Array | string>();
  for (const s of manifest.segments.filter((s) => s.tier === tier))
    models.set(s.id, readCheckedModel(bundleDir, s));
  const executor = await createOrtExecutor(models, sessionOptions);
  let whole: OrtExecutor | null = null;
  // parseManifest refuses a local fallback without the whole model in the bundle.
  const wholeModel = bundledWholeModel(manifest);
  if (tier === 0 && manifest.runtime.onUnreachable === 'local' && wholeModel) {
    try {
      whole = await createOrtExecutor(
        new Map([['whole', readCheckedModel(bundleDir, wholeModel)]]),
        sessionOptions,
      );
    } catch (error) {
      await executor.close();
      throw error;
    }
  }
  return {
    executor,
    whole,
    async close() {
      await executor.close();
      await whole?.close();
    },
  };
}

/** Where a tier listens: the command's flags, defaults for a lab on loopback. */
export interface TierListen {
  readonly host?: string;
  readonly port?: number;
  readonly token: string;
  readonly tls?: ServerTls;
}

/** A tier server's options but its models and name: the listen flags and the manifest's limits. */
export function tierServerBase(
  manifest: BundleManifest,
  listen: TierListen,
): Omit<TierServerOptions, 'models'> {
  return {
    host: listen.host ?? '127.0.0.1',
    port: listen.port ?? 0,
    token: listen.token,
    maxRequestBytes: manifest.runtime.maxRequestBytes,
    requestTimeoutMs: manifest.runtime.requestTimeoutMs,
    ...(listen.tls ? { tls: listen.tls } : {}),
  };
}

/** One whole inference as the device answers it (the relay's TierRuntime, stock's StockDriver). */
export type WholeInference = (inputs: Tensors) => Promise<{
  readonly outputs: Tensors;
  readonly totalMs: number;
  readonly fallback: boolean;
  readonly steps: readonly StepTiming[];
}>;

/**
 * The device's entry for the whole model under the bundle's model name; its /config says what
 * Triton would of the whole model: batching when every input and output leads with the same
 * symbolic dimension (the split takes any size there, as the model does).
 */
export function wholeModelEntry(manifest: BundleManifest, infer: WholeInference): TierModel {
  return {
    inputs: manifest.model.inputs.map(tensorMetadata),
    outputs: manifest.model.outputs.map(tensorMetadata),
    maxConcurrency: 16,
    maxBatchSize: tritonBatches(manifest.model.name, manifest.model.inputs, manifest.model.outputs)
      ? TRITON_MAX_BATCH
      : 0,
    async infer(inputs) {
      const result = await infer(new Map(inputs.map((t) => [t.name, toOrtTensor(t) as ort.Tensor])));
      return {
        outputs: [...result.outputs].map(([name, t]) => fromOrtTensor(name, t)),
        parameters: {
          cutline_total_ms: result.totalMs,
          cutline_fallback: result.fallback,
          cutline_steps: result.steps as unknown as never,
        },
      };
    },
  };
}
