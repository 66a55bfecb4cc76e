/**
 * The web host stores each saved project in its config folder (the page cannot choose a place):
 * two different models that share a file name (two `model.onnx` from different folders) must
 * not save over each other's design. Real web host over HTTP, real samples.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLES_DIR } from '../app/host/sample-catalog.js';
import type { ProjectFile } from '../app/shared/studio-api.js';
import { webHostHarness } from './support/studio-host-fixtures.js';

let dir: string;
const hosts = webHostHarness(() => dir);
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-web-names-'));
});
afterAll(async () => {
  await hosts.stopAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function projectOf(sample: string, placement: ProjectFile['placement']): ProjectFile {
  return {
    format: 'cutline-project',
    version: 2,
    // The same name, as a page that was given two different model.onnx files sends it.
    model: { fileName: 'model.onnx', path: null, sha256: sha256(path.join(SAMPLES_DIR, sample)) },
    inputs: {},
    topology: { kind: 'bundled', id: 'pi4-wifi-edge-wan-cloud' },
    placement,
    pins: [],
    objective: 'latency',
    constraints: [],
    view: { expanded: [], selected: null, metric: 'macs' },
  };
}

describe('projects saved by the web host', () => {
  it('keeps the design of each model apart when two models share a file name', async () => {
    const { client } = await hosts.start();
    const resnet = projectOf('resnet-mini.onnx', {});
    const encoder = projectOf('transformer-encoder.onnx', {});
    const first = await client.saveProject(resnet, { saveAs: false });
    const second = await client.saveProject(encoder, { saveAs: false });
    if (!first.ok || !second.ok) throw new Error('a save failed');
    expect(second.path).not.toBe(first.path);
    expect(JSON.parse(fs.readFileSync(first.path, 'utf8'))).toEqual(resnet);
    expect(JSON.parse(fs.readFileSync(second.path, 'utf8'))).toEqual(encoder);
    // Save again of the same model (its design edited) goes to the same file.
    const edited = { ...resnet, objective: 'energy' };
    expect(await client.saveProject(edited, { saveAs: false })).toEqual({ ok: true, path: first.path });
    expect(path.basename(first.path)).toMatch(/^model-[0-9a-f]{12}\.cutline\.json$/);
  });

  it('saves the project of a model whose name is as long as a file name may be', async () => {
    const { client } = await hosts.start();
    const project = projectOf('resnet-mini.onnx', {});
    const long = { ...project, model: { ...project.model, fileName: `${'m'.repeat(250)}.onnx` } };
    const saved = await client.saveProject(long, { saveAs: false });
    if (!saved.ok) throw new Error(saved.error.message);
    expect(JSON.parse(fs.readFileSync(saved.path, 'utf8'))).toEqual(long);
  });
});
