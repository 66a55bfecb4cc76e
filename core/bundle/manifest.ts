/**
 * The bundle manifest (`manifest.json` at the bundle's root, copied into every tier folder): what
 * each tier serves, the tensors that cross, who sends what to whom, and the plan's predicted
 * figures. Every tier runtime and the harness read it through `parseManifest`, which names the
 * field that is wrong.
 */
import path from 'node:path';
import { z } from 'zod';
import { CutlineError } from '../errors.js';
import { quoteName } from '../text/quote-name.js';
import type { Shape } from '../graph/types.js';
import { parseInputBinding } from '../shape/bindings.js';
import { parseInputValue, type InputValueText } from '../shape/input-values.js';
import { TIER_NAMES } from '../tiers.js';
import { SERVING_MODES } from '../partition/serving-mode.js';
import type { Schedule } from './schedule.js';
import { stepRuns } from './schedule.js';

export const MANIFEST_FORMAT = 'cutline-bundle/1';

const tensorSpec = z.strictObject({
  name: z.string().min(1),
  /** ONNX element type name: float32, int64, … */
  dtype: z.string().min(1),
  /** Dimensions; strings are symbolic (bound at run time). */
  shape: z.array(z.union([z.number().int().nonnegative(), z.string()])).nullable(),
});

/**
 * A model's external-data file (weights stored beside it, as models over protobuf's 2 GiB limit
 * must): bundle-relative path in the model's own folder, SHA-256 and size. Absent when the model
 * is self-contained, as in every bundle from before external data.
 */
const dataSpec = z.strictObject({
  file: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
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
    /**
     * SHA-256 of the model file the bundle was exported from (`cutline harness --model FILE` is
     * checked against it). In bundles from before `fileSha256`, the hash of `file`, which held the
     * source's bytes unless the source kept its weights in external data.
     */
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    /**
     * The whole model, shipped with the device only for its local fallback (`runtime.onUnreachable`
     * 'local'); absent otherwise, so a bundle holds each weight once.
     */
    file: z.string().min(1).optional(),
    /** SHA-256 of `file` as written (re-encoded when the source kept its weights elsewhere). */
    fileSha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    inputs: z.array(tensorSpec),
    outputs: z.array(tensorSpec),
    /**
     * The input bindings the bundle was exported with (input name → `1x3x640x640`, as
     * `cutline export --input` takes them): verification, the harness and the README make their
     * inputs with these shapes. Absent in bundles from before bindings travelled (nothing bound).
     */
    bindings: z.record(z.string(), z.string()).optional(),
    /**
     * The input values the bundle was exported with (input name → `16000` or `1,2,3`, as
     * `cutline export --input-value` takes them): verification and the harness feed these inputs
     * these values, and the harness's analysis folds them (an If costed on its branch). Absent
     * when none were given, as in every bundle from before values travelled.
     */
    inputValues: z.record(z.string(), z.string()).optional(),
    data: dataSpec.optional(),
  }),
  tiers: z
    .array(
      z.strictObject({
        name: z.enum(TIER_NAMES),
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
      data: dataSpec.optional(),
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
    /**
     * `relay`: Cutline's tiers pass each request up the chain. `stock`: the server tiers are plain
     * OIP servers (Triton, KServe, Cutline's tier in plain mode) and the device sends every server
     * segment its inputs itself (core/partition/serving-mode.ts). Absent in older bundles: relay.
     */
    serving: z.enum(SERVING_MODES).optional(),
  }),
});

export type BundleManifest = z.infer<typeof manifestSchema>;
export type ManifestTensor = z.infer<typeof tensorSpec>;
export type ManifestData = z.infer<typeof dataSpec>;

/**
 * Validates a parsed manifest; BAD_BUNDLE names the file and the first wrong field. Beyond each
 * field's own shape, the fields must agree with each other (see `checkReferences`), so a broken or
 * hostile manifest is refused when a tier starts instead of failing at a request.
 */
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
  checkReferences(result.data, file);
  return result.data;
}

/** A bundle-relative file name that stays inside the bundle (as written: `/`-separated). */
function fileProblem(name: string): string | null {
  if (name.includes('\0')) return 'contains a NUL byte';
  if (path.posix.isAbsolute(name) || path.win32.isAbsolute(name)) return 'is absolute';
  const normal = path.posix.normalize(name.replace(/\\/g, '/'));
  if (normal === '.' || normal === '..' || normal.startsWith('../')) return 'leads outside the bundle';
  return null;
}

/**
 * An external-data file name: inside the bundle, and in its model's folder (onnxruntime looks for
 * a tensor's `location` beside the model), not the model itself.
 */
function dataProblem(modelFile: string, dataFile: string): string | null {
  const issue = fileProblem(dataFile);
  if (issue) return issue;
  const normal = (name: string): string => path.posix.normalize(name.replace(/\\/g, '/'));
  if (path.posix.dirname(normal(dataFile)) !== path.posix.dirname(normal(modelFile)))
    return `is not in the folder of its model ${JSON.stringify(modelFile)}`;
  if (normal(dataFile) === normal(modelFile)) return 'is the model file itself';
  return null;
}

/**
 * The cross-references `manifestSchema` cannot express: unique tier names and segment ids, hops
 * joining consecutive tiers, segments on existing tiers, file names inside the bundle, each
 * schedule step naming a segment of its own tier with one action per tier on its path (0..tier),
 * and every tensor the schedule moves described by the model's or a segment's inputs or outputs.
 */
function checkReferences(manifest: BundleManifest, file: string): void {
  const fail = (field: string, message: string): never => {
    throw new CutlineError('BAD_BUNDLE', `${file}: ${field}: ${message}.`);
  };
  const { tiers, hops, segments, schedule } = manifest;
  const tierNames = new Set<string>();
  tiers.forEach((tier, t) => {
    if (tierNames.has(tier.name)) fail(`tiers[${t}].name`, `tier "${tier.name}" is listed twice`);
    tierNames.add(tier.name);
  });
  if (hops.length !== tiers.length - 1) fail('hops', `${tiers.length} tiers need ${tiers.length - 1} hops`);
  hops.forEach((hop, h) => {
    const from = tiers[h]!.name;
    const to = tiers[h + 1]!.name;
    if (hop.from !== from) fail(`hops[${h}].from`, `hop ${h} starts at tier ${from}, not "${hop.from}"`);
    if (hop.to !== to) fail(`hops[${h}].to`, `hop ${h} ends at tier ${to}, not "${hop.to}"`);
  });
  const whole = manifest.model.file;
  if (whole === undefined) {
    if (manifest.runtime.onUnreachable === 'local')
      fail('model.file', "the device's local fallback (runtime.onUnreachable 'local') needs the whole model");
    if (manifest.model.data) fail('model.data', 'the bundle carries no whole model (model.file)');
    if (manifest.model.fileSha256) fail('model.fileSha256', 'the bundle carries no whole model (model.file)');
  } else {
    const fileIssue = fileProblem(whole);
    if (fileIssue) fail('model.file', `${JSON.stringify(whole)} ${fileIssue}`);
    const dataIssue = manifest.model.data && dataProblem(whole, manifest.model.data.file);
    if (dataIssue) fail('model.data.file', `${JSON.stringify(manifest.model.data!.file)} ${dataIssue}`);
  }

  const segmentById = new Map<string, BundleManifest['segments'][number]>();
  const described = new Set<string>();
  for (const t of [...manifest.model.inputs, ...manifest.model.outputs]) described.add(t.name);
  segments.forEach((segment, i) => {
    if (segmentById.has(segment.id)) fail(`segments[${i}].id`, `segment ${segment.id} is listed twice`);
    segmentById.set(segment.id, segment);
    if (segment.tier >= tiers.length) {
      fail(`segments[${i}].tier`, `segment ${segment.id} is on tier ${segment.tier}, which does not exist`);
    }
    const issue = fileProblem(segment.file);
    if (issue) fail(`segments[${i}].file`, `${JSON.stringify(segment.file)} ${issue}`);
    const data = segment.data && dataProblem(segment.file, segment.data.file);
    if (data) fail(`segments[${i}].data.file`, `${JSON.stringify(segment.data!.file)} ${data}`);
    for (const t of [...segment.inputs, ...segment.outputs]) described.add(t.name);
  });

  const scheduled = new Set<string>();
  schedule.steps.forEach((step, i) => {
    const field = `schedule.steps[${i}]`;
    const segment = segmentById.get(step.segment);
    if (!segment) fail(`${field}.segment`, `no segment is called ${quoteName(step.segment)}`);
    if (scheduled.has(step.segment)) fail(`${field}.segment`, `segment ${step.segment} is scheduled twice`);
    scheduled.add(step.segment);
    if (segment!.tier !== step.tier) {
      fail(`${field}.tier`, `segment ${step.segment} is on tier ${segment!.tier}, not ${step.tier}`);
    }
    if (step.actions.length !== step.tier + 1) {
      fail(
        `${field}.actions`,
        `a step on tier ${step.tier} needs ${step.tier + 1} actions (one per tier up to it), not ${step.actions.length}`,
      );
    }
    step.actions.forEach((action, h) => {
      for (const kind of ['inject', 'keepUp', 'keepDown', 'passDown', 'release'] as const) {
        action[kind].forEach((name, k) => {
          if (!described.has(name)) {
            fail(
              `${field}.actions[${h}].${kind}[${k}]`,
              `tensor ${quoteName(name)} is not among the model's or any segment's inputs and outputs`,
            );
          }
        });
      }
    });
  });
  schedule.crossings.forEach((crossing, i) => {
    if (!described.has(crossing.tensor)) {
      fail(
        `schedule.crossings[${i}].tensor`,
        `tensor "${crossing.tensor}" is not among the model's or any segment's inputs and outputs`,
      );
    }
    if (crossing.hop >= hops.length) {
      fail(`schedule.crossings[${i}].hop`, `hop ${crossing.hop} does not exist (${hops.length} hops)`);
    }
  });
  const inputNames = new Set(manifest.model.inputs.map((t) => t.name));
  for (const [name, dims] of Object.entries(manifest.model.bindings ?? {})) {
    if (!inputNames.has(name)) fail(`model.bindings.${name}`, `the model has no input "${name}"`);
    try {
      parseInputBinding(`${name}=${dims}`);
    } catch (error) {
      fail(`model.bindings.${name}`, (error as Error).message.replace(/\.$/, ''));
    }
  }
  for (const [name, values] of Object.entries(manifest.model.inputValues ?? {})) {
    if (!inputNames.has(name)) fail(`model.inputValues.${name}`, `the model has no input "${name}"`);
    try {
      parseInputValue(`${name}=${values}`);
    } catch (error) {
      fail(`model.inputValues.${name}`, (error as Error).message.replace(/\.$/, ''));
    }
  }
  for (const [layer, tier] of Object.entries(manifest.plan.layerPlacement)) {
    if (tier >= tiers.length) {
      fail(`plan.layerPlacement.${layer}`, `tier ${tier} does not exist`);
    }
  }
}

/**
 * The whole model as the bundle carries it (file, the file's SHA-256, data file), or null when
 * it carries none (exported without the device's local fallback).
 */
export function bundledWholeModel(
  manifest: BundleManifest,
): { readonly file: string; readonly sha256: string; readonly data?: ManifestData | undefined } | null {
  const { file, fileSha256, sha256, data } = manifest.model;
  return file === undefined ? null : { file, sha256: fileSha256 ?? sha256, data };
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

/** `stepRuns` of a bundle's schedule: per step index, the steps one request carries from there. */
export function manifestStepRuns(manifest: BundleManifest): number[][] {
  return stepRuns(
    manifest.schedule.steps,
    new Map(manifest.segments.map((s) => [s.id, s.outputs.map((t) => t.name)])),
  );
}

/** The manifest's input bindings as shapes (input name → dims), for `concreteInputShapes`. */
export function manifestInputShapes(manifest: BundleManifest): Record<string, Shape> {
  const shapes: Record<string, Shape> = {};
  for (const [name, dims] of Object.entries(manifest.model.bindings ?? {}))
    shapes[name] = parseInputBinding(`${name}=${dims}`).shape;
  return shapes;
}

/** The manifest's input values (checked by parseManifest), as analyzeModel and the feeds take them. */
export function manifestInputValues(manifest: BundleManifest): InputValueText[] {
  return Object.entries(manifest.model.inputValues ?? {}).map(([name, values]) =>
    parseInputValue(`${name}=${values}`),
  );
}

/** Input values as the manifest keeps them: input name → `16000` or `1,2,3`. */
export function inputValueTexts(values: readonly InputValueText[]): Record<string, string> {
  return Object.fromEntries(values.map((v) => [v.name, v.data.map(String).join(',')]));
}

/** Bindings as the manifest keeps them: input name → `1x3x640x640` (a scalar as `scalar`). */
export function bindingTexts(shapes: Readonly<Record<string, Shape>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(shapes).map(([name, shape]) => [name, shape.length === 0 ? 'scalar' : shape.join('x')]),
  );
}
