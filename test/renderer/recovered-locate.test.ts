/**
 * A recovered design was never saved: when its model has to be located first (a design made on
 * an uploaded model has no path, so the web host can never find it by itself), the design the
 * user gets back must still count as unsaved, or opening another model over it asks nothing and
 * its next edit overwrites the autosave. Real web host, real page actions and store.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setStudioApi } from '../../app/renderer/api/studio-api.js';
import { locateModelFile } from '../../app/renderer/actions/open-project.js';
import { recoverDesign } from '../../app/renderer/actions/recovery.js';
import { selectDirty } from '../../app/renderer/store/design-slice.js';
import { useStudio } from '../../app/renderer/store/store.js';
import type { ProjectFile } from '../../app/shared/studio-api.js';
import { webHostHarness } from '../support/studio-host-fixtures.js';

const MODEL = path.resolve('samples/resnet-mini.onnx');

let dir: string;
const hosts = webHostHarness(() => dir);
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-recovered-locate-'));
});
afterEach(() => hosts.stopAll());
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('a recovered design whose model is located', () => {
  it('comes back unsaved, with its placement', async () => {
    const { client } = await hosts.start();
    setStudioApi(client);
    const bytes = fs.readFileSync(MODEL);
    const opened = await client.openBytes('resnet-mini.onnx', new Uint8Array(bytes));
    if (!opened.ok) throw new Error(opened.error.message);
    const layer = opened.model.view.layers.find((l) => l.within === undefined)!.id;
    await client.closeSession(opened.model.sessionId);
    const project: ProjectFile = {
      format: 'cutline-project',
      version: 2,
      model: {
        fileName: 'resnet-mini.onnx',
        path: null,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      },
      inputs: {},
      topology: { kind: 'bundled', id: 'pi4-wifi-edge-wan-cloud' },
      placement: { [layer]: 'edge' },
      pins: [],
      objective: 'latency',
      constraints: [],
      view: { expanded: [], selected: null, metric: 'macs' },
    };
    await client.autosave({ project, projectPath: null, savedAt: new Date().toISOString() });

    await recoverDesign();
    expect(useStudio.getState().projectProblem?.error.code).toBe('MODEL_MISSING');
    await locateModelFile(new File([bytes], 'resnet-mini.onnx'));

    const state = useStudio.getState();
    expect(state.projectProblem).toBeNull();
    expect(state.design?.placement).toEqual({ [layer]: 'edge' });
    expect(selectDirty(state)).toBe(true);
  });
});
