/**
 * Topologies, projects, autosave and recovery in the host: the bundled library, topology files
 * with errors named as the CLI names them, projects that open their model by path and SHA-256
 * (missing, changed, corrupt, unknown version, version 1 migrated), and an autosaved design
 * offered back and reopened. Real files, real workers, real sample models.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAMPLES_DIR } from '../app/host/sample-catalog.js';
import type { ProjectFile, ProjectOpenResult, RecoveredDesign } from '../app/shared/studio-api.js';
import { analyzeFile } from '../core/analyze.js';
import { bundledProfileRefs } from '../core/profiles/library.js';
import { loadTopology } from '../core/profiles/load.js';
import { DEFAULT_TOPOLOGY_ID } from '../core/project/types.js';
import { modelRefOf, projectOf, writeProject } from './support/project-files.js';
import { studioHostHarness } from './support/studio-host-fixtures.js';

const { dir, newHost } = studioHostHarness('cutline-projects-');

const TRANSFORMER = path.join(SAMPLES_DIR, 'transformer-encoder.onnx');
const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** A copy of the transformer sample in its own folder, and a v2 project naming it with a binding. */
function projectOnDisk(name: string): { modelPath: string; projectPath: string; project: ProjectFile } {
  const folder = fs.mkdtempSync(path.join(dir, `${name}-`));
  const modelPath = path.join(folder, 'encoder.onnx');
  fs.copyFileSync(TRANSFORMER, modelPath);
  const project = projectOf(modelRefOf(modelPath), { inputs: { input_ids: '1x32' } });
  const projectPath = writeProject(path.join(folder, 'encoder.cutline.json'), project);
  return { modelPath, projectPath, project };
}

function expectProjectFailure(
  result: ProjectOpenResult,
  code: string,
): Extract<ProjectOpenResult, { ok: false }> {
  if (result.ok) throw new Error(`expected ${code}, got an opened project`);
  expect(result.error.code).toBe(code);
  return result;
}

describe('topologies', () => {
  it('lists every bundled topology with its tiers and links, and loads one by id', async () => {
    const host = newHost();
    const list = await host.topologies.list();
    expect(list.map((t) => t.id)).toEqual(bundledProfileRefs('topology').map((ref) => ref.id));
    const pi4 = list.find((t) => t.id === 'pi4-wifi-edge-wan-cloud')!;
    expect(pi4.tiers.map((t) => t.name)).toEqual(['device', 'edge', 'cloud']);
    expect(pi4.tiers[0]!.deviceName).toBe(loadTopology('pi4-wifi-edge-wan-cloud').tiers[0]!.device.name);
    expect(pi4.links).toHaveLength(2);
    expect(await host.topologies.load('n2-wifi-i7')).toEqual({
      ok: true,
      topology: loadTopology('n2-wifi-i7'),
      bundledId: 'n2-wifi-i7',
    });
    expect(await host.topologies.load('no-such-topology')).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: expect.stringContaining('n2-wifi-i7') },
    });
  });

  it('lists every bundled device and link profile', async () => {
    const profiles = await newHost().topologies.profiles();
    expect(profiles.devices.map((d) => d.id)).toEqual(bundledProfileRefs('device').map((ref) => ref.id));
    expect(profiles.links.map((l) => l.id)).toEqual(bundledProfileRefs('link').map((ref) => ref.id));
  });

  it('parses an uploaded topology of bundled ids, and names the file and field of every error', async () => {
    const host = newHost();
    const spec = {
      id: 'my-split',
      name: 'My split',
      tiers: [
        { name: 'device', device: 'raspberry-pi-4' },
        { name: 'edge', device: 'odroid-n2' },
      ],
      links: [{ from: 'device', to: 'edge', link: 'wifi-16m' }],
    };
    const parsed = await host.topologies.parse('mine.json', JSON.stringify(spec));
    if (!parsed.ok) throw new Error(parsed.error.message);
    expect(parsed.bundledId).toBeNull();
    expect(parsed.topology.tiers.map((t) => t.device.id)).toEqual(['raspberry-pi-4', 'odroid-n2']);

    const withPath = {
      ...spec,
      tiers: [spec.tiers[0], { name: 'edge', device: '../devices/odroid-n2.json' }],
    };
    expect(await host.topologies.parse('mine.json', JSON.stringify(withPath))).toMatchObject({
      ok: false,
      error: {
        code: 'BAD_TOPOLOGY',
        message: expect.stringMatching(
          /^mine\.json: tiers\[1\]\.device names the file "\.\.\/devices\/odroid-n2\.json"/,
        ),
      },
    });
    const badField = { ...spec, tiers: [{ name: 'device', device: 'raspberry-pi-4', precision: 'fp64' }] };
    const refused = await host.topologies.parse('bad.json', JSON.stringify({ ...badField, links: [] }));
    expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_TOPOLOGY' } });
    if (!refused.ok) expect(refused.error.message).toMatch(/^bad\.json: tiers\[0\]\.precision /);
    const unknownDevice = { ...spec, tiers: [spec.tiers[0], { name: 'edge', device: 'no-such-board' }] };
    const missing = await host.topologies.parse('mine.json', JSON.stringify(unknownDevice));
    expect(missing).toMatchObject({ ok: false, error: { code: 'PROFILE_NOT_FOUND' } });
    if (!missing.ok) expect(missing.error.message).toContain('named by tiers[1].device in mine.json');
    const corrupt = await host.topologies.parse('broken.json', '{"id": "x",');
    expect(corrupt).toMatchObject({ ok: false, error: { code: 'BAD_TOPOLOGY' } });
    if (!corrupt.ok) expect(corrupt.error.message).toMatch(/^broken\.json is not valid JSON: .* at line 1/);
  });

  it('loads a topology file from disk as the CLI does, with profiles beside it', async () => {
    const folder = fs.mkdtempSync(path.join(dir, 'topo-'));
    fs.copyFileSync(
      bundledProfileRefs('device').find((ref) => ref.id === 'odroid-n2')!.path,
      path.join(folder, 'board.json'),
    );
    const file = path.join(folder, 'custom.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        id: 'custom',
        name: 'Custom',
        tiers: [
          { name: 'device', device: 'raspberry-pi-4' },
          { name: 'edge', device: './board.json' },
        ],
        links: [{ from: 'device', to: 'edge', link: 'ethernet-100m' }],
      }),
    );
    const loaded = await newHost().topologies.loadFile(file);
    expect(loaded).toMatchObject({ ok: true, bundledId: null });
    if (loaded.ok) expect(loaded.topology.tiers[1]!.device.id).toBe('odroid-n2');
  });

  it('remembers the last topology: the default first, then a bundled id, then a custom one whole', async () => {
    const configDir = fs.mkdtempSync(path.join(dir, 'config-'));
    const host = newHost({ configDir });
    expect(await host.topologies.last()).toMatchObject({ ok: true, bundledId: DEFAULT_TOPOLOGY_ID });
    await host.topologies.remember('nano-5g-cloud', loadTopology('nano-5g-cloud'));
    expect(await newHost({ configDir }).topologies.last()).toMatchObject({
      ok: true,
      bundledId: 'nano-5g-cloud',
    });
    const bundled = loadTopology('n2-wifi-i7');
    const edited = { ...bundled, hops: [{ ...bundled.hops[0]!, uplinkMbps: 3.5 }] };
    await host.topologies.remember(null, edited);
    expect(await newHost({ configDir }).topologies.last()).toEqual({
      ok: true,
      topology: edited,
      bundledId: null,
    });
    // Still called by its bundled id, but edited: kept whole.
    await host.topologies.remember('n2-wifi-i7', edited);
    expect(await newHost({ configDir }).topologies.last()).toEqual({
      ok: true,
      topology: edited,
      bundledId: null,
    });
    // A bundled topology that went through JSON (as from the page) is still remembered by id.
    await host.topologies.remember('n2-wifi-i7', JSON.parse(JSON.stringify(bundled)) as typeof bundled);
    expect(await newHost({ configDir }).topologies.last()).toMatchObject({
      ok: true,
      bundledId: 'n2-wifi-i7',
    });
    fs.writeFileSync(path.join(configDir, 'topology.json'), '{"version": 1, "id": null, "topology": 7}');
    expect(await newHost({ configDir }).topologies.last()).toMatchObject({ bundledId: DEFAULT_TOPOLOGY_ID });
  });
});

describe('projects', () => {
  it('opens a project: its model with its bindings, its file in the recent list', async () => {
    const { projectPath, project, modelPath } = projectOnDisk('ok');
    const host = newHost();
    const result = await host.openProjectPath(projectPath, 'dialog');
    if (!result.ok) throw new Error(result.error.message);
    expect(result.project).toEqual(project);
    expect(result.projectPath).toBe(projectPath);
    expect(result.model.inputs).toEqual({ input_ids: '1x32' });
    expect(result.model.view.summary.totals.macs).toBe(
      analyzeFile(modelPath, { inputShapes: { input_ids: [1, 32] } }).totals.macs,
    );
    const recent = await host.listRecent();
    expect(recent.map((r) => [r.kind, r.path])).toEqual([
      ['project', projectPath],
      ['model', modelPath],
    ]);
    // From the recent list later, and not before it was chosen.
    expect(
      (
        await newHost({ configDir: path.dirname(path.dirname(projectPath)) }).openProjectPath(
          projectPath,
          'recent',
        )
      ).ok,
    ).toBe(false);
    expect((await host.openProjectPath(projectPath, 'recent')).ok).toBe(true);
  });

  it('says MODEL_MISSING, with the project, when the model is not where the project says', async () => {
    const { projectPath, modelPath } = projectOnDisk('missing');
    fs.rmSync(modelPath);
    const result = expectProjectFailure(
      await newHost().openProjectPath(projectPath, 'dialog'),
      'MODEL_MISSING',
    );
    expect(result.error.message).toContain(modelPath);
    expect(result.error.message).toContain('Locate the model');
    expect(result.project?.model.path).toBe(modelPath);
    expect(result.projectPath).toBe(projectPath);
  });

  it('says MODEL_CHANGED, with the project, when the model file has other bytes', async () => {
    const { projectPath, modelPath } = projectOnDisk('changed');
    fs.copyFileSync(path.join(SAMPLES_DIR, 'resnet-mini.onnx'), modelPath);
    const result = expectProjectFailure(
      await newHost().openProjectPath(projectPath, 'dialog'),
      'MODEL_CHANGED',
    );
    expect(result.error.message).toContain(modelPath);
    expect(result.error.message).toContain('Locate the model');
    expect(result.project).toBeDefined();
  });

  it('refuses corrupt and unknown-version project files in one line naming the problem', async () => {
    const host = newHost();
    const corrupt = expectProjectFailure(
      await host.openProjectText('p.json', '{"format": "cutline-pro'),
      'BAD_PROJECT',
    );
    expect(corrupt.error.message).toMatch(/^p\.json is not a project file: its JSON is corrupt/);
    expect(corrupt.project).toBeUndefined();
    const future = { ...projectOnDisk('future').project, version: 9 };
    const newer = expectProjectFailure(
      await host.openProjectText('f.json', JSON.stringify(future)),
      'BAD_PROJECT',
    );
    expect(newer.error.message).toBe(
      'f.json: project.version: version 9 is newer than this Cutline reads (1–2): update Cutline',
    );
    expect(newer.error.message).not.toContain('\n');
  });

  it('opens a version 1 project migrated to version 2', async () => {
    const { modelPath } = projectOnDisk('v1');
    const v1 = {
      format: 'cutline-project',
      version: 1,
      model: { fileName: 'encoder.onnx', path: modelPath, sha256: sha256(modelPath) },
      placement: {},
    };
    const result = await newHost().openProjectText('old.json', JSON.stringify(v1));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.project).toMatchObject({
      version: 2,
      topology: { kind: 'bundled', id: DEFAULT_TOPOLOGY_ID },
      inputs: {},
      pins: [],
    });
    expect(result.projectPath).toBeNull();
  });

  it('never reads a file a crafted project names unless it is a .onnx file with the named SHA-256', async () => {
    const secret = path.join(dir, 'secret.txt');
    fs.writeFileSync(secret, 'not for the page');
    const { project } = projectOnDisk('crafted');
    const host = newHost();
    const named = { ...project, model: { ...project.model, path: secret, sha256: sha256(secret) } };
    const refused = expectProjectFailure(
      await host.openProjectText('c.json', JSON.stringify(named)),
      'MODEL_MISSING',
    );
    expect(refused.error.message).toContain('not a .onnx file');
    const otherOnnx = {
      ...project,
      model: { ...project.model, path: path.join(SAMPLES_DIR, 'resnet-mini.onnx') },
    };
    expectProjectFailure(await host.openProjectText('c.json', JSON.stringify(otherOnnx)), 'MODEL_CHANGED');
    expect(await host.listRecent()).toEqual([]);
  });

  it('saves a project where it is told and lists it, so it reopens after a restart', async () => {
    const configDir = fs.mkdtempSync(path.join(dir, 'config-'));
    const { project } = projectOnDisk('save');
    const file = path.join(dir, 'saved', 'design.cutline.json');
    expect(await newHost({ configDir }).saveProject(file, project)).toEqual({ ok: true, path: file });
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(project);
    const reopened = await newHost({ configDir }).openProjectPath(file, 'recent');
    expect(reopened).toMatchObject({ ok: true, project, projectPath: file });
  });
});

describe('autosave and recovery', () => {
  it('keeps the unsaved design, offers it back validated, opens it, and forgets it on null', async () => {
    const configDir = fs.mkdtempSync(path.join(dir, 'config-'));
    const { project } = projectOnDisk('autosave');
    const design: RecoveredDesign = {
      project: { ...project, placement: { '/encoder/layer0/attention/MatMul': 'edge' } },
      projectPath: null,
      savedAt: new Date().toISOString(),
    };
    const first = newHost({ configDir });
    expect(await first.recovery()).toBeNull();
    await first.autosave(design);
    await first.close();

    const second = newHost({ configDir });
    expect(await second.recovery()).toEqual(design);
    const opened = await second.openRecovery();
    if (!opened.ok) throw new Error(opened.error.message);
    expect(opened.project).toEqual(design.project);
    expect(opened.projectPath).toBeNull();
    expect(opened.model.inputs).toEqual(project.inputs);
    await second.autosave(null);
    expect(await second.recovery()).toBeNull();
    expect(await second.openRecovery()).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('ignores an autosave file that is corrupt', async () => {
    const configDir = fs.mkdtempSync(path.join(dir, 'config-'));
    fs.writeFileSync(path.join(configDir, 'autosave.json'), '{"version":1,"design":{"project":{}');
    expect(await newHost({ configDir }).recovery()).toBeNull();
  });
});
