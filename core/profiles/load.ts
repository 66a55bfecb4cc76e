/**
 * Reads device, link and topology profiles by bundled id or by path, and reports what is wrong
 * with a bad one in words that name the file and the field.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { CutlineError, type ErrorCode } from '../errors.js';
import { describeIssue, type FieldProblem } from './issues.js';
import { parseJsonFile } from './json.js';
import { readProfileText } from './profile-file.js';
import { bundledProfileRefs, bundledProfilesDir, PROFILE_KIND_DIRS, type ProfileKind } from './library.js';
import { deviceProfileSchema, linkProfileSchema, topologySpecSchema } from './schema.js';
import { topologyProblems } from './topology-rules.js';
import type { DeviceProfile, LinkProfile, Topology, TopologySpec } from './types.js';

export interface LoadOptions {
  /** The bundled library's root (holding `devices/`, `links/`, `topologies/`); defaults to `profiles/`. */
  readonly libraryDir?: string;
}

/** Where a reference came from, for messages: the topology file and field that named it. */
interface Reference {
  readonly baseDir: string;
  readonly from?: { readonly file: string; readonly field: string };
}

export function loadDeviceProfile(pathOrId: string, options: LoadOptions = {}): DeviceProfile {
  return loadDevice(pathOrId, options, { baseDir: process.cwd() });
}

export function loadLinkProfile(pathOrId: string, options: LoadOptions = {}): LinkProfile {
  return loadLink(pathOrId, options, { baseDir: process.cwd() });
}

/**
 * Loads a topology and every device and link it names. Tier devices and links are bundled ids
 * or paths relative to the topology file. Tiers must run device → edge → cloud (a subset, in
 * that order, starting at the device) and each consecutive pair be joined by one link written
 * from the lower tier to the higher.
 */
export function loadTopology(pathOrId: string, options: LoadOptions = {}): Topology {
  const file = resolveProfile('topology', pathOrId, options, { baseDir: process.cwd() });
  const spec = validate(
    topologySpecSchema,
    readJson(file, 'BAD_TOPOLOGY'),
    file,
    'BAD_TOPOLOGY',
  ) as TopologySpec;
  checkLibraryId('topology', spec.id, file, options, 'BAD_TOPOLOGY');
  return assembleTopology(spec, file, path.dirname(file), options);
}

/**
 * A topology file's text that has no folder on disk (a file the studio's page uploaded): the
 * same checks and messages as `loadTopology`, naming `fileName`. Its tier devices and links must
 * be bundled ids, since there is no folder for a path to be relative to.
 */
export function loadTopologyText(text: string, fileName: string, options: LoadOptions = {}): Topology {
  const spec = validate(
    topologySpecSchema,
    parseJsonFile(text, fileName, 'BAD_TOPOLOGY'),
    fileName,
    'BAD_TOPOLOGY',
  ) as TopologySpec;
  const named = [
    ...spec.tiers.map((tier, i) => ({ ref: tier.device, field: `tiers[${i}].device`, kind: 'device' })),
    ...spec.links.map((link, i) => ({ ref: link.link, field: `links[${i}].link`, kind: 'link' })),
  ];
  const paths = named.filter(({ ref }) => /[/\\]/.test(ref) || ref.endsWith('.json'));
  if (paths.length > 0) {
    throw problemsError(
      'BAD_TOPOLOGY',
      fileName,
      paths.map(({ ref, field, kind }) => ({
        field,
        problem: `names the file "${ref}"; a topology opened in the page can only name bundled ${kind} ids (open it from the File menu, or use a bundled id)`,
      })),
    );
  }
  return assembleTopology(spec, fileName, process.cwd(), options);
}

/** Checks a topology's structure and loads every device and link it names. */
function assembleTopology(spec: TopologySpec, file: string, baseDir: string, options: LoadOptions): Topology {
  const problems = topologyProblems(spec);
  if (problems.length > 0) throw problemsError('BAD_TOPOLOGY', file, problems);
  const tiers = spec.tiers.map((tier, i) => ({
    name: tier.name,
    device: loadDevice(tier.device, options, { baseDir, from: { file, field: `tiers[${i}].device` } }),
    precision: tier.precision ?? 'fp32',
  }));
  const hops = spec.tiers.slice(1).map((tier, h) => {
    const index = spec.links.findIndex((l) => l.from === spec.tiers[h]!.name && l.to === tier.name);
    return loadLink(spec.links[index]!.link, options, {
      baseDir,
      from: { file, field: `links[${index}].link` },
    });
  });
  return { spec, tiers, hops };
}

function loadDevice(ref: string, options: LoadOptions, reference: Reference): DeviceProfile {
  const file = resolveProfile('device', ref, options, reference);
  const profile = validate(
    deviceProfileSchema,
    readJson(file, 'BAD_PROFILE'),
    file,
    'BAD_PROFILE',
    reference,
  );
  checkLibraryId('device', profile.id, file, options, 'BAD_PROFILE');
  // The cast drops zod's `| undefined` on optional keys; JSON never holds an undefined value.
  return profile as DeviceProfile;
}

function loadLink(ref: string, options: LoadOptions, reference: Reference): LinkProfile {
  const file = resolveProfile('link', ref, options, reference);
  const profile = validate(linkProfileSchema, readJson(file, 'BAD_PROFILE'), file, 'BAD_PROFILE', reference);
  checkLibraryId('link', profile.id, file, options, 'BAD_PROFILE');
  return profile as LinkProfile;
}

/** A reference with a path separator or a `.json` ending is a path; anything else a bundled id. */
function resolveProfile(kind: ProfileKind, ref: string, options: LoadOptions, reference: Reference): string {
  const libraryDir = options.libraryDir ?? bundledProfilesDir();
  const bundled = bundledProfileRefs(kind, libraryDir);
  const available = `Bundled ${kind} ids: ${bundled.map((p) => p.id).join(', ') || '(none)'}.`;
  const origin = reference.from ? ` (named by ${reference.from.field} in ${reference.from.file})` : '';
  if (/[/\\]/.test(ref) || ref.endsWith('.json')) {
    const file = path.resolve(reference.baseDir, ref);
    if (!isFile(file)) {
      throw new CutlineError(
        'PROFILE_NOT_FOUND',
        `No ${kind} profile file at ${file}${origin}. Give a path to a ${kind} profile JSON file or a bundled id. ${available}`,
      );
    }
    return file;
  }
  const found = bundled.find((p) => p.id === ref);
  if (!found) {
    throw new CutlineError(
      'PROFILE_NOT_FOUND',
      `No bundled ${kind} profile "${ref}"${origin} in ${path.join(libraryDir, PROFILE_KIND_DIRS[kind])}. ${available} Use one of them or a path to a JSON file.`,
    );
  }
  return found.path;
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function readJson(file: string, code: ErrorCode): unknown {
  return parseJsonFile(readProfileText(file, code), file, code);
}

function validate<S extends z.ZodType>(
  schema: S,
  data: unknown,
  file: string,
  code: ErrorCode,
  reference?: Reference,
): Omit<z.output<S>, '$schema'> {
  const result = schema.safeParse(data, { reportInput: true });
  if (!result.success) {
    const suffix = reference?.from ? ` (named by ${reference.from.field} in ${reference.from.file})` : '';
    throw problemsError(code, file, result.error.issues.flatMap(describeIssue), suffix);
  }
  // `$schema` only tells editors where the JSON Schema is; it is not part of the profile.
  const profile = { ...(result.data as z.output<S> & { $schema?: string }) };
  delete profile.$schema;
  return profile;
}

/** A bundled file must be named after its id, or looking it up by id would find the wrong one. */
function checkLibraryId(
  kind: ProfileKind,
  id: string,
  file: string,
  options: LoadOptions,
  code: ErrorCode,
): void {
  const dir = path.join(options.libraryDir ?? bundledProfilesDir(), PROFILE_KIND_DIRS[kind]);
  const expected = path.basename(file, '.json');
  if (path.dirname(file) === path.resolve(dir) && id !== expected) {
    throw problemsError(code, file, [
      {
        field: 'id',
        problem: `must be "${expected}" (a bundled profile is named after its file), got "${id}"`,
      },
    ]);
  }
}

function problemsError(
  code: ErrorCode,
  file: string,
  problems: readonly FieldProblem[],
  suffix = '',
): CutlineError {
  const line = (p: FieldProblem): string => (p.field ? `${p.field} ${p.problem}` : p.problem);
  if (problems.length === 1) return new CutlineError(code, `${file}${suffix}: ${line(problems[0]!)}.`);
  return new CutlineError(
    code,
    `${file}${suffix} has ${problems.length} problems:\n${problems.map((p) => `  - ${line(p)}`).join('\n')}`,
  );
}
