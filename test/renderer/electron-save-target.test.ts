/**
 * Save (not Save As) in Electron writes back to the project file the design came from. A design
 * that has no file yet (a model opened on its own, a recovered design) must ask where to go,
 * even when another project of the same model was opened or saved earlier in the session:
 * otherwise Ctrl+S silently overwrites that other project. The page's real save action against
 * Electron's real method table and a real host (dialogs answered by the test).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudioHost, type StudioHost } from '../../app/host/studio-host.js';
import { runStudioMethod, type ElectronMethodContext } from '../../app/main/ipc-methods.js';
import { rememberHostInfo, setStudioApi } from '../../app/renderer/api/studio-api.js';
import { saveProject } from '../../app/renderer/actions/save-project.js';
import { NO_PLACEMENT } from '../../app/renderer/store/design-slice.js';
import { useStudio } from '../../app/renderer/store/store.js';
import type { StudioApi, StudioMethod } from '../../app/shared/studio-api.js';
import { loadTopology } from '../../core/profiles/load.js';
import { startDesignOf } from './support/open-design.js';

let dir: string;
let host: StudioHost;
const asked: string[] = [];
let context: ElectronMethodContext;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-save-target-'));
  host = createStudioHost({ configDir: path.join(dir, 'config') });
  context = {
    host,
    dialogs: {
      chooseModel: async () => null,
      chooseProject: async () => null,
      chooseTopology: async () => null,
      chooseExportDir: async () => null,
      chooseProjectPath: async (defaultPath) => {
        asked.push(defaultPath);
        return path.join(dir, `chosen-${asked.length}.cutline.json`);
      },
    },
    documentsDir: dir,
    savedProjects: new Map(),
    afterOpen: () => undefined,
    setDirty: () => undefined,
  };
  // The page's StudioApi as Electron's preload gives it: each method is one IPC request.
  const api = new Proxy({} as StudioApi, {
    get:
      (_target, method: string) =>
      (...args: unknown[]) =>
        runStudioMethod(method as StudioMethod, args, context),
  });
  setStudioApi(api);
  rememberHostInfo({ kind: 'electron', version: 'test', platform: process.platform, nativeDialogs: true });
});
afterAll(async () => {
  await host.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('Save in Electron', () => {
  it('asks where a design without a file goes, and leaves the other project of its model alone', async () => {
    const topology = loadTopology('pi4-wifi-edge-wan-cloud');
    const opened = await host.openSample('resnet-mini');
    if (!opened.ok) throw new Error(opened.error.message);
    const [first, second] = opened.model.view.layers.filter((l) => l.within === undefined);

    // A design of the sample saved as project A (the dialog is asked once).
    startDesignOf(opened.model, topology, { [first!.id]: 'edge' });
    expect(await saveProject(false)).toBe(true);
    const projectA = path.join(dir, 'chosen-1.cutline.json');
    const savedA = fs.readFileSync(projectA, 'utf8');
    expect(useStudio.getState().projectPath).toBe(projectA);

    // The same model opened again on its own: a new design, with no file yet.
    const again = await host.openSample('resnet-mini');
    if (!again.ok) throw new Error(again.error.message);
    // As design/sync.ts starts a model opened without a project: the last topology, no file.
    startDesignOf(again.model, topology);
    expect(useStudio.getState().design?.placement).toEqual(NO_PLACEMENT);
    useStudio.getState().moveLayers([second!.id], 'cloud');

    expect(await saveProject(false)).toBe(true);
    expect(asked).toHaveLength(2);
    expect(fs.readFileSync(projectA, 'utf8')).toBe(savedA);
    expect(useStudio.getState().projectPath).toBe(path.join(dir, 'chosen-2.cutline.json'));
  });
});
