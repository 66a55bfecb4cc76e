/**
 * The bundle manifest (`manifest.json` at the bundle's root, copied into every tier folder): what
 * each tier serves, the tensors that cross, who sends what to whom, and the plan's predicted
 * figures. Every tier runtime and the harness read it through `parseManifest`, which names the
 * field that is wrong.
 */
import { z } from 'zod';
import { CutlineError } from '../errors.js';
import type { Schedule } from './schedule.js';

export const MANIFEST_FORMAT = 'cutline-bundle/1';

const tensorSpec = z.strictObject({
  name: z.string().min(1),
  /** ONNX element type name: float32, int64, … */
  dtype: z.string().min(1),
  /** Dimensions; strings are symbolic (bound at run time). */
  shape: z.array(z.union([z.number().int().nonnegative(), z.string()])).nullable(),
});

const tierAction = z.strictObject({
  inject: z.array(z.string()),
  keepUp: z.array(z.string()),
  keepDown: z.array(z.string()),
  passDown: z.array(z.string()),
  release: z.array(z.string()),
});

export const manifestSchema = z.strictObject({
  format: z.literal(MANIFEST_FORMAT),
  createdBy: z.string(),
  model: z.strictObject({
    name: z.string().min(1),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    /** The whole model, shipped with the device for verification and local fallback. */
    file: z.string().min(1),
    inputs: z.array(tensorSpec),
    outputs: z.array(tensorSpec),
  }),
  tiers: z
    .array(
      z.strictObject({
        name: z.enum(['device', 'edge', 'cloud']),
        device: z.string(),
        precision: z.enum(['fp32', 'fp16', 'int8']),
        /** Default port of its OIP server (overridable by CUTLINE_PORT). */
        port: z.number().int().min(1).max(65535),
      }),
    )
    .min(1)
    .max(3),
  hops: z.array(
    z.strictObject({
      from: z.string(),
      to: z.string(),
      link: z.string(),
      uplinkMbps: z.number().positive(),
      downlinkMbps: z.number().positive(),
      rttMs: z.number().nonnegative(),
    }),
  ),
  segments: z.array(
    z.strictObject({
      id: z.string().regex(/^[a-z]+-[0-9]+$/),
      tier: z.number().int().nonnegative(),
      /** Path of the sub-model relative to the bundle root. */
      file: z.string().min(1),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      inputs: z.array(tensorSpec),
      outputs: z.array(tensorSpec),
      layers: z.number().int().nonnegative(),
    }),
  ),
  schedule: z.strictObject({
    steps: z.array(
      z.strictObject({
        segment: z.string(),
        tier: z.number().int().nonnegative(),
        actions: z.array(tierAction),
      }),
    ),
    crossings: z.array(
      z.strictObject({
        tensor: z.string(),
        hop: z.number().int().nonnegative(),
        direction: z.enum(['up', 'down']),
      }),
    ),
  }),
  plan: z.strictObject({
    solver: z.string(),
    objective: z.string(),
    /** Layer (layer node) name → tier index: lets the harness re-predict with other profiles. */
    layerPlacement: z.record(z.string(), z.number().int().nonnegative()),
    predicted: z.strictObject({
      latencyMs: z.number().nonnegative(),
      throughputPerS: z.number().nonnegative().nullable(),
      deviceEnergyMj: z.number().nonnegative(),
      linkBytes: z.number().nonnegative(),
      computeMsPerTier: z.array(z.number().nonnegative()),
      hopLatencyMs: z.array(z.number().nonnegative()),
    }),
  }),
  runtime: z.strictObject({
    /** Shared secret of the tiers; CUTLINE_TOKEN overrides it (do so outside a lab). */
    token: z.string().min(16),
    /** Largest request a tier accepts, bytes. */
    maxRequestBytes: z.number().int().positive(),
    /** When a server tier cannot be reached: run the whole model on the device, or fail. */
    onUnreachable: z.enum(['fail', 'local']),
    requestTimeoutMs: z.number().int().positive(),
  }),
});

export type BundleManifest = z.infer<typeof manifestSchema>;
export type ManifestTensor = z.infer<typeof tensorSpec>;

/** Validates a parsed manifest; BAD_BUNDLE names the file and the first wrong field. */
export function parseManifest(value: unknown, file: string): BundleManifest {
  const result = manifestSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '');
    throw new CutlineError('BAD_BUNDLE', `${file}: ${field || 'the manifest'}: ${issue.message}.`);
  }
  const manifest = result.data;
  if (manifest.hops.length !== manifest.tiers.length - 1) {
    throw new CutlineError(
      'BAD_BUNDLE',
      `${file}: hops: ${manifest.tiers.length} tiers need ${manifest.tiers.length - 1} hops.`,
    );
  }
  for (const segment of manifest.segments) {
    if (segment.tier >= manifest.tiers.length) {
      throw new CutlineError(
        'BAD_BUNDLE',
        `${file}: segment ${segment.id} is on tier ${segment.tier}, which does not exist.`,
      );
    }
  }
  return manifest;
}

/** A schedule in the manifest's (mutable, JSON) form. */
export function manifestSchedule(schedule: Schedule): BundleManifest['schedule'] {
  return {
    steps: schedule.steps.map((s) => ({
      segment: s.segment,
      tier: s.tier,
      actions: s.actions.map((a) => ({
        inject: [...a.inject],
        keepUp: [...a.keepUp],
        keepDown: [...a.keepDown],
        passDown: [...a.passDown],
        release: [...a.release],
      })),
    })),
    crossings: schedule.crossings.map((c) => ({ ...c })),
  };
}
