/**
 * Zod schemas of project files, version 1 and 2: the one description of a valid project. The CLI
 * (`--project`), the hosts (IPC and HTTP payloads, files read from disk) and the studio all check
 * with these, so a project one side writes the other reads. Free of node: and DOM imports.
 *
 * An inline topology is checked with the profile schemas (the same rules as a topology file on
 * disk) plus the structural rules of `topologyProblems`.
 */
import { z } from 'zod';
import { deviceProfileSchema, linkProfileSchema, topologySpecSchema } from '../profiles/schema.js';
import { topologyProblems } from '../profiles/topology-rules.js';
import { parseInputBinding } from '../shape/bindings.js';
import { parseInputValue } from '../shape/input-values.js';
import { PRECISIONS, type Topology, type TopologySpec } from '../profiles/types.js';
import { TIER_NAMES } from '../tiers.js';
import { PROJECT_FORMAT, type ProjectFileV1, type ProjectFileV2 } from './types.js';

/** Longest host path accepted (Linux PATH_MAX). */
export const MAX_PATH_CHARS = 4096;
/** Longest file name accepted (NAME_MAX on common file systems). */
export const MAX_FILE_NAME_CHARS = 255;
/** Longest layer id (an ONNX node name) a project may place. */
export const MAX_LAYER_ID_CHARS = 4096;
/** Most layers a project may place, pin or expand: far beyond any model the studio can draw. */
export const MAX_PLACED_LAYERS = 500_000;
/** Most input bindings and constraints: a model has a handful of inputs, a design a few constraints. */
export const MAX_INPUTS = 1024;
export const MAX_CONSTRAINTS = 1024;
/** Longest objective, constraint, binding or metric text. */
export const MAX_SETTING_CHARS = MAX_LAYER_ID_CHARS + 64;

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

export const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'not a SHA-256 digest in lower-case hex');

export const tierSchema = z.enum(TIER_NAMES);

export const layerIdSchema = z
  .string()
  .min(1, 'a layer id is empty')
  .max(MAX_LAYER_ID_CHARS, `a layer id is longer than ${MAX_LAYER_ID_CHARS} characters`);

const modelRefSchema = z.strictObject({
  fileName: fileNameSchema,
  path: hostPathSchema.nullable(),
  sha256: sha256Schema,
});

export const placementSchema = z
  .record(layerIdSchema, tierSchema)
  .refine(
    (placement) => Object.keys(placement).length <= MAX_PLACED_LAYERS,
    `more than ${MAX_PLACED_LAYERS} placed layers`,
  );

export const settingSchema = z.string().min(1).max(MAX_SETTING_CHARS);

/** `latency`, `energy`, `throughput` or `weighted:<latency weight>,<energy weight>` (as `cutline solve -o`). */
export const objectiveSchema = settingSchema.regex(
  /^(latency|energy|throughput|weighted:[0-9.eE+-]+,[0-9.eE+-]+)$/,
  'must be latency, energy, throughput or weighted:<latency weight>,<energy weight>',
);

/** Input name → dims as `--input` takes them after the `=` (`1x3x640x640`, `1x3xHxW`, `scalar`). */
const inputsSchema = z.record(settingSchema, settingSchema).superRefine((inputs, ctx) => {
  const names = Object.keys(inputs);
  if (names.length > MAX_INPUTS) {
    ctx.addIssue({ code: 'custom', message: `more than ${MAX_INPUTS} input bindings` });
  }
  for (const name of names) {
    try {
      const binding = parseInputBinding(`${name}=${inputs[name]!}`);
      if (binding.name !== name.trim()) throw new Error(`the input name must not contain "="`);
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: [name], message: (error as Error).message });
    }
  }
});

/** Input name → values as `--input-value` takes them after the `=` (`16000`, `1,2,3`). */
const inputValuesSchema = z.record(settingSchema, settingSchema).superRefine((values, ctx) => {
  const names = Object.keys(values);
  if (names.length > MAX_INPUTS) {
    ctx.addIssue({ code: 'custom', message: `more than ${MAX_INPUTS} input values` });
  }
  for (const name of names) {
    try {
      const parsed = parseInputValue(`${name}=${values[name]!}`);
      if (parsed.name !== name.trim()) throw new Error(`the input name must not contain "="`);
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: [name], message: (error as Error).message });
    }
  }
});

/** A topology with its profiles inline: checked as a topology file and its profile files would be. */
export const inlineTopologySchema = z
  .strictObject({
    spec: topologySpecSchema,
    tiers: z
      .array(
        z.strictObject({
          name: tierSchema,
          device: deviceProfileSchema,
          precision: z.enum(PRECISIONS),
        }),
      )
      .min(1)
      .max(TIER_NAMES.length),
    hops: z.array(linkProfileSchema).max(TIER_NAMES.length - 1),
  })
  .superRefine((topology, ctx) => {
    for (const problem of topologyProblems(topology.spec as TopologySpec)) {
      ctx.addIssue({
        code: 'custom',
        path: ['spec', ...problemPath(problem.field)],
        message: problem.problem,
      });
    }
    const specTiers = topology.spec.tiers;
    if (topology.tiers.length !== specTiers.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['tiers'],
        message: `has ${topology.tiers.length} tiers but spec.tiers has ${specTiers.length}; give one per tier of the spec`,
      });
    }
    topology.tiers.forEach((tier, i) => {
      const named = specTiers[i]?.name;
      if (named !== undefined && tier.name !== named) {
        ctx.addIssue({
          code: 'custom',
          path: ['tiers', i, 'name'],
          message: `is "${tier.name}" but spec.tiers[${i}].name is "${named}"`,
        });
      }
    });
    if (topology.hops.length !== Math.max(0, topology.tiers.length - 1)) {
      ctx.addIssue({
        code: 'custom',
        path: ['hops'],
        message: `has ${topology.hops.length} links; a topology of ${topology.tiers.length} tiers needs ${Math.max(0, topology.tiers.length - 1)} (one between each pair of consecutive tiers)`,
      });
    }
  })
  // Zod's output keeps `| undefined` on optional keys; JSON never holds an undefined value.
  // `$schema` only tells an editor where a profile's JSON Schema is: not part of the topology.
  .transform((topology) => withoutSchemaKeys(topology) as unknown as Topology);

const projectTopologySchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('bundled'),
    id: z
      .string()
      .regex(
        /^[a-z0-9]+(?:-[a-z0-9]+)*$/,
        'must be a bundled topology id (lower-case letters, digits and dashes)',
      ),
  }),
  z.strictObject({ kind: z.literal('inline'), topology: inlineTopologySchema }),
]);

const viewSchema = z.strictObject({
  expanded: z.array(z.string().max(MAX_LAYER_ID_CHARS)).max(MAX_PLACED_LAYERS).readonly(),
  selected: z.string().max(MAX_LAYER_ID_CHARS).nullable(),
  metric: z.string().min(1).max(64),
});

export const projectFileV1Schema = z.strictObject({
  format: z.literal(PROJECT_FORMAT),
  version: z.literal(1),
  model: modelRefSchema,
  placement: placementSchema,
});

export const projectFileV2Schema = z.strictObject({
  format: z.literal(PROJECT_FORMAT),
  version: z.literal(2),
  model: modelRefSchema,
  inputs: inputsSchema,
  inputValues: inputValuesSchema.optional(),
  topology: projectTopologySchema,
  placement: placementSchema,
  pins: z.array(layerIdSchema).max(MAX_PLACED_LAYERS).readonly(),
  objective: objectiveSchema,
  constraints: z.array(settingSchema).max(MAX_CONSTRAINTS).readonly(),
  view: viewSchema,
});

/** The project a host accepts as a payload and writes: always the current version. */
export const projectFileSchema = projectFileV2Schema;

// Compile-time proof that the schemas yield the declared types (and no more).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const v1Matches: Same<z.output<typeof projectFileV1Schema>, ProjectFileV1> = true;
const v2Matches: Same<z.output<typeof projectFileV2Schema>, ProjectFileV2> = true;
void v1Matches;
void v2Matches;

function withoutSchemaKeys<T extends { spec: object; tiers: { device: object }[]; hops: object[] }>(
  topology: T,
): T {
  const strip = <O extends object>(o: O): O => {
    if (!('$schema' in o)) return o;
    const copy: Record<string, unknown> = { ...o };
    delete copy.$schema;
    return copy as O;
  };
  return {
    ...topology,
    spec: strip(topology.spec),
    tiers: topology.tiers.map((tier) => ({ ...tier, device: strip(tier.device) })),
    hops: topology.hops.map(strip),
  };
}

/** `tiers[1].device` → ['tiers', 1, 'device'], so a topology rule's field joins the zod path. */
function problemPath(field: string): (string | number)[] {
  const path: (string | number)[] = [];
  for (const part of field.split('.')) {
    const match = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (!match) {
      path.push(part);
      continue;
    }
    if (match[1]) path.push(match[1]);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) path.push(Number(index[1]));
  }
  return path;
}
