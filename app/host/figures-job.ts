/**
 * The `figures` job: the studio's design written as Google Model Explorer node-data files by
 * `cutline figures --project` (the same files the command line writes), with the command that
 * opens them. process-jobs.ts runs it, as it runs an export.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FiguresArgs, FiguresResult } from '../shared/studio-api.js';
import { exportProject, lastJson, type ProcessJobPlan, type SessionModel } from './process-job-kinds.js';

interface FiguresJson {
  files?: unknown;
  command?: unknown;
}

/** A listed file as the page takes it; null for any other shape (another build's command). */
function listedFile(value: unknown): FiguresResult['files'][number] | null {
  if (typeof value !== 'object' || value === null) return null;
  const { figure, title, nodes, path: file } = value as Record<string, unknown>;
  if (typeof figure !== 'string' || typeof title !== 'string' || typeof file !== 'string') return null;
  if (typeof nodes !== 'number') return null;
  return { figure, title, nodes, path: file };
}

export function figuresPlan(model: SessionModel, args: FiguresArgs): ProcessJobPlan<'figures'> {
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-job-'));
  const projectPath = path.join(tempDir, 'design.cutline.json');
  fs.writeFileSync(projectPath, JSON.stringify(exportProject(model, args)));
  return {
    argv: ['figures', '--project', projectPath, '--out', args.outDir, '--json'],
    tempDir,
    startMessage: 'Reading the model and the design',
    stageFraction: () => null,
    stdoutLine: () => undefined,
    result(stdout): FiguresResult | null {
      const json = lastJson(stdout) as FiguresJson | null;
      if (!json || !Array.isArray(json.files)) return null;
      const files = json.files.map(listedFile);
      if (files.some((f) => f === null)) return null;
      const command = typeof json.command === 'string' ? json.command : null;
      return { files: files.filter((f) => f !== null), command };
    },
    wording: (message) => message.replace(/--out/g, 'folder'),
  };
}
