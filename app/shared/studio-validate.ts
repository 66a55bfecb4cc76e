/**
 * Validators for every StudioApi request, checked where a request enters a host: Electron main
 * (IPC payloads) and the local web host (HTTP bodies). Both hosts run the same table, so a
 * payload one refuses the other refuses too. Free of node: and DOM imports.
 */
import { z } from 'zod';
import { TIERS } from '../../core/view/types.js';
import { MAX_MODEL_UPLOAD_BYTES, type ProjectFile, type StudioApi, type StudioMethod } from './studio-api.js';

/** Longest host path accepted (Linux PATH_MAX). */
export const MAX_PATH_CHARS = 4096;
/** Longest file name accepted (NAME_MAX on common file systems). */
export const MAX_FILE_NAME_CHARS = 255;
/** Longest layer id (an ONNX node name) a project may place. */
export const MAX_LAYER_ID_CHARS = 4096;
/** Most layers a project may place: far beyond any model the studio can draw. */
export const MAX_PLACED_LAYERS = 500_000;

const hasControlCharacter = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
};

/** A file name without folders: what a browser's File.name or a title bar shows. */
export const fileNameSchema = z
  .string()
  .min(1, 'the file name is empty')
  .max(MAX_FILE_NAME_CHARS, `the file name is longer than ${MAX_FILE_NAME_CHARS} characters`)
  .refine((name) => !hasControlCharacter(name), 'the file name contains control characters')
  .refine((name) => !/[/\\]/.test(name), 'the file name contains a folder separator')
  .refine((name) => name !== '.' && name !== '..', 'the file name is not a file');

/** A host path as the user chose it; whether it may be opened is the host's decision. */
export const hostPathSchema = z
  .string()
  .min(1, 'the path is empty')
  .max(MAX_PATH_CHARS, `the path is longer than ${MAX_PATH_CHARS} characters`)
  .refine((p) => !p.includes('\0'), 'the path contains a NUL character');

/** A sample id: the stem of a file in samples/. */
export const sampleIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'not a sample id');

/** A job id as the host hands them out (a UUID). */
export const jobIdSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'not a job id');

export const modelBytesSchema = z
  .custom<Uint8Array>((value) => value instanceof Uint8Array, 'the model must be sent as bytes')
  .refine((bytes) => bytes.byteLength <= MAX_MODEL_UPLOAD_BYTES, 'the model is larger than the upload limit');

export const tierSchema = z.enum(TIERS as readonly ['device', 'edge', 'cloud']);

export const projectFileSchema = z.strictObject({
  format: z.literal('cutline-project'),
  version: z.literal(1),
  model: z.strictObject({
    fileName: fileNameSchema,
    path: hostPathSchema.nullable(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'not a SHA-256 digest in lower-case hex'),
  }),
  placement: z
    .record(z.string().min(1).max(MAX_LAYER_ID_CHARS), tierSchema)
    .refine(
      (placement) => Object.keys(placement).length <= MAX_PLACED_LAYERS,
      `more than ${MAX_PLACED_LAYERS} placed layers`,
    ),
});

export const saveOptionsSchema = z.strictObject({ saveAs: z.boolean() });

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

/** Checks one project file, e.g. before writing it or after reading it back. */
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
