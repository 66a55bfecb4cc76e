/**
 * Split export end to end: segments cut from solver, random and two-split placements, one ONNX
 * sub-model per segment, and onnxruntime running the chain of sub-models against the whole model
 * on the same inputs (the samples, and every ONNX pytorch-converted and pytorch-operator model
 * onnxruntime runs whole: most are opset 6, analysed with the pre-opset-7 rules).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBytes, analyzeFile, type Analysis } from '../core/analyze.js';
import { isCutlineError } from '../core/errors.js';
import { constantNodes } from '../core/export/constants.js';
import { extractSubModel, SEGMENT_METADATA_KEY } from '../core/export/extract.js';
import { nodeTiersOf } from '../core/export/node-tiers.js';
import { splitSegments, type Segment } from '../core/export/segments.js';
import { verifySplit, type SplitPart } from '../core/export/verify.js';
import { buildPartitionProblem, type BuiltProblem } from '../core/partition/build-problem.js';
import type { Objective } from '../core/partition/objective.js';
import { defaultSolvers, runSolver } from '../core/partition/solve.js';
import { loadTopology } from '../core/profiles/load.js';
import { concreteInputShapes, randomFeeds } from '../core/profiling/feeds.js';
import { attributeGraphs } from '../core/onnx/attributes.js';
import * as build from '../core/onnx/builder.js';
import { decodeModelProto, encodeModelProto, type GraphProto, type TensorProto } from '../core/onnx/codec.js';
import { DataType, dtypeBytes, isFloatDtype } from '../core/onnx/dtype.js';
import { mulberry32 } from '../core/onnx/random.js';
import { tensorElementCount } from '../core/onnx/tensor-data.js';
import * as ort from 'onnxruntime-node';
import { ortTensor, runModel } from './support/ort.js';
import { readTestDataSet, TESTDATA_ROOT, testdataCases } from './support/testdata.js';

const SAMPLES = ['edge-prune-vehicle', 'mobilenetv2-mini', 'resnet-mini', 'transformer-encoder'].map((name) =>
  path.join(import.meta.dirname, '..', 'samples', `${name}.onnx`),
);
const FP32_TOLERANCE = 1e-5;
const topology = loadTopology('pi4-wifi-edge-wan-cloud');
// onnxruntime warns on every opset-6 session that it only guarantees opset 7 and above.
ort.env.logLevel = 'error';

interface Placed {
  readonly label: string;
  readonly tiers: Uint8Array;
}

/**
 * Placements to check. `all`: every default solver under three objectives, random layer and node
 * placements, a uniform one and a device → cloud → device split (the samples). Otherwise the
 * few that cover the cut shapes (the small pytorch models, to keep the file quick):
 * the tiers solver's plan, the two-split and one random node placement.
 */
function placements(analysis: Analysis, built: BuiltProblem, seed: number, all: boolean): Placed[] {
  const { problem } = built;
  const units = problem.units.length;
  const nodes = analysis.graph.nodes.length;
  const cloud = problem.tiers.indexOf('cloud');
  const layers = (label: string, placement: Uint8Array): Placed => ({
    label,
    tiers: nodeTiersOf(analysis, built, placement),
  });
  const found: Placed[] = [];
  const objectives = [{ kind: 'latency' }, { kind: 'energy' }, { kind: 'throughput' }] satisfies Objective[];
  for (const objective of all ? objectives : objectives.slice(0, 1)) {
    for (const solver of all ? defaultSolvers(problem) : (['tiers'] as const)) {
      const plan = runSolver(problem, solver, objective, {});
      found.push(layers(`${solver}/${objective.kind}`, plan.placement));
    }
  }
  found.push(
    layers(
      'two-split',
      Uint8Array.from({ length: units }, (_, u) => (u * 3 < units * 1 || u * 3 >= units * 2 ? 0 : cloud)),
    ),
  );
  if (all) found.push({ label: 'all-cloud', tiers: new Uint8Array(nodes).fill(cloud) });
  const random = mulberry32(seed);
  const tier = (): number => Math.floor(random() * problem.tiers.length);
  for (let k = 0; k < (all ? 2 : 0); k++)
    found.push(layers(`random-layers-${k}`, Uint8Array.from({ length: units }, tier)));
  for (let k = 0; k < (all ? 4 : 1); k++)
    found.push({ label: `random-nodes-${k}`, tiers: Uint8Array.from({ length: nodes }, tier) });
  return found;
}

/**
 * Running the segments in order, every input is a graph input or an earlier segment's output,
 * and every graph output is made; non-constant nodes sit in one segment, on their own tier.
 */
function checkChain(analysis: Analysis, segments: readonly Segment[], tiers: Uint8Array): void {
  const { graph } = analysis;
  const constant = constantNodes(graph);
  const available = new Set(graph.inputs);
  const home = new Map<number, string>();
  const ids = new Set<string>();
  for (const segment of segments) {
    expect(segment.id).toMatch(/^[A-Za-z0-9_.-]+$/);
    expect(ids.has(segment.id), `duplicate id ${segment.id}`).toBe(false);
    ids.add(segment.id);
    for (const input of segment.inputs) {
      expect(available.has(input.name), `${segment.id} reads ${input.name} before it exists`).toBe(true);
      const tensor = graph.tensors.get(input.name)!;
      expect(tensor.kind === 'input' || constant[tensor.producer] !== 1, `${input.name} is a constant`).toBe(
        true,
      );
      expect(input.dtype, `${input.name} has a type`).toBeGreaterThan(0);
    }
    for (const n of segment.nodes) {
      if (constant[n] === 1) continue;
      expect(home.has(n), `node ${n} in ${home.get(n)} and ${segment.id}`).toBe(false);
      home.set(n, segment.id);
      expect(tiers[n]).toBe(segment.tier);
    }
    for (const output of segment.outputs) available.add(output.name);
  }
  for (const name of graph.outputs) expect(available.has(name), `output ${name} is made`).toBe(true);
}

/** Names a graph and its sub-graphs read. */
function namesRead(graph: GraphProto, into = new Set<string>()): Set<string> {
  for (const node of graph.node ?? []) {
    for (const name of node.input ?? []) into.add(name);
    for (const attr of node.attribute ?? []) for (const g of attributeGraphs(attr)) namesRead(g, into);
  }
  return into;
}

const tensorBytes = (t: TensorProto): number => dtypeBytes(t.dataType ?? 0, tensorElementCount(t));

/**
 * Each sub-model is a valid model of its segment: metadata, opsets and IR version kept, and
 * exactly the weights its nodes (and sub-graphs) read. Returns [sub-model weight bytes, bytes of
 * weights that more than one segment reads (counted once per extra copy)].
 */
function checkSubModels(analysis: Analysis, parts: readonly SplitPart[]): [number, number] {
  const source = analysis.model.proto;
  const copies = new Map<string, number>();
  let total = 0;
  for (const { segment, bytes } of parts) {
    const proto = decodeModelProto(bytes);
    expect(Number(proto.irVersion)).toBe(analysis.model.irVersion);
    expect(proto.opsetImport.map((o) => [o.domain ?? '', Number(o.version)])).toEqual(
      source.opsetImport.map((o) => [o.domain ?? '', Number(o.version)]),
    );
    expect(proto.metadataProps.find((p) => p.key === SEGMENT_METADATA_KEY)?.value).toBe(segment.id);
    expect(proto.producerName).toBe(source.producerName);
    const g = proto.graph!;
    const input = g.input ?? [];
    const initializer = g.initializer ?? [];
    expect(input.map((i) => i.name).slice(0, segment.inputs.length)).toEqual(
      segment.inputs.map((t) => t.name),
    );
    expect((g.output ?? []).map((o) => o.name)).toEqual(segment.outputs.map((t) => t.name));
    const weights = new Set((source.graph!.initializer ?? []).map((t) => t.name ?? ''));
    const needed = [...namesRead(g)].filter((name) => weights.has(name)).sort();
    const carried = initializer.map((t) => t.name ?? '').sort();
    expect(carried, `${segment.id} carries exactly the weights it reads`).toEqual(needed);
    for (const t of initializer) {
      total += tensorBytes(t);
      copies.set(t.name ?? '', (copies.get(t.name ?? '') ?? 0) + 1);
    }
  }
  let duplicates = 0;
  for (const t of source.graph!.initializer ?? [])
    duplicates += Math.max(0, (copies.get(t.name ?? '') ?? 0) - 1) * tensorBytes(t);
  return [total, duplicates];
}

/**
 * Why onnxruntime refuses a model: 1.30 has no kernel for the opset-1/6 versions of Add, Mul,
 * Pow, Gemm, PRelu, BatchNormalization and AveragePool ("Could not find an implementation for
 * Add(6) node …").
 */
function ortRefusal(error: unknown): string {
  const message = (error as Error).message;
  const kernel = /implementation for (\w+\(\d+\))/.exec(message)?.[1];
  return kernel ? `no onnxruntime kernel for ${kernel}` : message.slice(0, 80);
}

type PytorchSuite = 'pytorch-converted' | 'pytorch-operator';

interface SuiteCount {
  checked: number;
  total: number;
  /** Models onnxruntime cannot run whole, by reason. */
  readonly skipped: Map<string, number>;
}

/**
 * Models to split: the samples, and the models of the ONNX pytorch-converted and pytorch-operator
 * suites that onnxruntime runs whole (every one is analysed; a failed analysis fails the test).
 */
async function splittableModels(): Promise<{ files: string[]; suites: Map<PytorchSuite, SuiteCount> }> {
  const files = [...SAMPLES];
  const suites = new Map<PytorchSuite, SuiteCount>();
  for (const suite of ['pytorch-converted', 'pytorch-operator'] as const) {
    const cases = testdataCases(suite);
    const count: SuiteCount = { checked: 0, total: cases.length, skipped: new Map() };
    suites.set(suite, count);
    for (const dir of cases) {
      const file = path.join(dir, 'model.onnx');
      const analysis = analyzeFile(file);
      try {
        await runModel(file, randomFeeds(analysis, concreteInputShapes(analysis.graph)));
      } catch (error) {
        const reason = ortRefusal(error);
        count.skipped.set(reason, (count.skipped.get(reason) ?? 0) + 1);
        continue;
      }
      files.push(file);
      count.checked++;
    }
  }
  return { files, suites };
}

describe('split export', () => {
  it('splits the samples and the pytorch-converted and pytorch-operator models so the chain of sub-models computes the whole model', async () => {
    const { files, suites } = await splittableModels();
    for (const [suite, count] of suites) {
      const skipped = [...count.skipped.values()].reduce((a, b) => a + b, 0);
      console.log(
        `[export] ${suite}: ${count.checked} of ${count.total} checked; ${skipped} skipped because onnxruntime 1.30 cannot run them whole: ${[
          ...count.skipped,
        ]
          .map(([reason, n]) => `${n} × ${reason}`)
          .join('; ')}`,
      );
      expect(count.checked + skipped).toBe(count.total);
      // onnxruntime refuses only the old kernels (see ortRefusal); all else it runs is checked.
      for (const reason of count.skipped.keys())
        expect(reason).toMatch(/^no onnxruntime kernel for \w+\([1-6]\)$/);
    }
    const converted = suites.get('pytorch-converted')!.checked;
    expect(converted).toBeGreaterThanOrEqual(50);
    let worst = { diff: 0, where: 'every model' };
    let checkedPlacements = 0;
    let pytorchMultiNode = 0;
    for (const [m, file] of files.entries()) {
      const sample = SAMPLES.includes(file);
      const name = path.basename(sample ? file : path.dirname(file));
      const analysis = analyzeFile(file);
      const built = buildPartitionProblem(analysis, topology);
      const tierNames = built.problem.tiers;
      let modelWorst = { diff: 0, where: 'every placement' };
      let maxSegments = 0;
      let extraWeightBytes = 0;
      let solverSplits = 0;
      const wholeWeightBytes = (analysis.model.proto.graph!.initializer ?? []).reduce(
        (n, t) => n + tensorBytes(t),
        0,
      );
      for (const placed of placements(analysis, built, 100 + m, sample)) {
        const segments = splitSegments(analysis, placed.tiers, tierNames);
        checkChain(analysis, segments, placed.tiers);
        if (placed.label === 'two-split' && sample)
          expect(
            segments.map((s) => s.tierName),
            `${name} two-split`,
          ).toEqual(['device', 'cloud', 'device']);
        const parts = segments.map((segment) => ({ segment, bytes: extractSubModel(analysis, segment) }));
        const [bytes, duplicates] = checkSubModels(analysis, parts);
        expect(bytes).toBeLessThanOrEqual(wholeWeightBytes + duplicates);
        extraWeightBytes = Math.max(extraWeightBytes, bytes - wholeWeightBytes);
        if (placed.label.includes('/') && segments.length > 1) solverSplits++;
        const result = await verifySplit(file, parts, undefined, { analysis, seed: 7 + m });
        expect(result.segmentMs).toHaveLength(segments.length);
        for (const output of result.outputs) {
          const dtype = analysis.inference.values.get(output.name)?.dtype ?? 0;
          const tolerance = isFloatDtype(dtype) ? FP32_TOLERANCE : 0;
          expect(output.maxAbsDiff, `${name} ${placed.label} ${output.name}`).toBeLessThanOrEqual(tolerance);
          expect(output.elements).toBeGreaterThan(0);
        }
        if (result.maxAbsDiff > modelWorst.diff)
          modelWorst = { diff: result.maxAbsDiff, where: placed.label };
        maxSegments = Math.max(maxSegments, segments.length);
        checkedPlacements++;
      }
      if (sample) {
        expect(maxSegments, `${name}: an interleaving`).toBeGreaterThanOrEqual(4);
        console.log(
          `[export] ${name}: worst max abs diff ${modelWorst.diff.toExponential(2)} (${modelWorst.where}), ${solverSplits} solver plans split it, up to ${maxSegments} segments, sub-model weights at most ${extraWeightBytes} B over the whole's ${wholeWeightBytes} B (weights several segments read)`,
        );
      } else {
        const constant = constantNodes(analysis.graph);
        const computing = analysis.graph.nodes.filter((n) => constant[n.index] !== 1).length;
        // Most of these tests are one operator; the others must really be cut.
        if (computing > 1) {
          pytorchMultiNode++;
          expect(maxSegments, `${name}: cut into segments`).toBeGreaterThan(1);
        }
      }
      if (modelWorst.diff > worst.diff)
        worst = { diff: modelWorst.diff, where: `${name} ${modelWorst.where}` };
    }
    console.log(
      `[export] ${files.length} models (${SAMPLES.length} samples, ${files.length - SAMPLES.length} pytorch; ${pytorchMultiNode} of them have more than one computing node and were cut into several segments, the rest are one operator), ${checkedPlacements} placements: worst max abs diff ${worst.diff.toExponential(2)} (${worst.where})`,
    );
    expect(worst.diff).toBeLessThanOrEqual(FP32_TOLERANCE);
  });

  it('copies Constant nodes into every segment that reads them instead of sending their results', async () => {
    // In the transformer, Constants feed shape arithmetic spread over every tier.
    const transformer = analyzeFile(SAMPLES[3]!);
    const random = mulberry32(5);
    const tiers = Uint8Array.from(transformer.graph.nodes, () => Math.floor(random() * 3));
    let copied = 0;
    for (const segment of splitSegments(transformer, tiers, ['device', 'edge', 'cloud'])) {
      const inside = new Set(segment.nodes);
      for (const n of segment.nodes) {
        const node = transformer.graph.nodes[n]!;
        if (node.opType !== 'Constant') continue;
        copied++;
        const readers = transformer.graph.tensors.get(node.outputs[0]!)!.consumers;
        expect(
          readers.some((r) => inside.has(r)),
          `${segment.id} copies ${node.name} it does not read`,
        ).toBe(true);
      }
      for (const input of segment.inputs) {
        const producer = transformer.graph.tensors.get(input.name)!.producer;
        expect(producer < 0 ? 'input' : transformer.graph.nodes[producer]!.opType).not.toBe('Constant');
      }
    }
    expect(copied).toBeGreaterThan(0);

    // One Constant, and a Reshape target computed from it, read on two tiers: both get a copy.
    const model = build.model({
      graph: build.graph({
        name: 'shared-constant',
        nodes: [
          build.constantNode(build.tensorFromFloat32('c', [1, 4], [1, 2, 3, 4])),
          build.constantNode(build.tensorFromInt64('shape', [2], [2, 2])),
          build.node('Identity', ['shape'], ['target']),
          build.node('Add', ['x', 'c'], ['a']),
          build.node('Mul', ['a', 'c'], ['b']),
          build.node('Reshape', ['b', 'target'], ['y']),
        ],
        inputs: [build.valueInfo('x', DataType.FLOAT, [1, 4])],
        outputs: [build.valueInfo('y', DataType.FLOAT, [2, 2])],
      }),
    });
    const bytes = encodeModelProto(model);
    const analysis = analyzeBytes(bytes);
    const segments = splitSegments(analysis, [0, 0, 0, 0, 2, 2], ['device', 'edge', 'cloud']);
    expect(segments.map((s) => [s.id, s.nodes])).toEqual([
      ['device-0', [0, 3]],
      ['cloud-1', [0, 1, 2, 4, 5]],
    ]);
    expect(segments[1]!.inputs.map((t) => t.name)).toEqual(['a']);
    const parts = segments.map((segment) => ({ segment, bytes: extractSubModel(analysis, segment) }));
    expect((await verifySplit(bytes, parts, undefined, { analysis })).maxAbsDiff).toBe(0);
  });

  it('sends what If branches read from the enclosing graph, and carries the weights only branches read', async () => {
    const f32 = (name: string, values: number[]) => build.tensorFromFloat32(name, [2, 3], values);
    const branch = (name: string, op: string, inputs: string[]): GraphProto =>
      build.graph({
        name,
        nodes: [build.node(op, inputs, [`${name}_out`])],
        inputs: [],
        outputs: [build.valueInfo(`${name}_out`, DataType.FLOAT, [2, 3])],
      });
    const model = build.model({
      graph: build.graph({
        name: 'if-split',
        nodes: [
          build.node('Relu', ['x'], ['a']),
          build.node('Mul', ['a', 'W'], ['b']),
          build.node(
            'If',
            ['cond'],
            ['y'],
            [
              build.attr.graph('then_branch', branch('then', 'Add', ['a', 'W2'])),
              build.attr.graph('else_branch', branch('else', 'Sub', ['b', 'a'])),
            ],
          ),
          build.node('Sigmoid', ['y'], ['z']),
        ],
        inputs: [build.valueInfo('x', DataType.FLOAT, [2, 3]), build.valueInfo('cond', DataType.BOOL, [])],
        outputs: [build.valueInfo('z', DataType.FLOAT, [2, 3])],
        initializers: [f32('W', [1, -2, 3, -4, 5, -6]), f32('W2', [0.5, 0.25, -1, 2, -3, 4])],
      }),
    });
    const bytes = encodeModelProto(model);
    const analysis = analyzeBytes(bytes);
    const segments = splitSegments(analysis, [0, 0, 2, 0], ['device', 'edge', 'cloud']);
    expect(segments.map((s) => s.id)).toEqual(['device-0', 'cloud-1', 'device-2']);
    expect(segments[1]!.inputs.map((t) => t.name).sort()).toEqual(['a', 'b', 'cond']);
    const parts = segments.map((segment) => ({ segment, bytes: extractSubModel(analysis, segment) }));
    expect(decodeModelProto(parts[1]!.bytes).graph?.initializer?.map((t) => t.name)).toEqual(['W2']);
    const x = new ort.Tensor('float32', Float32Array.from([-1, 2, -3, 4, -5, 6]), [2, 3]);
    for (const cond of [0, 1]) {
      const inputs = { x, cond: new ort.Tensor('bool', Uint8Array.from([cond]), []) };
      const result = await verifySplit(bytes, parts, inputs, { analysis });
      expect(result.outputs.map((o) => o.name)).toEqual(['z']);
      expect(result.maxAbsDiff).toBe(0);
    }
  });

  it('splits Loop models whose body reads tensors made on other tiers (ONNX node suite, its own inputs)', async () => {
    let crossings = 0;
    for (const name of [
      'test_range_float_type_positive_delta_expanded',
      'test_range_int32_type_negative_delta_expanded',
    ]) {
      const dir = path.join(TESTDATA_ROOT, 'node', name);
      const file = path.join(dir, 'model.onnx');
      const analysis = analyzeFile(file);
      const data = readTestDataSet(dir, analysis.model.proto);
      const inputs = Object.fromEntries(
        analysis.graph.inputs.map((input, i) => [input, ortTensor(data.inputs[i]!.tensors[0]!)]),
      );
      const loop = analysis.graph.nodes.find((n) => n.opType === 'Loop')!;
      expect(loop.implicitInputs.length).toBeGreaterThan(0);
      const random = mulberry32(3);
      for (let k = 0; k < 5; k++) {
        const tiers = Uint8Array.from(analysis.graph.nodes, () => Math.floor(random() * 3));
        const segments = splitSegments(analysis, tiers, ['device', 'edge', 'cloud']);
        checkChain(analysis, segments, tiers);
        const home = segments.find((s) => s.nodes.includes(loop.index))!;
        if (home.inputs.some((t) => loop.implicitInputs.includes(t.name))) crossings++;
        const parts = segments.map((segment) => ({ segment, bytes: extractSubModel(analysis, segment) }));
        checkSubModels(analysis, parts);
        const result = await verifySplit(file, parts, inputs, { analysis });
        expect(result.maxAbsDiff, `${name} placement ${k}`).toBe(0);
      }
    }
    expect(crossings, 'some placement sends a name the Loop body reads across a cut').toBeGreaterThan(0);
  });

  it('keeps symbolic dims as dim_param, so the sub-models run at sizes other than those analysed', async () => {
    const analysis = analyzeFile(SAMPLES[3]!);
    const random = mulberry32(9);
    const tiers = Uint8Array.from(analysis.graph.nodes, () => Math.floor(random() * 3));
    const segments = splitSegments(analysis, tiers, ['device', 'edge', 'cloud']);
    const parts = segments.map((segment) => ({ segment, bytes: extractSubModel(analysis, segment) }));
    const params = parts.flatMap(({ bytes }) =>
      (decodeModelProto(bytes).graph?.input ?? []).flatMap(
        (i) => i.type?.tensorType?.shape?.dim?.map((d) => d.dimParam) ?? [],
      ),
    );
    expect(params).toContain('batch');
    expect(params).toContain('sequence');
    const result = await verifySplit(SAMPLES[3]!, parts, undefined, {
      analysis,
      inputShapes: { input_ids: [3, 9] },
    });
    expect(result.outputs[0]!.elements).toBe(3 * 9 * 64);
    expect(result.maxAbsDiff).toBeLessThanOrEqual(FP32_TOLERANCE);
  });

  it('reports a sub-model onnxruntime refuses as EXPORT_FAILED naming the segment', async () => {
    const analysis = analyzeFile(SAMPLES[0]!);
    const tiers = Uint8Array.from(analysis.graph.nodes, (_, n) => (n < 4 ? 0 : 2));
    const segments = splitSegments(analysis, tiers, ['device', 'edge', 'cloud']);
    const parts = segments.map((segment) => ({ segment, bytes: extractSubModel(analysis, segment) }));
    const broken = decodeModelProto(parts[1]!.bytes);
    broken.graph!.node![0]!.opType = 'NoSuchOperator';
    parts[1] = { segment: parts[1]!.segment, bytes: encodeModelProto(broken) };
    const error = await verifySplit(SAMPLES[0]!, parts, undefined, { analysis }).catch((e: unknown) => e);
    expect(isCutlineError(error) && error.code).toBe('EXPORT_FAILED');
    expect((error as Error).message).toContain(`segment ${segments[1]!.id}`);
    expect((error as Error).message).toContain('NoSuchOperator');
  });

  it('refuses a node placement of the wrong length or with an unknown tier', () => {
    const analysis = analyzeFile(SAMPLES[0]!);
    const count = analysis.graph.nodes.length;
    for (const tiers of [new Uint8Array(count - 1), new Uint8Array(count).fill(3)]) {
      const error = (() => {
        try {
          splitSegments(analysis, tiers, ['device', 'edge', 'cloud']);
        } catch (e) {
          return e;
        }
      })();
      expect(isCutlineError(error) && error.code).toBe('BAD_PLACEMENT');
    }
  });
});
