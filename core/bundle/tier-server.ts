/**
 * One tier of a bundle behind the Open Inference Protocol. Each segment this tier runs is a plain
 * OIP model named after it (its inputs in, its outputs out), which any stock client may call.
 * With Cutline's relay extension (`parameters.cutline_request`) the same name is a step of a
 * split inference: it takes the tensors that come up, and answers with the tensors that go down.
 * A server tier also relays the steps of tiers above it and frees requests (`cutline-release`):
 * entries for relay requests only, not listed as models, which answer a plain request with a 404
 * naming the tier that serves the model. The device serves the whole model under the bundle's
 * model name: a request there runs one inference through every tier.
 */
import path from 'node:path';
import { CutlineError } from '../errors.js';
import { createTierClient, type TierClient } from '../runtime/oip/client.js';
import { OipError } from '../runtime/oip/errors.js';
import { RELAY_PARAMETER, type TierModel } from '../runtime/oip/model.js';
import { fromOrtTensor, toOrtTensor } from '../runtime/oip/ort-tensor.js';
import { createTierServer, type TierServer } from '../runtime/oip/server.js';
import type { ServerTls } from '../runtime/oip/tls.js';
import { parseManifest, type BundleManifest, type ManifestTensor } from './manifest.js';
import { segmentModel, tensorMetadata as metadata } from './segment-model.js';
import { quoteName } from '../text/quote-name.js';
import { createTierExecutors, tierServerBase, wholeModelEntry } from './tier-serving.js';
import { TierRuntime, upTimeoutMs, type Forward, type StepTiming, type Tensors } from './tier-runtime.js';

/** The OIP model a tier frees a request's tensors through. */
export const RELEASE_MODEL = 'cutline-release';

export interface ServeTierOptions {
  readonly manifest: BundleManifest;
  readonly bundleDir: string;
  readonly tier: number;
  readonly host?: string;
  readonly port?: number;
  /** OIP base URL of the tier above (absent on the top tier). */
  readonly upUrl?: string;
  /** CAs trusted for an https:// `upUrl` (tls.ts `trustedCas`); Node's built-in ones when absent. */
  readonly upCa?: readonly string[];
  /** Serve HTTPS with this certificate and key. */
  readonly tls?: ServerTls;
  readonly token: string;
}

export interface ServedTier {
  readonly server: TierServer;
  readonly runtime: TierRuntime;
  close(): Promise<void>;
}

/** Every tensor the manifest describes, by name. */
function tensorSpecs(manifest: BundleManifest): Map<string, ManifestTensor> {
  const specs = new Map<string, ManifestTensor>();
  for (const t of [...manifest.model.inputs, ...manifest.model.outputs]) specs.set(t.name, t);
  for (const s of manifest.segments) for (const t of [...s.inputs, ...s.outputs]) specs.set(t.name, t);
  return specs;
}

export async function serveTier(options: ServeTierOptions): Promise<ServedTier> {
  // Checked again here for callers that did not read it through parseManifest (as tier-main does).
  const manifest = parseManifest(options.manifest, path.join(options.bundleDir, 'manifest.json'));
  const { tier } = options;
  const tierName = manifest.tiers[tier]?.name;
  if (!tierName) throw new CutlineError('BAD_BUNDLE', `The bundle has no tier ${tier}.`);
  const specs = tensorSpecs(manifest);
  const spec = (name: string): ManifestTensor => specs.get(name) ?? { name, dtype: 'float32', shape: null };

  const sessions = await createTierExecutors(manifest, options.bundleDir, tier);
  const { executor, whole } = sessions;
  let client: TierClient | null = null;
  let forward: Forward | null = null;
  if (options.upUrl) {
    const up = createTierClient({
      baseUrl: options.upUrl,
      token: options.token,
      timeoutMs: upTimeoutMs(manifest.runtime.requestTimeoutMs, tier),
      ...(options.upCa ? { ca: options.upCa } : {}),
    });
    client = up;
    forward = async (segment, request, step, tensors) => {
      const result = await up.infer(
        segment,
        [...tensors].map(([name, t]) => fromOrtTensor(name, t)),
        { parameters: { cutline_request: request, cutline_step: step }, id: request },
      );
      const down: Tensors = new Map(result.outputs.map((t) => [t.name, toOrtTensor(t)]));
      const timings = Array.isArray(result.parameters.cutline_steps)
        ? (result.parameters.cutline_steps as unknown as StepTiming[])
        : [];
      // Time the request waited at the tier above for a free slot: not time on the link.
      const queueMs = result.timings.server?.queueMs;
      return { tensors: down, timings, ...(queueMs !== undefined ? { queueMs } : {}) };
    };
  }
  const runtime = new TierRuntime(
    manifest,
    tier,
    executor.execute,
    forward,
    whole ? async (inputs) => whole.execute('whole', inputs) : null,
  );

  if (client) {
    const up = client;
    runtime.releaseUp = async (request) => {
      await up.infer(RELEASE_MODEL, [], { parameters: { cutline_request: request } });
    };
  }

  const served = new Map<string, TierModel>();
  if (tier > 0) {
    // "This request is over": free its tensors here and tell the tiers above.
    served.set(RELEASE_MODEL, {
      inputs: [],
      outputs: [],
      maxConcurrency: 16,
      relayOnly: `${quoteName(RELEASE_MODEL)} is not a model: it frees a split inference's tensors, for requests carrying parameters.${RELAY_PARAMETER} (Cutline's relay extension).`,
      async infer(_inputs, parameters) {
        const request = parameters.cutline_request;
        if (typeof request !== 'string' || request === '') {
          throw new OipError(`${RELEASE_MODEL} needs parameters.cutline_request (the request id).`, 400);
        }
        await runtime.release(request);
        return { outputs: [] };
      },
    });
  }
  manifest.schedule.steps.forEach((step, index) => {
    if (tier === 0 || step.tier < tier) return;
    // Tensors that reach this tier on this step: what the tiers below inject. A request for this
    // step also carries the rest of its run (`stepRuns`), with their tensors, and answers for all.
    const arriving = step.actions.slice(0, tier).flatMap((a) => a.inject);
    const run = runtime.runFrom[index]!.map((i) => manifest.schedule.steps[i]!);
    const relay: TierModel = {
      inputs: arriving.map((n) => metadata(spec(n))),
      outputs: run.flatMap((s) => s.actions[tier]!.passDown).map((n) => metadata(spec(n))),
      acceptsExtraInputs: true,
      maxConcurrency: 8,
      async infer(inputs, parameters) {
        const request = parameters.cutline_request;
        if (typeof request !== 'string' || request === '') {
          throw new OipError(
            `Step "${step.segment}" needs parameters.cutline_request (the request id).`,
            400,
          );
        }
        const incoming: Tensors = new Map(inputs.map((t) => [t.name, toOrtTensor(t)]));
        const result = await runtime.step(step.segment, request, incoming);
        return {
          outputs: [...result.tensors].map(([name, t]) => fromOrtTensor(name, t)),
          parameters: { cutline_steps: result.timings as unknown as never },
        };
      },
    };
    if (step.tier === tier) {
      const segment = manifest.segments.find((s) => s.id === step.segment);
      if (!segment)
        throw new CutlineError('BAD_BUNDLE', `No segment ${quoteName(step.segment)} is in the bundle.`);
      served.set(step.segment, { ...segmentModel(segment, executor.execute), relay });
    } else {
      // A step of a tier above, served here only to pass it up: a stock client calls that tier.
      const runsOn = manifest.tiers[step.tier]?.name ?? `tier ${step.tier}`;
      served.set(step.segment, {
        ...relay,
        relayOnly: `Model ${quoteName(step.segment)} runs on the ${runsOn} tier; the ${tierName} only relays it for split inferences (parameters.${RELAY_PARAMETER}). Call the ${runsOn} tier's server with its inputs.`,
      });
    }
  });
  if (tier === 0) {
    served.set(
      manifest.model.name,
      wholeModelEntry(manifest, (inputs) => runtime.infer(inputs, undefined)),
    );
  }
  const server = await createTierServer({
    ...tierServerBase(manifest, options),
    models: served,
    serverName: `cutline-tier (${tierName})`,
  });
  return {
    server,
    runtime,
    async close() {
      await server.close();
      client?.close();
      runtime.close();
      await sessions.close();
    },
  };
}
