/**
 * `cutline solve --project` and `cutline export --project` through the real command, on a real
 * sample and a project written as the studio writes one: layer ids from the analysed model's
 * layer view, only off-device layers in the placement.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../core/analyze.js';
import { decodeModelProto } from '../core/onnx/codec.js';
import { isOutputCopy } from '../core/export/output-copies.js';
import { buildPartitionProblem, nodePlacement } from '../core/partition/build-problem.js';
import { evaluatePlacement } from '../core/partition/evaluate.js';
import { loadTopology } from '../core/profiles/load.js';
import type { ProjectFile, ProjectFileV1 } from '../core/project/types.js';
import type { TierName } from '../core/tiers.js';
import { buildModelView } from '../core/view/build.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../bin/cutline.js');
const SAMPLE = path.resolve(import.meta.dirname, '../samples/resnet-mini.onnx');
const TOPOLOGY_ID = 'pi4-wifi-edge-wan-cloud';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-cli-project-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/**
 * The studio's design for the sample: the first half of its layers (in the view's order) on the
 * device, the next quarter on the edge, the rest in the cloud, as a map of off-device layers only.
 */
function studioPlacement(modelPath: string): Record<string, TierName> {
  const view = buildModelView(analyzeFile(modelPath));
  const ids = view.layers.filter((l) => l.within === undefined).map((l) => l.id);
  const placement: Record<string, TierName> = {};
  ids.forEach((id, i) => {
    if (i >= ids.length * 0.75) placement[id] = 'cloud';
    else if (i >= ids.length / 2) placement[id] = 'edge';
  });
  return placement;
}

function writeProject(name: string, project: ProjectFile | ProjectFileV1): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(project, null, 2));
  return file;
}

function v2Project(modelPath: string, placement: Record<string, TierName>): ProjectFile {
  return {
    format: 'cutline-project',
    version: 2,
    model: { fileName: path.basename(modelPath), path: modelPath, sha256: sha256(modelPath) },
    inputs: {},
    topology: { kind: 'bundled', id: TOPOLOGY_ID },
    placement,
    pins: [],
    objective: 'latency',
    constraints: [],
    view: { expanded: [], selected: null, metric: 'macs' },
  };
}

/** The evaluator's figures and node placement for a layer → tier map on the sample, from core. */
function coreFigures(
  modelPath: string,
  placement: Record<string, TierName>,
  inputShapes: Record<string, number[]> = {},
) {
  const analysis = analyzeFile(modelPath, { inputShapes });
  const built = buildPartitionProblem(analysis, loadTopology(TOPOLOGY_ID));
  const { problem } = built;
  const tiers = Uint8Array.from(problem.units, (u) => problem.tiers.indexOf(placement[u.name] ?? 'device'));
  return { evaluation: evaluatePlacement(problem, tiers), nodes: nodePlacement(analysis, built, tiers) };
}

interface PlanJson {
  solver: string;
  latencyMs: number;
  deviceEnergyMj: number;
  linkBytes: number;
  throughputPerS: number;
  layerPlacement: Record<string, string>;
}

async function cli(...args: string[]): Promise<string> {
  return (await run(process.execPath, [CLI, ...args], { maxBuffer: 64 * 1024 ** 2 })).stdout;
}

async function failure(...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, [CLI, ...args]);
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
  throw new Error(`cutline ${args.join(' ')} succeeded`);
}

describe('cutline solve --project', () => {
  it("reports the project's placement with the evaluator's figures next to the solvers' plans", async () => {
    const placement = studioPlacement(SAMPLE);
    const file = writeProject('solve.cutline.json', v2Project(SAMPLE, placement));
    const result = JSON.parse(await cli('solve', '--project', file, '--json')) as {
      topology: string;
      plans: PlanJson[];
      project: PlanJson;
    };
    expect(result.topology).toBe(TOPOLOGY_ID);
    expect(result.plans.length).toBeGreaterThan(0);
    const { evaluation } = coreFigures(SAMPLE, placement);
    expect(result.project.solver).toBe('given');
    expect(result.project.latencyMs).toBe(evaluation.latencyMs);
    expect(result.project.deviceEnergyMj).toBe(evaluation.deviceEnergyMj);
    expect(result.project.linkBytes).toBe(evaluation.linkBytes);
    expect(result.project.throughputPerS).toBe(evaluation.throughputPerS);
    for (const [layer, tier] of Object.entries(result.project.layerPlacement)) {
      expect(tier).toBe(placement[layer] ?? 'device');
    }
  });

  it('takes pins and constraints from the project, and explicit flags over them', async () => {
    const placement = studioPlacement(SAMPLE);
    const cloudLayer = Object.keys(placement).find((id) => placement[id] === 'cloud')!;
    const project: ProjectFile = {
      ...v2Project(SAMPLE, placement),
      pins: [cloudLayer],
      objective: 'energy',
      constraints: ['raw-input-on-device'],
    };
    const file = writeProject('pins.cutline.json', project);
    const pinned = JSON.parse(await cli('solve', '--project', file, '--json', '-s', 'min-cut')) as {
      objective: string;
      constraints: string[];
      plans: (PlanJson & { rawInputLeavesDevice: boolean })[];
    };
    expect(pinned.objective).toMatch(/energy/);
    expect(pinned.constraints).toEqual([`pin:${cloudLayer}=cloud`, 'raw-input-on-device']);
    expect(pinned.plans[0]!.layerPlacement[cloudLayer]).toBe('cloud');
    expect(pinned.plans[0]!.rawInputLeavesDevice).toBe(false);
    const overridden = JSON.parse(
      await cli(
        'solve',
        '--project',
        file,
        '--json',
        '-s',
        'min-cut',
        '-o',
        'latency',
        '-t',
        'nano-5g-cloud',
      ),
    ) as { topology: string; objective: string; tiers: string[] };
    expect(overridden.topology).toBe('nano-5g-cloud');
    expect(overridden.objective).toMatch(/latency/);
  });

  it("analyses the model with the project's input bindings, and a command-line binding over them", async () => {
    const detector = path.resolve(import.meta.dirname, '../samples/ocr-det-mini.onnx');
    const placement = studioPlacement(detector);
    const file = writeProject('bound.cutline.json', {
      ...v2Project(detector, placement),
      inputs: { x: '1x3x640x640' },
    });
    const bound = JSON.parse(await cli('solve', '--project', file, '--json', '-s', 'tiers')) as {
      project: PlanJson;
    };
    const at640 = coreFigures(detector, placement, { x: [1, 3, 640, 640] }).evaluation;
    expect(bound.project.latencyMs).toBe(at640.latencyMs);
    expect(bound.project.linkBytes).toBe(at640.linkBytes);
    const overridden = JSON.parse(
      await cli('solve', '--project', file, '--json', '-s', 'tiers', '-i', 'x=1x3x320x320'),
    ) as { project: PlanJson };
    const at320 = coreFigures(detector, placement, { x: [1, 3, 320, 320] }).evaluation;
    expect(overridden.project.linkBytes).toBe(at320.linkBytes);
    expect(at320.linkBytes).toBeLessThan(at640.linkBytes);
  });

  it('opens a version 1 project with the default topology', async () => {
    const placement = studioPlacement(SAMPLE);
    const v1: ProjectFileV1 = {
      format: 'cutline-project',
      version: 1,
      model: { fileName: path.basename(SAMPLE), path: SAMPLE, sha256: sha256(SAMPLE) },
      placement,
    };
    const file = writeProject('v1.cutline.json', v1);
    const result = JSON.parse(await cli('solve', '--project', file, '--json', '-s', 'tiers')) as {
      topology: string;
      project: PlanJson;
    };
    expect(result.topology).toBe(TOPOLOGY_ID);
    expect(result.project.latencyMs).toBe(coreFigures(SAMPLE, placement).evaluation.latencyMs);
  });

  it('refuses a project whose model changed or is missing, saying what to do', async () => {
    const copy = path.join(dir, 'model-copy.onnx');
    fs.copyFileSync(SAMPLE, copy);
    const file = writeProject('changed.cutline.json', v2Project(copy, studioPlacement(copy)));
    const other = path.resolve(import.meta.dirname, '../samples/mobilenetv2-mini.onnx');
    fs.copyFileSync(other, copy);
    const changed = await failure('solve', '--project', file);
    expect(changed.code).not.toBe(0);
    expect(changed.stderr).toContain('MODEL_CHANGED');
    expect(changed.stderr).toContain(`${copy} is not the model ${file} was saved with`);
    expect(changed.stderr).toMatch(/give the original model/);

    fs.rmSync(copy);
    const missing = await failure('export', '--project', file, '--out', path.join(dir, 'never'));
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('MODEL_MISSING');
    expect(missing.stderr).toContain(copy);
    expect(fs.existsSync(path.join(dir, 'never'))).toBe(false);

    // The model given on the command line (it moved) is checked the same way, and then used.
    const moved = await cli(
      'solve',
      SAMPLE,
      '--project',
      writeProject('moved.cutline.json', v2Project(SAMPLE, {})),
      '--json',
    );
    expect((JSON.parse(moved) as { model: string }).model).toBe(SAMPLE);
  });

  it('names the field of a bad project and its file', async () => {
    const project = { ...v2Project(SAMPLE, {}), placement: { conv1: 'gpu' } };
    const file = writeProject('bad.cutline.json', project as unknown as ProjectFile);
    const bad = await failure('solve', '--project', file);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('BAD_PROJECT');
    expect(bad.stderr).toContain(
      `${file}: project.placement["conv1"]: must be one of "device", "edge", "cloud", got "gpu"`,
    );
  });
});

describe('cutline export --project', () => {
  it("writes segments whose nodes are exactly the project's placement", async () => {
    const placement = studioPlacement(SAMPLE);
    const file = writeProject('export.cutline.json', v2Project(SAMPLE, placement));
    const out = path.join(dir, 'bundle');
    const summary = JSON.parse(await cli('export', '--project', file, '--out', out, '--json')) as {
      verification: { ok: boolean };
      segments: { id: string; tier: string; file: string }[];
    };
    expect(summary.verification.ok).toBe(true);
    // Constants are copied into every segment that reads them: compare the nodes that do work.
    const constants = new Set(
      analyzeFile(SAMPLE)
        .graph.nodes.filter((n) => n.opType === 'Constant')
        .map((n) => n.name),
    );
    const expected = new Map<string, string[]>();
    for (const [node, tier] of Object.entries(coreFigures(SAMPLE, placement).nodes)) {
      if (!constants.has(node)) expected.set(tier, [...(expected.get(tier) ?? []), node]);
    }
    const written = new Map<string, string[]>();
    for (const segment of summary.segments) {
      const model = decodeModelProto(new Uint8Array(fs.readFileSync(path.join(out, segment.file))));
      for (const node of model.graph!.node!) {
        // Identity copies of outputs the segment also reads (output-copies.ts) are not the model's.
        if (node.opType !== 'Constant' && !isOutputCopy(node))
          written.set(segment.tier, [...(written.get(segment.tier) ?? []), node.name!]);
      }
    }
    expect([...written.keys()].sort()).toEqual(['cloud', 'device', 'edge']);
    for (const tier of ['device', 'edge', 'cloud']) {
      expect(written.get(tier)!.sort()).toEqual(expected.get(tier)!.sort());
    }
  });
});
