/**
 * Topologies and profiles for the studio: the bundled library (profiles/), a topology file the
 * user chose in a dialog or uploaded in the page, and the topology the last design used. Every
 * refusal is the CLI's own message for the same file (core/profiles/load.ts), which names the
 * file, the field and what is wrong.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { isCutlineError } from '../../core/errors.js';
import { inlineTopologySchema } from '../../core/project/parse.js';
import { DEFAULT_TOPOLOGY_ID } from '../../core/project/types.js';
import { bundledProfileRefs, bundledProfilesDir } from '../../core/profiles/library.js';
import {
  loadDeviceProfile,
  loadLinkProfile,
  loadTopology,
  loadTopologyText,
} from '../../core/profiles/load.js';
import type { ProfileLibrary, Topology, TopologyInfo, TopologyResult } from '../shared/studio-api.js';
import { MAX_PROJECT_TEXT_BYTES } from '../shared/studio-api.js';
import { writeFileAtomic } from './atomic-file.js';
import { failed } from './host-errors.js';

/** The file in the config folder that remembers the last design's topology. */
export const LAST_TOPOLOGY_FILE = 'topology.json';

export interface TopologyLibrary {
  list(): Promise<readonly TopologyInfo[]>;
  /** A bundled topology by id; anything that is not a bundled id is refused. */
  load(id: string): Promise<TopologyResult>;
  /** A topology file on disk the user chose (a dialog): its devices and links may be paths beside it. */
  loadFile(filePath: string): Promise<TopologyResult>;
  /** A topology file's text uploaded by the page: its devices and links must be bundled ids. */
  parse(fileName: string, text: string): Promise<TopologyResult>;
  profiles(): Promise<ProfileLibrary>;
  last(): Promise<TopologyResult>;
  remember(id: string | null, topology: Topology): Promise<void>;
}

const lastTopologySchema = z.strictObject({
  version: z.literal(1),
  id: z.string().nullable(),
  topology: inlineTopologySchema,
});

export function createTopologyLibrary(configDir: string, libraryDir = bundledProfilesDir()): TopologyLibrary {
  const options = { libraryDir };
  const lastFile = path.join(configDir, LAST_TOPOLOGY_FILE);
  // The bundled library ships with the app and does not change while it runs: listed once, not
  // on every load, remember and last.
  let ids: readonly string[] | undefined;
  const bundledIds = (): readonly string[] =>
    (ids ??= bundledProfileRefs('topology', libraryDir).map((ref) => ref.id));

  const attempt = (load: () => Topology, bundledId: string | null): TopologyResult => {
    try {
      return { ok: true, topology: load(), bundledId };
    } catch (error) {
      if (isCutlineError(error)) return { ok: false, error: { code: error.code, message: error.message } };
      throw error;
    }
  };

  const library: TopologyLibrary = {
    async list() {
      const infos: TopologyInfo[] = [];
      for (const id of bundledIds()) {
        const loaded = attempt(() => loadTopology(id, options), id);
        // A broken bundled file is a packaging bug; the picker shows the rest.
        if (loaded.ok) infos.push(topologyInfo(id, loaded.topology));
      }
      return infos;
    },

    async load(id) {
      if (!bundledIds().includes(id)) {
        return failed(
          'NOT_FOUND',
          `There is no bundled topology "${id}". Bundled topologies: ${bundledIds().join(', ')}.`,
        );
      }
      return attempt(() => loadTopology(id, options), id);
    },

    async loadFile(filePath) {
      // A path (with a folder) is never taken for a bundled id.
      return attempt(() => loadTopology(path.resolve(filePath), options), null);
    },

    async parse(fileName, text) {
      if (Buffer.byteLength(text) > MAX_PROJECT_TEXT_BYTES) {
        return failed('BAD_REQUEST', `${fileName} is larger than a topology file can be.`);
      }
      return attempt(() => loadTopologyText(text, fileName, options), null);
    },

    async profiles() {
      const devices = bundledProfileRefs('device', libraryDir).map((ref) =>
        loadDeviceProfile(ref.id, options),
      );
      const links = bundledProfileRefs('link', libraryDir).map((ref) => loadLinkProfile(ref.id, options));
      return { devices, links };
    },

    async last() {
      const remembered = await readLast(lastFile);
      if (remembered?.id != null && bundledIds().includes(remembered.id)) {
        // Bundled profiles may have changed since: the library's current version counts.
        const bundled = await library.load(remembered.id);
        if (bundled.ok) return bundled;
      }
      if (remembered && remembered.id === null)
        return { ok: true, topology: remembered.topology, bundledId: null };
      return library.load(DEFAULT_TOPOLOGY_ID);
    },

    async remember(id, topology) {
      // Remembered by id only while it is the bundled topology unchanged: an edited one (a link's
      // bandwidth, a tier's device) is kept whole, whatever id the page still calls it by.
      const bundled = id !== null && bundledIds().includes(id) ? await library.load(id) : null;
      const unchanged = bundled?.ok === true && isDeepStrictEqual(bundled.topology, topology);
      const value = { version: 1, id: unchanged ? id : null, topology };
      await writeFileAtomic(lastFile, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
    },
  };
  return library;
}

async function readLast(file: string): Promise<z.output<typeof lastTopologySchema> | null> {
  try {
    const parsed = lastTopologySchema.safeParse(JSON.parse(await fs.readFile(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    // Missing or corrupt: the default topology it is.
    return null;
  }
}

export function topologyInfo(id: string, topology: Topology): TopologyInfo {
  return {
    id,
    name: topology.spec.name,
    description: topology.spec.description ?? '',
    tiers: topology.tiers.map((tier) => ({ name: tier.name, deviceName: tier.device.name })),
    links: topology.hops.map((hop) => hop.name),
  };
}
