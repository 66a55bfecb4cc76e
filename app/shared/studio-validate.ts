/**
 * Validators for every StudioApi request, checked where a request enters a host: Electron main
 * (IPC payloads) and the local web host (HTTP bodies). Both hosts run the same table, so a
 * payload one refuses the other refuses too. Projects and inline topologies are checked with the
 * schemas core/project/schema.ts holds for project files, so a payload is held to the rules of
 * the file it becomes. Free of node: and DOM imports.
 */
import { z } from 'zod';
import { TIER_NAMES } from '../../core/tiers.js';
import {
  fileNameSchema,
  hostPathSchema,
  inlineTopologySchema,
  MAX_FILE_NAME_CHARS,
  layerIdSchema,
  MAX_CONSTRAINTS,
  MAX_INPUTS,
  MAX_LAYER_ID_CHARS,
  MAX_PATH_CHARS,
  MAX_PLACED_LAYERS,
  MAX_SETTING_CHARS,
  objectiveSchema,
  placementSchema,
  projectFileSchema,
  settingSchema,
  tierSchema,
} from '../../core/project/schema.js';
import {
  MAX_MODEL_UPLOAD_BYTES,
  MAX_ORT_PROFILE_TEXT_BYTES,
  MAX_PROJECT_TEXT_BYTES,
  type JobKind,
  type ProjectFile,
  type StudioApi,
  type StudioMethod,
} from './studio-api.js';

export {
  fileNameSchema,
  hostPathSchema,
  MAX_FILE_NAME_CHARS,
  MAX_LAYER_ID_CHARS,
  MAX_PATH_CHARS,
  MAX_PLACED_LAYERS,
  projectFileSchema,
  tierSchema,
};

/** A sample id: the stem of a file in samples/. */
export const sampleIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'not a sample id');

/** A job or session id as the host hands them out (a UUID). */
export const jobIdSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'not a job id');
export const sessionIdSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'not a session id');

/** A bundled topology id (the stem of a file in profiles/topologies/). */
export const topologyIdSchema = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'not a bundled topology id')
  .max(128, 'not a bundled topology id');

export const modelBytesSchema = z
  .custom<Uint8Array>((value) => value instanceof Uint8Array, 'the model must be sent as bytes')
  .refine((bytes) => bytes.byteLength <= MAX_MODEL_UPLOAD_BYTES, 'the model is larger than the upload limit');

/** A project or topology file's text as the page read it (UTF-16 units; the body limit bounds bytes too). */
export const fileTextSchema = z
  .string()
  .max(MAX_PROJECT_TEXT_BYTES, `the file is larger than ${MAX_PROJECT_TEXT_BYTES / 1024 ** 2} MB`);

const ortProfileTextSchema = z
  .string()
  .max(
    MAX_ORT_PROFILE_TEXT_BYTES,
    `the profile is larger than ${MAX_ORT_PROFILE_TEXT_BYTES / 1024 ** 2} MB: profile fewer runs`,
  );

export const saveOptionsSchema = z.strictObject({ saveAs: z.boolean() });

/**
 * Input bindings as the page sends them: their syntax is checked by the analyse job itself, so a
 * mistyped binding ends the job with BAD_INPUT_BINDING and a sentence, not with BAD_REQUEST.
 */
const inputBindingsSchema = z
  .record(z.string().min(1).max(MAX_SETTING_CHARS), z.string().max(MAX_SETTING_CHARS))
  .refine((inputs) => Object.keys(inputs).length <= MAX_INPUTS, `more than ${MAX_INPUTS} input bindings`);

const constraintsSchema = z
  .array(settingSchema)
  .max(MAX_CONSTRAINTS + MAX_PLACED_LAYERS)
  .readonly();

/** Most rows of the single-cut table, sweep points, harness requests and profiling runs a page may ask for. */
export const MAX_CUT_POINT_ROWS = 1_000;
export const MAX_SWEEP_STEPS = 200;
export const MAX_HARNESS_REQUESTS = 10_000;
export const MAX_PROFILE_RUNS = 1_000;
/** Most intra-op threads a calibration may ask for: well above any CPU the studio runs on. */
export const MAX_PROFILE_THREADS = 256;

/** A link bandwidth in Mb/s, within the bounds profiles allow. */
const mbpsSchema = z.number().min(1e-6).max(1e12);

/** Data-dependent layers the page's calibration timed (core/partition/source-types.ts SourceMeasurements). */
const sourceMeasurementsSchema = z.strictObject({
  machine: z.string().max(1000),
  measuredAt: z.string().max(64),
  units: z
    .array(
      z.strictObject({
        unit: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
        measuredMs: z.number().finite().min(0).max(1e12),
        predictedMs: z.number().finite().min(0).max(1e12),
      }),
    )
    .max(1_000_000)
    .readonly(),
});

/** The arguments of each job kind; a new kind adds its entry here and in studio-api.ts's JobKinds. */
export const JOB_ARGS = {
  analyse: z.strictObject({ inputs: inputBindingsSchema, inputValues: inputBindingsSchema.exactOptional() }),
  problem: z.strictObject({ topology: inlineTopologySchema }),
  solve: z.strictObject({
    topology: inlineTopologySchema,
    objective: objectiveSchema,
    constraints: constraintsSchema,
    solvers: z.array(settingSchema).max(16).readonly(),
    pareto: z.boolean(),
    measured: sourceMeasurementsSchema.exactOptional(),
  }),
  'cut-points': z.strictObject({
    topology: inlineTopologySchema,
    serverTier: z
      .number()
      .int()
      .min(1)
      .max(TIER_NAMES.length - 1),
    limit: z.number().int().min(1).max(MAX_CUT_POINT_ROWS),
    measured: sourceMeasurementsSchema.exactOptional(),
  }),
  sweep: z.strictObject({
    topology: inlineTopologySchema,
    hop: z
      .number()
      .int()
      .min(0)
      .max(TIER_NAMES.length - 2),
    fromMbps: mbpsSchema,
    toMbps: mbpsSchema,
    steps: z.number().int().min(2).max(MAX_SWEEP_STEPS),
    placement: placementSchema,
  }),
  export: z.strictObject({
    topology: inlineTopologySchema,
    placement: placementSchema,
    pins: z.array(layerIdSchema).max(MAX_PLACED_LAYERS).readonly(),
    inputs: inputBindingsSchema,
    objective: objectiveSchema,
    outDir: hostPathSchema,
    zip: z.boolean(),
    force: z.boolean(),
    onUnreachable: z.enum(['fail', 'local']),
    serving: z.enum(['relay', 'stock']).exactOptional(),
    verify: z.boolean(),
    // Any size a file can have (the page parses what was typed; 0 puts every model's weights of
    // 1 KiB or more in a data file); absent: automatic.
    externalDataAboveBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).exactOptional(),
    verifyWhole: z.boolean().exactOptional(),
  }),
  harness: z.strictObject({
    bundleDir: hostPathSchema,
    runs: z.number().int().min(1).max(MAX_HARNESS_REQUESTS),
    stream: z.number().int().min(0).max(MAX_HARNESS_REQUESTS),
    emulateLinks: z.boolean(),
    calibrate: z.boolean(),
  }),
  profile: z.strictObject({
    runs: z.number().int().min(1).max(MAX_PROFILE_RUNS),
    warmup: z.number().int().min(0).max(MAX_PROFILE_RUNS),
    remeasure: z.boolean().exactOptional(),
    fromTable: z.boolean().exactOptional(),
    kernels: z.boolean().exactOptional(),
    threads: z.number().int().min(1).max(MAX_PROFILE_THREADS).exactOptional(),
  }),
  figures: z.strictObject({
    topology: inlineTopologySchema,
    placement: placementSchema,
    pins: z.array(layerIdSchema).max(MAX_PLACED_LAYERS).readonly(),
    inputs: inputBindingsSchema,
    objective: objectiveSchema,
    outDir: hostPathSchema,
  }),
} as const satisfies Record<JobKind, z.ZodType>;

export const jobRequestSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('analyse'), args: JOB_ARGS.analyse }),
  z.strictObject({ kind: z.literal('problem'), args: JOB_ARGS.problem }),
  z.strictObject({ kind: z.literal('solve'), args: JOB_ARGS.solve }),
  z.strictObject({ kind: z.literal('cut-points'), args: JOB_ARGS['cut-points'] }),
  z.strictObject({ kind: z.literal('sweep'), args: JOB_ARGS.sweep }),
  z.strictObject({ kind: z.literal('export'), args: JOB_ARGS.export }),
  z.strictObject({ kind: z.literal('harness'), args: JOB_ARGS.harness }),
  z.strictObject({ kind: z.literal('profile'), args: JOB_ARGS.profile }),
  z.strictObject({ kind: z.literal('figures'), args: JOB_ARGS.figures }),
]);

export const recoveredDesignSchema = z.strictObject({
  project: projectFileSchema,
  projectPath: hostPathSchema.nullable(),
  savedAt: z.iso.datetime(),
});

const none = z.tuple([]);

/** The argument list of each request method, in call order. */
export const STUDIO_ARGS = {
  hostInfo: none,
  initialModel: none,
  openWithDialog: none,
  openRecent: z.tuple([hostPathSchema]),
  openBytes: z.tuple([fileNameSchema, modelBytesSchema]),
  listSamples: none,
  openSample: z.tuple([sampleIdSchema]),
  listRecent: none,
  saveProject: z.tuple([projectFileSchema, saveOptionsSchema]),
  cancel: z.tuple([jobIdSchema]),
  startJob: z.tuple([sessionIdSchema, jobRequestSchema]),
  cancelJob: z.tuple([jobIdSchema]),
  closeSession: z.tuple([sessionIdSchema]),
  listTopologies: none,
  loadTopology: z.tuple([topologyIdSchema]),
  openTopologyWithDialog: none,
  parseTopology: z.tuple([fileNameSchema, fileTextSchema]),
  listProfiles: none,
  parseOrtProfile: z.tuple([fileNameSchema, ortProfileTextSchema]),
  lastTopology: none,
  suggestExportDir: z.tuple([sessionIdSchema]),
  chooseExportDir: z.tuple([hostPathSchema]),
  rememberTopology: z.tuple([topologyIdSchema.nullable(), inlineTopologySchema]),
  initialProject: none,
  openProjectWithDialog: none,
  openProjectText: z.tuple([fileNameSchema, fileTextSchema]),
  openRecentProject: z.tuple([hostPathSchema]),
  autosave: z.tuple([recoveredDesignSchema.nullable()]),
  recovery: none,
  openRecovery: none,
  setDirty: z.tuple([z.boolean()]),
} as const satisfies Record<StudioMethod, z.ZodType>;

/** The arguments of a method as its StudioApi signature declares them. */
export type StudioArgs<M extends StudioMethod> = Parameters<StudioApi[M]>;

// Compile-time proof that each validator yields exactly the arguments its method declares.
type SchemaMatches = {
  [M in StudioMethod]: z.output<(typeof STUDIO_ARGS)[M]> extends StudioArgs<M>
    ? StudioArgs<M> extends z.output<(typeof STUDIO_ARGS)[M]>
      ? true
      : false
    : false;
};
const schemasMatch: false extends SchemaMatches[StudioMethod] ? false : true = true;
void schemasMatch;

export type ArgsCheck<M extends StudioMethod> =
  { readonly ok: true; readonly args: StudioArgs<M> } | { readonly ok: false; readonly message: string };

/** Checks a request's argument list; the message names the first problem found. */
export function parseStudioArgs<M extends StudioMethod>(method: M, args: unknown): ArgsCheck<M> {
  const result = STUDIO_ARGS[method].safeParse(args);
  if (result.success) return { ok: true, args: result.data as StudioArgs<M> };
  return { ok: false, message: `${method}: ${describeIssue(result.error.issues[0])}` };
}

/** Checks one project file of the current version, e.g. before writing it. */
export function parseProjectFile(
  value: unknown,
): { ok: true; project: ProjectFile } | { ok: false; message: string } {
  const result = projectFileSchema.safeParse(value);
  return result.success
    ? { ok: true, project: result.data }
    : { ok: false, message: `project: ${describeIssue(result.error.issues[0])}` };
}

export function isStudioMethod(name: string): name is StudioMethod {
  return Object.hasOwn(STUDIO_ARGS, name);
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'invalid arguments';
  if (issue.path.length === 0) return issue.message;
  const [first, ...rest] = issue.path;
  const where = `args[${String(first)}]${rest.map((key) => `.${String(key)}`).join('')}`;
  return `${where}: ${issue.message}`;
}
