/**
 * The recent-files list: newest first, at most RECENT_LIMIT entries, one per path, persisted as
 * JSON in the config folder and replaced atomically on every change. A missing or corrupt file
 * reads as an empty list rather than stopping the studio.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { RecentFile } from '../shared/studio-api.js';
import { hostPathSchema, fileNameSchema } from '../shared/studio-validate.js';
import { writeFileAtomic } from './atomic-file.js';

export const RECENT_LIMIT = 10;

const recentFileSchema = z.object({
  version: z.literal(1),
  files: z.array(
    z.object({
      // Lists written before projects were listed hold models only.
      kind: z.enum(['model', 'project']).default('model'),
      path: hostPathSchema,
      fileName: fileNameSchema,
      openedAt: z.iso.datetime(),
    }),
  ),
});

export interface RecentFiles {
  list(): Promise<readonly RecentFile[]>;
  /** Puts `filePath` (absolute) first, dropping its older entry and anything past the limit. */
  add(filePath: string, kind: RecentFile['kind'], openedAt?: Date): Promise<readonly RecentFile[]>;
  includes(filePath: string, kind: RecentFile['kind']): Promise<boolean>;
}

export function createRecentFiles(listFile: string): RecentFiles {
  let loaded: Promise<readonly RecentFile[]> | undefined;
  // Changes run one after another so two quick opens cannot write interleaved lists.
  let queue: Promise<unknown> = Promise.resolve();

  const current = (): Promise<readonly RecentFile[]> => (loaded ??= readList(listFile));

  return {
    list: current,
    async includes(filePath, kind) {
      return (await current()).some((entry) => entry.path === filePath && entry.kind === kind);
    },
    add(filePath, kind, openedAt = new Date()) {
      const change = queue.then(async () => {
        const entry: RecentFile = {
          kind,
          path: filePath,
          fileName: path.basename(filePath),
          openedAt: openedAt.toISOString(),
        };
        const next = [entry, ...(await current()).filter((e) => e.path !== filePath)].slice(0, RECENT_LIMIT);
        await writeFileAtomic(listFile, `${JSON.stringify({ version: 1, files: next }, null, 2)}\n`, {
          mode: 0o600,
        });
        loaded = Promise.resolve(next);
        return next;
      });
      queue = change.catch(() => undefined);
      return change;
    },
  };
}

async function readList(listFile: string): Promise<readonly RecentFile[]> {
  let text: string;
  try {
    text = await fs.readFile(listFile, 'utf8');
  } catch {
    return [];
  }
  try {
    const parsed = recentFileSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.files.slice(0, RECENT_LIMIT) : [];
  } catch {
    return [];
  }
}
