/**
 * The JSON objects of the Open Inference Protocol's infer call (KServe v2 REST: `$inference_request`
 * and `$inference_response`), validated with zod. Tensor `data` is only checked to be a list here;
 * its elements are checked against the datatype while they are converted (one pass, not two).
 */
import { z } from 'zod';
import { OIP_DATATYPES } from './datatypes.js';
import { plainName, quoteName } from '../../text/quote-name.js';
import { OipError } from './errors.js';

/** zod's message for a field: "is required" when absent, else what it must be. */
const must =
  (what: string) =>
  (issue: { input?: unknown }): string =>
    issue.input === undefined ? 'is required' : `must be ${what}`;

const name = z.string({ error: must('a string') }).min(1, { error: 'must not be empty' });

/**
 * `$parameters`: OIP allows string, number and boolean values; any JSON value is accepted so that
 * structured extensions (Cutline's `cutline_timings`) pass through other tiers unchanged.
 */
export const parametersSchema = z.record(z.string(), z.json(), { error: must('an object') });
export type OipParameters = z.infer<typeof parametersSchema>;

const dimension = z
  .number({ error: must('a number') })
  .int({ error: 'must be a whole number' })
  .nonnegative({ error: 'must not be negative' });

const tensorHeader = z.object({
  name,
  shape: z.array(dimension, { error: must('a list of dimensions') }),
  datatype: z.enum(OIP_DATATYPES, { error: must(`one of ${OIP_DATATYPES.join(', ')}`) }),
  parameters: parametersSchema.optional(),
  // Not z.array(z.unknown()): that would copy every element of a large tensor.
  data: z.custom<unknown[]>((value) => Array.isArray(value), { error: 'must be a list' }).optional(),
});
export type TensorHeader = z.infer<typeof tensorHeader>;

export const inferRequestSchema = z.object(
  {
    id: z.string({ error: must('a string') }).optional(),
    parameters: parametersSchema.optional(),
    inputs: z.array(tensorHeader, { error: must('a list of tensors') }),
    outputs: z
      .array(z.object({ name, parameters: parametersSchema.optional() }), {
        error: must('a list of requested outputs'),
      })
      .optional(),
  },
  { error: 'must be a JSON object' },
);
export type InferRequestHeader = z.infer<typeof inferRequestSchema>;

export const inferResponseSchema = z.object(
  {
    model_name: z.string({ error: must('a string') }),
    model_version: z.string({ error: must('a string') }).optional(),
    id: z.string({ error: must('a string') }).optional(),
    parameters: parametersSchema.optional(),
    outputs: z.array(tensorHeader, { error: must('a list of tensors') }),
  },
  { error: 'must be a JSON object' },
);
export type InferResponseHeader = z.infer<typeof inferResponseSchema>;

/**
 * Validates a parsed JSON header.
 *
 * @throws OipError (400) with one sentence naming the field, and the tensor when the field is in one:
 *   `The infer request's inputs[0].shape[1] (tensor "x") must not be negative.`
 */
export function parseHeader<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = fieldPath(issue.path);
  const tensor = tensorNameAt(value, issue.path);
  const where = field
    ? `${what}'s ${field}${tensor !== undefined ? ` (tensor ${quoteName(tensor)})` : ''}`
    : what;
  throw new OipError(`The ${where} ${issue.message}.`);
}

function fieldPath(path: readonly PropertyKey[]): string {
  let text = '';
  // Keys of parameter objects are the sender's: escaped and cut like names.
  for (const key of path)
    text += typeof key === 'number' ? `[${key}]` : `${text ? '.' : ''}${plainName(String(key))}`;
  return text;
}

function tensorNameAt(value: unknown, path: readonly PropertyKey[]): string | undefined {
  const [list, index, field] = path;
  if (typeof index !== 'number' || field === 'name' || typeof list !== 'string') return undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  const entries: unknown = (value as Record<string, unknown>)[list];
  const entry: unknown = Array.isArray(entries) ? entries[index] : undefined;
  const tensorName: unknown =
    typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>).name : undefined;
  return typeof tensorName === 'string' ? tensorName : undefined;
}
