/**
 * The autosaved design: the renderer sends its unsaved design about a second after each edit and
 * the host keeps it in one file of the config folder, replaced atomically, so a crash or a killed
 * host (SIGKILL included) leaves either the previous autosave or the new one, never half a file.
 * `null` (saved, or discarded) deletes it. Read back it is checked like any project file.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { parseProject } from '../../core/project/parse.js';
import { hostPathSchema } from '../../core/project/schema.js';
import type { RecoveredDesign } from '../shared/studio-api.js';
import { writeFileAtomic } from './atomic-file.js';

export const AUTOSAVE_FILE = 'autosave.json';

export interface AutosaveStore {
  write(design: RecoveredDesign | null): Promise<void>;
  /** The autosaved design, or null when there is none or it is unreadable. */
  read(): Promise<RecoveredDesign | null>;
  /** Resolves once every write asked for so far has landed (the host waits for it on close). */
  idle(): Promise<void>;
}

const autosaveSchema = z.strictObject({
  version: z.literal(1),
  design: z.strictObject({
    project: z.unknown(),
    projectPath: hostPathSchema.nullable(),
    savedAt: z.iso.datetime(),
  }),
});

export function createAutosaveStore(configDir: string): AutosaveStore {
  const file = path.join(configDir, AUTOSAVE_FILE);
  // Writes run one after another, so a late write cannot land after a later delete.
  let queue: Promise<unknown> = Promise.resolve();
  const enqueue = (change: () => Promise<void>): Promise<void> => {
    const next = queue.then(change);
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    write(design) {
      return enqueue(async () => {
        if (design === null) await fs.rm(file, { force: true });
        else await writeFileAtomic(file, JSON.stringify({ version: 1, design }), { mode: 0o600 });
      });
    },
    async idle() {
      await queue;
    },
    async read() {
      await queue;
      let value: unknown;
      try {
        value = JSON.parse(await fs.readFile(file, 'utf8'));
      } catch {
        return null;
      }
      const checked = autosaveSchema.safeParse(value);
      if (!checked.success) return null;
      const project = parseProject(checked.data.design.project);
      if (!project.ok) return null;
      const { projectPath, savedAt } = checked.data.design;
      return { project: project.project, projectPath, savedAt };
    },
  };
}
