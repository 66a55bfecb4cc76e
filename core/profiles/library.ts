/**
 * The bundled profile library: `profiles/{devices,links,topologies}/<id>.json` at the repository
 * root, each file named after the profile's id.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type ProfileKind = 'device' | 'link' | 'topology';

export const PROFILE_KIND_DIRS: Readonly<Record<ProfileKind, string>> = {
  device: 'devices',
  link: 'links',
  topology: 'topologies',
};

export interface BundledProfileRef {
  readonly kind: ProfileKind;
  readonly id: string;
  readonly path: string;
}

export interface BundledProfiles {
  readonly devices: readonly BundledProfileRef[];
  readonly links: readonly BundledProfileRef[];
  readonly topologies: readonly BundledProfileRef[];
}

/**
 * `profiles/` beside `core/`, found from this module's location. Hosts that bundle the engine
 * elsewhere (the Electron main bundle) pass their own directory to the loaders instead.
 */
export function bundledProfilesDir(): string {
  return fileURLToPath(new URL('../../profiles/', import.meta.url));
}

/** Bundled profile ids of one kind, sorted; empty when the directory is missing. */
export function bundledProfileRefs(
  kind: ProfileKind,
  libraryDir = bundledProfilesDir(),
): BundledProfileRef[] {
  const dir = path.join(libraryDir, PROFILE_KIND_DIRS[kind]);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => ({ kind, id: name.slice(0, -'.json'.length), path: path.join(dir, name) }));
}

/** Every bundled device, link and topology profile (ids and file paths; nothing is parsed). */
export function listBundledProfiles(libraryDir = bundledProfilesDir()): BundledProfiles {
  return {
    devices: bundledProfileRefs('device', libraryDir),
    links: bundledProfileRefs('link', libraryDir),
    topologies: bundledProfileRefs('topology', libraryDir),
  };
}
