/** Project files as the studio saves them, for the tests that open, save or pass one on. */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ProjectFile, ProjectModelRef } from '../../core/project/types.js';

/** How a project names the model file at `file`: its name, its path and the SHA-256 of its bytes. */
export function modelRefOf(file: string): ProjectModelRef {
  const sha256 = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  return { fileName: path.basename(file), path: file, sha256 };
}

/**
 * A version 2 project of `model` on the bundled n2-wifi-i7 topology with nothing placed, pinned
 * or bound, unless `fields` says otherwise; a test states only what it is about.
 */
export function projectOf(
  model: ProjectModelRef,
  fields: Partial<Omit<ProjectFile, 'model'>> = {},
): ProjectFile {
  return {
    format: 'cutline-project',
    version: 2,
    model,
    inputs: {},
    topology: { kind: 'bundled', id: 'n2-wifi-i7' },
    placement: {},
    pins: [],
    objective: 'latency',
    constraints: [],
    view: { expanded: [], selected: null, metric: 'macs' },
    ...fields,
  };
}

/** Writes `project` to `file` as JSON and returns `file`. */
export function writeProject(file: string, project: ProjectFile): string {
  fs.writeFileSync(file, JSON.stringify(project));
  return file;
}
