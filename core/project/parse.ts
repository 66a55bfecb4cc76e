/**
 * Reading a project: from JSON text or a parsed value to the current version (`ProjectFile`),
 * migrating version 1 on the way. Every refusal is one sentence naming the field
 * (`project.placement["conv1"]: must be one of "device", "edge", "cloud", got "gpu"`).
 * Free of node: and DOM imports: the studio's page, the hosts and the CLI all use it.
 */
import type { z } from 'zod';
import { describeIssue } from '../profiles/issues.js';
import { projectFileV1Schema, projectFileV2Schema } from './schema.js';
import {
  DEFAULT_OBJECTIVE,
  DEFAULT_TOPOLOGY_ID,
  PROJECT_FORMAT,
  PROJECT_VERSION,
  type ProjectFile,
  type ProjectFileV1,
} from './types.js';

export {
  projectFileSchema,
  projectFileV1Schema,
  projectFileV2Schema,
  inlineTopologySchema,
  MAX_FILE_NAME_CHARS,
  MAX_LAYER_ID_CHARS,
  MAX_PATH_CHARS,
  MAX_PLACED_LAYERS,
} from './schema.js';

/** The oldest version this Cutline reads. */
export const OLDEST_PROJECT_VERSION = 1;

export type ProjectParse =
  | { readonly ok: true; readonly project: ProjectFile; readonly migratedFrom: 1 | null }
  | { readonly ok: false; readonly message: string };

/**
 * Checks a parsed project file of any version Cutline reads and returns it as the current
 * version. `migratedFrom` is 1 when a version 1 file was migrated (saving it writes version 2).
 */
export function parseProject(value: unknown): ProjectParse {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return fail('project: must be an object (a Cutline project file)');
  }
  const { format, version } = value as { format?: unknown; version?: unknown };
  if (format !== PROJECT_FORMAT) {
    return fail(
      `project.format: must be "${PROJECT_FORMAT}", got ${format === undefined ? 'nothing' : JSON.stringify(format)}; this is not a Cutline project file`,
    );
  }
  const known = `${OLDEST_PROJECT_VERSION}–${PROJECT_VERSION}`;
  if (typeof version === 'number' && Number.isInteger(version) && version > PROJECT_VERSION) {
    return fail(
      `project.version: version ${version} is newer than this Cutline reads (${known}): update Cutline`,
    );
  }
  if (version === 1) {
    const result = projectFileV1Schema.safeParse(value, { reportInput: true });
    return result.success
      ? { ok: true, project: migrateV1(result.data), migratedFrom: 1 }
      : fail(describeFirst(result.error));
  }
  if (version === 2) {
    const result = projectFileV2Schema.safeParse(value, { reportInput: true });
    return result.success
      ? { ok: true, project: result.data, migratedFrom: null }
      : fail(describeFirst(result.error));
  }
  return fail(
    `project.version: must be a version Cutline reads (${known}), got ${version === undefined ? 'nothing' : JSON.stringify(version)}`,
  );
}

/** Parses a project file's text; corrupt JSON is named with the file and where it breaks. */
export function parseProjectText(text: string, fileName: string): ProjectParse {
  let value: unknown;
  try {
    // A byte-order mark (an editor on Windows) is not part of the JSON.
    value = JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return fail(
      `${fileName} is not a project file: its JSON is corrupt (${reason}). Open a file saved by Cutline, or fix the JSON.`,
    );
  }
  const result = parseProject(value);
  return result.ok ? result : fail(`${fileName}: ${result.message}`);
}

/**
 * A version 1 project (model and placement) as version 2: the default topology, no pins, the
 * latency objective, no constraints, no input bindings, and a view with nothing expanded.
 */
export function migrateV1(v1: ProjectFileV1): ProjectFile {
  return {
    format: PROJECT_FORMAT,
    version: 2,
    model: v1.model,
    inputs: {},
    topology: { kind: 'bundled', id: DEFAULT_TOPOLOGY_ID },
    placement: v1.placement,
    pins: [],
    objective: DEFAULT_OBJECTIVE,
    constraints: [],
    view: { expanded: [], selected: null, metric: 'macs' },
  };
}

function fail(message: string): ProjectParse {
  return { ok: false, message };
}

/** The first problem zod found, as `project.<field>: <what is wrong>` (and how many more). */
function describeFirst(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'project: is not a valid project file';
  const problems = describeIssue(issue);
  const first = problems[0];
  // describeIssue names the field by its own path; ours quotes layer ids and input names.
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const path = keys.length > 0 ? [...issue.path, keys[0]!] : issue.path;
  const problem =
    issue.code === 'invalid_key'
      ? invalidKeyProblem(issue)
      : hasOwnMessage(issue)
        ? issue.message
        : (first?.problem ?? issue.message);
  const more = error.issues.length - 1 + Math.max(0, problems.length - 1);
  return `${projectFieldPath(path)}: ${problem}${more > 0 ? ` (and ${more} more ${more === 1 ? 'problem' : 'problems'})` : ''}`;
}

/** A size limit the schema words itself ("the path is longer than 4096 characters") rather than zod's default. */
function hasOwnMessage(issue: z.core.$ZodIssue): boolean {
  return (
    (issue.code === 'too_big' || issue.code === 'too_small') && !/^Too (big|small)\b/.test(issue.message)
  );
}

function invalidKeyProblem(issue: z.core.$ZodIssueInvalidKey): string {
  const inner = issue.issues[0];
  if (!inner) return issue.message;
  return hasOwnMessage(inner) ? inner.message : `the key is not valid: ${inner.message}`;
}

/** Fields whose keys are names the user did not choose as identifiers: quoted, always. */
const KEYED_BY_NAME = new Set(['placement', 'inputs', 'inputValues', 'sources', 'efficiency', 'overheadMs']);
const MAX_KEY_SHOWN = 80;

/** `['placement', 'conv1']` → `project.placement["conv1"]`; `['topology', 'topology', 'hops', 0]` → `project.topology.topology.hops[0]`. */
export function projectFieldPath(path: readonly PropertyKey[]): string {
  let text = 'project';
  let previous: PropertyKey | undefined;
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else {
      const name = String(key);
      const shown = name.length > MAX_KEY_SHOWN ? `${name.slice(0, MAX_KEY_SHOWN)}…` : name;
      const quoted =
        (typeof previous === 'string' && KEYED_BY_NAME.has(previous)) || !/^[A-Za-z_$][\w$]*$/.test(name);
      text += quoted ? `[${JSON.stringify(shown)}]` : `.${name}`;
    }
    previous = key;
  }
  return text;
}
