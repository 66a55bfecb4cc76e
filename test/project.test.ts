/** Project files: parsing v2, migrating v1, refusing what is corrupt or unknown, inline topologies. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCutlineError } from '../core/errors.js';
import { problemFromSource } from '../core/partition/build-problem.js';
import { partitionSource } from '../core/partition/source.js';
import { analyzeFile } from '../core/analyze.js';
import { loadTopology } from '../core/profiles/load.js';
import type { Topology } from '../core/profiles/types.js';
import {
  MAX_LAYER_ID_CHARS,
  MAX_PLACED_LAYERS,
  migrateV1,
  parseProject,
  parseProjectText,
} from '../core/project/parse.js';
import { projectPlacement } from '../core/project/placement.js';
import { readProjectFile } from '../core/project/read.js';
import { projectTopology } from '../core/project/topology.js';
import type { ProjectFile, ProjectFileV1 } from '../core/project/types.js';

const SHA = 'ab'.repeat(32);
const v2: ProjectFile = {
  format: 'cutline-project',
  version: 2,
  model: { fileName: 'det.onnx', path: '/models/det.onnx', sha256: SHA },
  inputs: { x: '1x3x640x640' },
  topology: { kind: 'bundled', id: 'pi4-wifi-edge-wan-cloud' },
  placement: { conv1: 'edge', 'head/conv': 'cloud' },
  pins: ['conv1'],
  objective: 'weighted:1,0.5',
  constraints: ['raw-input-on-device', 'memory:edge=2GB'],
  view: { expanded: ['backbone'], selected: 'conv1', metric: 'latency' },
};
const v1: ProjectFileV1 = {
  format: 'cutline-project',
  version: 1,
  model: { fileName: 'det.onnx', path: null, sha256: SHA },
  placement: { conv1: 'cloud' },
};

/** The message parseProject gives `value`, failing the test when it is accepted. */
function refusal(value: unknown): string {
  const result = parseProject(value);
  if (result.ok) throw new Error('accepted');
  return result.message;
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('parseProject', () => {
  it('reads a version 2 project as it was written', () => {
    const result = parseProject(clone(v2));
    expect(result).toEqual({ ok: true, project: v2, migratedFrom: null });
  });

  it('migrates version 1 with the defaults of version 2', () => {
    const result = parseProject(clone(v1));
    expect(result.ok && result.migratedFrom).toBe(1);
    expect(result.ok && result.project).toEqual({
      format: 'cutline-project',
      version: 2,
      model: v1.model,
      inputs: {},
      topology: { kind: 'bundled', id: 'pi4-wifi-edge-wan-cloud' },
      placement: { conv1: 'cloud' },
      pins: [],
      objective: 'latency',
      constraints: [],
      view: { expanded: [], selected: null, metric: 'macs' },
    });
    expect(migrateV1(v1)).toEqual(result.ok && result.project);
    // What migration yields is itself a valid version 2 project.
    expect(parseProject(clone(migrateV1(v1))).ok).toBe(true);
  });

  it('names the field that is wrong', () => {
    expect(refusal({ ...v2, placement: { conv1: 'gpu' } })).toBe(
      'project.placement["conv1"]: must be one of "device", "edge", "cloud", got "gpu"',
    );
    expect(refusal({ ...v2, model: { ...v2.model, sha256: 'xyz' } })).toMatch(
      /^project\.model\.sha256: not a SHA-256 digest in lower-case hex/,
    );
    expect(refusal({ ...v2, inputs: { x: '1x3x6.4x640' } })).toMatch(
      /^project\.inputs\["x"\]: .*dimension "6\.4" is neither a size nor a symbol/,
    );
    expect(refusal({ ...v2, objective: 'fastest' })).toMatch(/^project\.objective: must be latency, energy/);
    expect(refusal({ ...v2, extra: 1 })).toBe(
      'project.extra: is not a known field (check its spelling against the JSON Schema)',
    );
    const withoutPins = clone(v2) as unknown as Record<string, unknown>;
    delete withoutPins.pins;
    expect(refusal(withoutPins)).toBe('project.pins: is required (a list)');
    expect(refusal({ ...v2, topology: { kind: 'bundled', id: '../../etc/passwd' } })).toMatch(
      /^project\.topology\.id: must be a bundled topology id/,
    );
  });

  it('refuses versions it does not know and files that are not projects', () => {
    expect(refusal({ ...v2, version: 3 })).toBe(
      'project.version: version 3 is newer than this Cutline reads (1–2): update Cutline',
    );
    expect(refusal({ ...v2, version: 0 })).toBe(
      'project.version: must be a version Cutline reads (1–2), got 0',
    );
    expect(refusal({ ...v2, version: '2' })).toBe(
      'project.version: must be a version Cutline reads (1–2), got "2"',
    );
    expect(refusal({ ...v2, format: 'netron' })).toMatch(
      /^project\.format: must be "cutline-project", got "netron"/,
    );
    expect(refusal([v2])).toBe('project: must be an object (a Cutline project file)');
  });

  it('holds the limits on names, paths and sizes', () => {
    expect(refusal({ ...v2, model: { ...v2.model, fileName: 'a/b.onnx' } })).toBe(
      'project.model.fileName: the file name contains a folder separator',
    );
    expect(refusal({ ...v2, model: { ...v2.model, path: 'x'.repeat(4097) } })).toBe(
      'project.model.path: the path is longer than 4096 characters',
    );
    expect(refusal({ ...v2, model: { ...v2.model, path: '/a\0b' } })).toBe(
      'project.model.path: the path contains a NUL character',
    );
    const longId = 'L'.repeat(MAX_LAYER_ID_CHARS + 1);
    expect(refusal({ ...v2, placement: { [longId]: 'edge' } })).toMatch(
      /^project\.placement\["L{80}…"\]: a layer id is longer than 4096 characters$/,
    );
    expect(refusal({ ...v2, pins: [longId] })).toBe(
      `project.pins[0]: a layer id is longer than ${MAX_LAYER_ID_CHARS} characters`,
    );
    const placement: Record<string, 'edge'> = {};
    for (let i = 0; i <= MAX_PLACED_LAYERS; i++) placement[`n${i}`] = 'edge';
    expect(refusal({ ...v2, placement })).toBe(
      `project.placement: more than ${MAX_PLACED_LAYERS} placed layers`,
    );
  });
});

describe('project files', () => {
  it('names a corrupt file and where its JSON breaks', () => {
    const result = parseProjectText('{"format": "cutline-project", "version": 2,', 'design.cutline.json');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(
      /^design\.cutline\.json is not a project file: its JSON is corrupt \(.+\)\. Open a file saved by Cutline, or fix the JSON\.$/,
    );
    expect(parseProjectText(`\uFEFF${JSON.stringify(v2)}`, 'bom.cutline.json').ok).toBe(true);
    const bad = parseProjectText(JSON.stringify({ ...v2, version: 9 }), 'design.cutline.json');
    expect(!bad.ok && bad.message).toBe(
      'design.cutline.json: project.version: version 9 is newer than this Cutline reads (1–2): update Cutline',
    );
  });

  it('reads a file from disk, or throws BAD_PROJECT naming it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-project-'));
    try {
      const good = path.join(dir, 'v1.cutline.json');
      fs.writeFileSync(good, JSON.stringify(v1));
      expect(readProjectFile(good)).toEqual({ project: migrateV1(v1), migratedFrom: 1 });
      const corrupt = path.join(dir, 'corrupt.cutline.json');
      fs.writeFileSync(corrupt, '{ not json');
      const error = catchError(() => readProjectFile(corrupt));
      expect(error.code).toBe('BAD_PROJECT');
      expect(error.message).toContain(`${corrupt} is not a project file`);
      expect(catchError(() => readProjectFile(path.join(dir, 'none.json'))).code).toBe('NOT_A_FILE');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('inline topologies', () => {
  const bundled = loadTopology('pi4-wifi-edge-wan-cloud');
  const inline = (topology: Topology): ProjectFile => ({ ...v2, topology: { kind: 'inline', topology } });

  it('round-trips through a project file and costs the model as the bundled one does', () => {
    const text = JSON.stringify(inline(bundled));
    const result = parseProjectText(text, 'inline.cutline.json');
    if (!result.ok) throw new Error(result.message);
    const topology = projectTopology(result.project);
    expect(topology).toEqual(bundled);
    expect(projectTopology(v2)).toEqual(bundled);
    const { source } = partitionSource(
      analyzeFile(path.resolve(import.meta.dirname, '../samples/resnet-mini.onnx')),
    );
    expect(problemFromSource(source, topology)).toEqual(problemFromSource(source, bundled));
  });

  it('keeps an edited link', () => {
    const edited: Topology = {
      ...bundled,
      hops: bundled.hops.map((hop, h) => (h === 0 ? { ...hop, uplinkMbps: 7.5, rttMs: 42 } : hop)),
    };
    const result = parseProject(clone(inline(edited)));
    expect(result.ok && projectTopology(result.project).hops[0]).toMatchObject({
      uplinkMbps: 7.5,
      rttMs: 42,
    });
  });

  it('names the field of a bad inline topology', () => {
    const badLink = clone(inline(bundled)) as unknown as {
      topology: { topology: { hops: { uplinkMbps: number }[] } };
    };
    badLink.topology.topology.hops[0]!.uplinkMbps = -3;
    expect(refusal(badLink)).toBe(
      'project.topology.topology.hops[0].uplinkMbps: must be a number > 0, got -3',
    );

    const wrongOrder = clone(inline(bundled)) as unknown as {
      topology: { topology: { spec: { tiers: { name: string }[] } } };
    };
    wrongOrder.topology.topology.spec.tiers[0]!.name = 'edge';
    wrongOrder.topology.topology.spec.tiers[1]!.name = 'device';
    expect(refusal(wrongOrder)).toMatch(
      /^project\.topology\.topology\.spec\.tiers\[0\]\.name: must be "device"/,
    );

    const missingHop: Topology = { ...bundled, hops: bundled.hops.slice(0, 1) };
    expect(refusal(clone(inline(missingHop)))).toMatch(
      /^project\.topology\.topology\.hops: has 1 links; a topology of 3 tiers needs 2/,
    );

    // A project built in memory (not parsed) is checked again when its topology is used.
    const error = catchError(() => projectTopology(inline(missingHop), { source: 'design.cutline.json' }));
    expect(error.code).toBe('BAD_TOPOLOGY');
    expect(error.message).toMatch(/^design\.cutline\.json: project\.topology\.topology\.hops: has 1 links/);
  });

  it('says which bundled topology is unknown', () => {
    const error = catchError(() =>
      projectTopology({ ...v2, topology: { kind: 'bundled', id: 'moon-base' } }),
    );
    expect(error.code).toBe('PROFILE_NOT_FOUND');
    expect(error.message).toMatch(
      /^the project names the topology "moon-base", which this Cutline does not bundle/,
    );
  });
});

describe('projectPlacement', () => {
  const analysis = analyzeFile(path.resolve(import.meta.dirname, '../samples/resnet-mini.onnx'));
  const { source } = partitionSource(analysis);
  const [first, second, third] = source.units.map((u) => u.name) as [string, string, string];

  it('places the listed layers, the rest on the device, and pins at their placed tier', () => {
    const problem = problemFromSource(source, loadTopology('pi4-wifi-edge-wan-cloud'));
    const design = projectPlacement(
      { ...v2, placement: { [second]: 'edge', [third]: 'cloud' }, pins: [third, first, third] },
      problem,
    );
    expect([...design.placement.slice(0, 4)]).toEqual([0, 1, 2, 0]);
    expect(design.placement.slice(3).every((t) => t === 0)).toBe(true);
    expect(design.pinConstraints).toEqual([`pin:${third}=cloud`, `pin:${first}=device`]);
    expect(design.dropped).toEqual([]);
    expect(design.retiered).toEqual([]);
  });

  it('moves a tier the topology lacks to the nearest one below and drops layers the model lacks', () => {
    const twoTiers = problemFromSource(source, loadTopology('n2-ethernet-i7'));
    expect(twoTiers.tiers).toEqual(['device', 'edge']);
    const design = projectPlacement(
      { ...v2, placement: { [second]: 'cloud', 'not-a-layer': 'edge' }, pins: ['gone'] },
      twoTiers,
    );
    expect(design.placement[1]).toBe(1);
    expect(design.retiered).toEqual([second]);
    expect(design.dropped).toEqual(['gone', 'not-a-layer']);
  });
});

function catchError(action: () => unknown): { code: string; message: string } {
  try {
    action();
  } catch (error) {
    if (isCutlineError(error)) return error;
    throw error;
  }
  throw new Error('no error thrown');
}
