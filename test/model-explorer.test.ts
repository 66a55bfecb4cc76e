/**
 * Model Explorer node data: `cutline figures` on a real sample with a topology, a placement from
 * `cutline solve --json` and a profile written by real onnxruntime-node; every file read back
 * through the schema (same values), keyed by the ids Model Explorer's ONNX adapter gives.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeBytes, analyzeFile } from '../core/analyze.js';
import {
  modelExplorerGraphId,
  modelExplorerNodeData,
  modelExplorerNodeIds,
  nodeDataText,
  parseNodeDataText,
  roundMs,
} from '../core/export/model-explorer.js';
import { modelExplorerCommand, shellWord } from '../core/export/model-explorer-command.js';
import { modelNodeDataSchema } from '../core/export/model-explorer-schema.js';
import { graph, model, node, valueInfo } from '../core/onnx/builder.js';
import { encodeModelProto } from '../core/onnx/codec.js';
import { DataType } from '../core/onnx/dtype.js';
import { readModelFile } from '../core/onnx/read.js';
import { buildPartitionProblem } from '../core/partition/build-problem.js';
import { uniformPlacement } from '../core/partition/placement.js';
import { loadTopology } from '../core/profiles/load.js';
import { readOrtProfileFile } from '../core/profiling/ort-profile-import.js';
import { findTraceFile } from '../core/profiling/trace-file.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../bin/cutline.js');
const SAMPLE = path.resolve(import.meta.dirname, '../samples/resnet-mini.onnx');
const TOPOLOGY = 'pi4-wifi-edge-wan-cloud';

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-model-explorer-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A real onnxruntime profile of `file`: graph optimisation off, so every node keeps its name. */
async function ortProfile(file: string, prefix: string): Promise<string> {
  const session = await ort.InferenceSession.create(file, {
    enableProfiling: true,
    profileFilePrefix: prefix,
    graphOptimizationLevel: 'disabled',
  });
  const feeds = { input: new ort.Tensor('float32', new Float32Array(3 * 64 * 64), [1, 3, 64, 64]) };
  for (let i = 0; i < 3; i++) await session.run(feeds);
  session.endProfiling();
  await session.release();
  return findTraceFile(prefix);
}

describe('cutline figures', () => {
  it('writes one node-data file per figure that reads back with the same values, keyed by node id', async () => {
    const planFile = path.join(tmp, 'plan.json');
    const solved = await run(process.execPath, [
      CLI,
      'solve',
      SAMPLE,
      '-t',
      TOPOLOGY,
      '-s',
      'tiers',
      '--json',
    ]);
    fs.writeFileSync(planFile, solved.stdout);
    const plan = JSON.parse(solved.stdout) as { plans: { placement: Record<string, string> }[] };
    const profile = await ortProfile(SAMPLE, path.join(tmp, 'ort'));
    const out = path.join(tmp, 'figures');
    const args = [CLI, 'figures', SAMPLE, '--out', out, '-t', TOPOLOGY, '--placement', planFile];
    const { stdout } = await run(process.execPath, [...args, '--ort-profile', profile, '--json']);
    const report = JSON.parse(stdout) as {
      graphId: string;
      files: { figure: string; nodes: number; path: string }[];
      command: string;
      notes: string[];
    };
    // The command that opens them: the model, the ONNX adapter and every file just written.
    expect(report.command).toBe(
      `model-explorer ${SAMPLE} --extensions=model_explorer_onnx --node_data_paths=${report.files.map((f) => f.path).join(',')}`,
    );
    const text = await run(process.execPath, [...args, '--ort-profile', profile]);
    expect(text.stdout).toContain('pip install model-explorer-onnx');
    expect(text.stdout.trimEnd().split('\n').at(-1)!.trim()).toBe(report.command);
    expect(report.files.map((f) => f.figure)).toEqual([
      'flops',
      'macs',
      'params',
      'activation-bytes',
      'predicted-ms-device',
      'predicted-ms-edge',
      'predicted-ms-cloud',
      'placed-ms',
      'tier',
      'measured-ms',
    ]);
    expect(report.notes).toEqual([]);

    // The ids Model Explorer shows for this file: its node names and its graph's name.
    const proto = readModelFile(SAMPLE).proto.graph!;
    const nodeNames = new Set(proto.node!.map((n) => n.name!));
    expect(report.graphId).toBe(proto.name);
    const analysis = analyzeFile(SAMPLE);
    const costOf = new Map(analysis.graph.nodes.map((n) => [n.name, analysis.costs[n.index]!]));
    const times = readOrtProfileFile(profile);
    const measured = new Map(times.nodes.map((n) => [n.name, n.medianMs]));

    for (const written of report.files) {
      const text = fs.readFileSync(written.path, 'utf8');
      const parsed = parseNodeDataText(text);
      // Round trip: what was written is what the schema reads, value for value.
      expect(parsed).toEqual(JSON.parse(text));
      expect(nodeDataText(parsed)).toBe(text);
      expect(Object.keys(parsed)).toEqual([proto.name]);
      const results = parsed[proto.name!]!.results;
      expect(Object.keys(results).length).toBe(written.nodes);
      for (const id of Object.keys(results)) expect(nodeNames.has(id)).toBe(true);
      if (written.figure === 'flops')
        for (const [id, r] of Object.entries(results)) expect(r.value).toBe(costOf.get(id)!.flops);
      if (written.figure === 'tier')
        for (const [id, r] of Object.entries(results))
          expect(r.value).toBe(plan.plans[0]!.placement[id] ?? r.value);
      if (written.figure === 'measured-ms')
        for (const [id, r] of Object.entries(results)) expect(r.value).toBe(roundMs(measured.get(id)!));
      // Times to 4 significant digits, counts whole: no float noise such as 1.5924999999999998.
      const ms = written.figure.endsWith('-ms') || written.figure.startsWith('predicted-ms-');
      for (const r of Object.values(results)) {
        if (typeof r.value !== 'number') continue;
        if (ms) expect(String(r.value).replace(/^0\.0*|\.|e.*$/g, '').length).toBeLessThanOrEqual(4);
        else expect(Number.isInteger(r.value)).toBe(true);
      }
    }
    // Every node has a tier: a layer's plumbing goes where the layer goes.
    const tiers = parseNodeDataText(
      fs.readFileSync(report.files.find((f) => f.figure === 'tier')!.path, 'utf8'),
    );
    expect(Object.keys(tiers[proto.name!]!.results).length).toBe(nodeNames.size);
    expect(new Set(Object.values(tiers[proto.name!]!.results).map((r) => r.value))).toEqual(
      new Set(Object.values(plan.plans[0]!.placement)),
    );
  }, 60_000);

  it('names unnamed nodes and graphs as Model Explorer does, and a node called __proto__ is a plain key', () => {
    const proto = model({
      graph: graph({
        name: '',
        nodes: [
          node('Relu', ['x'], ['a']),
          node('Add', ['a', 'x'], ['b'], [], '__proto__'),
          node('Relu', ['b'], ['c'], [], 'twice'),
          node('Relu', ['c'], ['y'], [], 'twice'),
        ],
        inputs: [valueInfo('x', DataType.FLOAT, [1, 64])],
        outputs: [valueInfo('y', DataType.FLOAT, [1, 64])],
      }),
    });
    const analysis = analyzeBytes(encodeModelProto(proto));
    expect(modelExplorerGraphId(analysis)).toBe('<main>');
    expect(modelExplorerNodeIds(analysis)).toEqual(['<node_0>', '__proto__', 'twice', 'twice']);
    const [flops] = modelExplorerNodeData({ analysis });
    const text = nodeDataText(flops!.data);
    const results = parseNodeDataText(text)['<main>']!.results;
    expect(Object.keys(results)).toEqual(['<node_0>', '__proto__', 'twice']);
    expect(Object.getPrototypeOf(results)).toBe(Object.prototype);
    expect(results['__proto__']!.value).toBe(64);
    expect(flops!.nodes).toBe(3);

    // Every node on the edge: the tier file names it for each, __proto__ too.
    const built = buildPartitionProblem(analysis, loadTopology(TOPOLOGY));
    const placed = modelExplorerNodeData({ analysis, built, placement: uniformPlacement(built.problem, 1) });
    const tiers = parseNodeDataText(nodeDataText(placed.find((f) => f.figure === 'tier')!.data));
    expect(tiers['<main>']!.results).toEqual({
      '<node_0>': { value: 'edge', bgColor: '#c7e9c0' },
      ['__proto__']: { value: 'edge', bgColor: '#c7e9c0' },
      twice: { value: 'edge', bgColor: '#c7e9c0' },
    });
  });

  it('rounds times to 4 significant digits and quotes the open command for a shell', () => {
    expect(roundMs(1.5924999999999998)).toBe(1.592);
    expect(roundMs(0.0012345678)).toBe(0.001235);
    expect(roundMs(12345.6)).toBe(12350);
    expect(roundMs(0)).toBe(0);
    expect(shellWord("it's a model.onnx")).toBe(`'it'\\''s a model.onnx'`);
    expect(modelExplorerCommand('my models/m.onnx', ['me/m.flops.json', 'me/m.tier.json'])).toBe(
      "model-explorer 'my models/m.onnx' --extensions=model_explorer_onnx --node_data_paths=me/m.flops.json,me/m.tier.json",
    );
    // Model Explorer splits the value at commas: no command then.
    expect(modelExplorerCommand('m.onnx', ['a,b/m.flops.json'])).toBeNull();
  });

  it('refuses what Model Explorer would not read: a gradient without its ends, a non-finite value, a field it lacks', () => {
    const ok = { g: { results: { n: { value: 1 } }, gradient: [{ stop: 0 }, { stop: 1, bgColor: 'red' }] } };
    expect(modelNodeDataSchema.safeParse(ok).success).toBe(true);
    const noEnd = { g: { results: {}, gradient: [{ stop: 0, bgColor: 'red' }] } };
    expect(modelNodeDataSchema.safeParse(noEnd).success).toBe(false);
    expect(modelNodeDataSchema.safeParse({ g: { results: { n: { value: Infinity } } } }).success).toBe(false);
    expect(
      modelNodeDataSchema.safeParse({ g: { results: { n: { value: 1, colour: 'red' } } } }).success,
    ).toBe(false);
    expect(() => parseNodeDataText('{"g": {"results": {"n": {"value": "x", "bgColor": ""}}}}')).toThrow(
      /results\.n\.bgColor/,
    );
  });
});
