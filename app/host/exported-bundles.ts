/**
 * The bundle folders this studio exported: the only ones its harness job runs (a harness starts a
 * process per tier from the folder's code, so the host must not run a folder a page merely names).
 * Kept in the config folder so an export from an earlier run of the studio can still be run after
 * a restart; newest first, at most EXPORTED_BUNDLES_LIMIT, a folder whose manifest is gone
 * forgotten. A missing or corrupt list reads as empty (those bundles are refused until exported
 * again) rather than stopping the studio.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { hostPathSchema } from '../../core/project/schema.js';
import { writeFileAtomic } from './atomic-file.js';

export const EXPORTED_BUNDLES_FILE = 'exported-bundles.json';
export const EXPORTED_BUNDLES_LIMIT = 50;

const listSchema = z.object({
  version: z.literal(1),
  bundles: z.array(z.object({ dir: hostPathSchema, exportedAt: z.iso.datetime() })),
});

type Entry = z.infer<typeof listSchema>['bundles'][number];

export interface ExportedBundles {
  /** Whether `dir` was exported by this studio and still holds its manifest. */
  has(dir: string): boolean;
  /** Remembers `dir` (first, replacing an older entry); resolves once the list is on disk. */
  add(dir: string, exportedAt?: Date): Promise<void>;
  /** Resolves once every change so far is on disk. */
  flush(): Promise<void>;
}

const hasManifest = (dir: string): boolean => fs.existsSync(path.join(dir, 'manifest.json'));

/**
 * The list kept in `listFile`, or only in memory (for this run of the host) when it is null.
 * Read once, synchronously: the harness's check runs when a job is started, which answers at once.
 */
export function createExportedBundles(listFile: string | null): ExportedBundles {
  let entries: readonly Entry[] = listFile === null ? [] : readList(listFile);
  // Writes run one after another so two quick exports cannot write interleaved lists.
  let queue: Promise<unknown> = Promise.resolve();

  function save(): Promise<void> {
    if (listFile === null) return Promise.resolve();
    const change = queue.then(() =>
      writeFileAtomic(listFile, `${JSON.stringify({ version: 1, bundles: entries }, null, 2)}\n`, {
        mode: 0o600,
      }),
    );
    // A failed write leaves the older list on disk; this run still knows the bundle.
    queue = change.catch(() => undefined);
    return change;
  }

  return {
    has(dir) {
      const resolved = path.resolve(dir);
      if (!entries.some((e) => e.dir === resolved)) return false;
      if (hasManifest(resolved)) return true;
      entries = entries.filter((e) => e.dir !== resolved);
      void save().catch(() => undefined);
      return false;
    },
    add(dir, exportedAt = new Date()) {
      const resolved = path.resolve(dir);
      entries = [
        { dir: resolved, exportedAt: exportedAt.toISOString() },
        ...entries.filter((e) => e.dir !== resolved),
      ].slice(0, EXPORTED_BUNDLES_LIMIT);
      return save();
    },
    flush: () => queue.then(() => undefined),
  };
}

function readList(listFile: string): readonly Entry[] {
  let text: string;
  try {
    text = fs.readFileSync(listFile, 'utf8');
  } catch {
    return [];
  }
  try {
    const parsed = listSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return [];
    // Only absolute paths are ours (the list is written resolved); folders deleted since are dropped.
    return parsed.data.bundles
      .filter((e) => path.isAbsolute(e.dir) && hasManifest(e.dir))
      .slice(0, EXPORTED_BUNDLES_LIMIT);
  } catch {
    return [];
  }
}
