/**
 * Validators for every StudioApi request, checked where a request enters a host: Electron main
 * (IPC payloads) and the local web host (HTTP bodies). Both hosts run the same table, so a
 * payload one refuses the other refuses too. Projects and inline topologies are checked with the
 * schemas core/project/schema.ts holds for project files, so a payload is held to the rules of
 * the file it becomes. Free of node: and DOM imports.
 */
import { z } from 'zod';
import {
  fileNameSchema,
  hostPathSchema,
  inlineTopologySchema,
  MAX_FILE_NAME_CHARS,
  MAX_INPUTS,
  MAX_LAYER_ID_CHARS,
  MAX_PATH_CHARS,
  MAX_PLACED_LAYERS,
  MAX_SETTING_CHARS,
  projectFileSchema,
  tierSchema,
} from '../../core/project/schema.js';
import {
  MAX_MODEL_UPLOAD_BYTES,
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

export const saveOptionsSchema = z.strictObject({ saveAs: z.boolean() });

/**
 * Input bindings as the page sends them: their syntax is checked by the analyse job itself, so a
 * mistyped binding ends the job with BAD_INPUT_BINDING and a sentence, not with BAD_REQUEST.
 */
const inputBindingsSchema = z
  .record(z.string().min(1).max(MAX_SETTING_CHARS), z.string().max(MAX_SETTING_CHARS))
  .refine((inputs) => Object.keys(inputs).length <= MAX_INPUTS, `more than ${MAX_INPUTS} input bindings`);

/** The arguments of each job kind; a new kind adds its entry here and in studio-api.ts's JobKinds. */
export const JOB_ARGS = {
  analyse: z.strictObject({ inputs: inputBindingsSchema }),
  problem: z.strictObject({ topology: inlineTopologySchema }),
} as const satisfies Record<JobKind, z.ZodType>;

export const jobRequestSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('analyse'), args: JOB_ARGS.analyse }),
  z.strictObject({ kind: z.literal('problem'), args: JOB_ARGS.problem }),
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
  lastTopology: none,
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
