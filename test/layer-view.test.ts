/**
 * The layer view on hand-built graphs: exporter plumbing (Constant, Identity of weights, shape
 * arithmetic) folds into the layer it feeds, and the edges between layers carry the data bytes.
 */
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../core/graph/build.js';
import type { Graph, Shape } from '../core/graph/types.js';
import {
  attr,
  constantNode,
  graph as graphProto,
  node,
  tensorFromFloat32,
  tensorFromInt64,
  scalarInt64,
  valueInfo,
} from '../core/onnx/builder.js';
import type { NodeProto, TensorProto } from '../core/onnx/codec.js';
import { DataType } from '../core/onnx/dtype.js';
import type { ValueInfo } from '../core/shape/types.js';
import { graphCosts, modelCostTotals } from '../core/costs/index.js';
import { buildLayerView, type LayerView } from '../core/layers/index.js';

const F = DataType.FLOAT;
const I64 = DataType.INT64;

function weight(name: string, dims: readonly number[]): TensorProto {
  return tensorFromFloat32(name, dims, new Float32Array(dims.reduce((n, d) => n * d, 1)));
}

type Facts = readonly [dtype: number, shape: Shape, value?: readonly number[]];

/** Graph inputs are the names in `facts` that no node makes and no initializer holds. */
function analyse(
  nodes: readonly NodeProto[],
  initializers: readonly TensorProto[],
  facts: Readonly<Record<string, Facts>>,
  outputs: readonly string[],
): { graph: Graph; view: LayerView; names: (indices: readonly number[]) => string[] } {
  const made = new Set(nodes.flatMap((n) => n.output ?? []));
  const weights = new Set(initializers.map((t) => t.name));
  const info = (name: string) => {
    const [dtype, shape] = facts[name] ?? [F, []];
    return valueInfo(
      name,
      dtype as DataType,
      shape.map((d) => d ?? '?'),
    );
  };
  const inputs = Object.keys(facts).filter((n) => !made.has(n) && !weights.has(n));
  const graph = buildGraph(
    graphProto({ name: 'g', nodes, initializers, inputs: inputs.map(info), outputs: outputs.map(info) }),
  );
  const values = new Map<string, ValueInfo>();
  for (const [name, [dtype, shape, data]] of Object.entries(facts)) {
    values.set(name, data ? { dtype, shape, value: { dims: shape as number[], data } } : { dtype, shape });
  }
  for (const t of initializers)
    values.set(t.name ?? '', { dtype: t.dataType ?? 0, shape: (t.dims ?? []).map(Number) });
  const costs = graphCosts(graph, values);
  const view = buildLayerView(graph, values, costs);
  // The layer totals must add up to the node totals: folding hides nodes, never work.
  const totals = modelCostTotals(graph, costs);
  expect(view.layers.reduce((n, l) => n + l.macs, 0)).toBe(totals.macs);
  expect(view.layers.reduce((n, l) => n + l.flops, 0)).toBe(totals.flops);
  const names = (indices: readonly number[]) => indices.map((i) => graph.nodes[i]?.name ?? `?${i}`);
  return { graph, view, names };
}

describe('layer view', () => {
  it('folds the Shape → Gather → Unsqueeze → Concat chain into the Reshape it feeds', () => {
    const { view, names } = analyse(
      [
        node('Conv', ['x', 'W', 'B'], ['y'], [attr.ints('pads', [1, 1, 1, 1])], 'conv'),
        node('Shape', ['y'], ['s'], [], 'shape'),
        constantNode(scalarInt64('idx', 0), 'idx'),
        node('Gather', ['s', 'idx'], ['n'], [attr.int('axis', 0)], 'gather'),
        node('Unsqueeze', ['n', 'axes'], ['n1'], [], 'unsqueeze'),
        node('Concat', ['n1', 'minus1'], ['shp'], [attr.int('axis', 0)], 'concat'),
        node('Reshape', ['y', 'shp'], ['z'], [], 'flatten'),
        node('Gemm', ['z', 'Wfc', 'bfc'], ['out'], [attr.int('transB', 1)], 'fc'),
      ],
      [
        weight('W', [4, 3, 3, 3]),
        weight('B', [4]),
        tensorFromInt64('axes', [1], [0]),
        tensorFromInt64('minus1', [1], [-1]),
        weight('Wfc', [10, 256]),
        weight('bfc', [10]),
      ],
      {
        x: [F, [2, 3, 8, 8]],
        y: [F, [2, 4, 8, 8]],
        s: [I64, [4], [2, 4, 8, 8]],
        idx: [I64, [], [0]],
        n: [I64, [], [2]],
        n1: [I64, [1], [2]],
        shp: [I64, [2], [2, -1]],
        z: [F, [2, 256]],
        out: [F, [2, 10]],
      },
      ['out'],
    );
    expect(view.layers.map((l) => l.name)).toEqual(['conv', 'flatten', 'fc']);
    const [conv, flatten, fc] = view.layers;
    expect(names(flatten?.hidden ?? [])).toEqual(['shape', 'idx', 'gather', 'unsqueeze', 'concat']);
    expect(conv?.hidden).toEqual([]);
    expect(view.plumbing.size).toBe(5);
    for (const t of ['s', 'idx', 'n', 'n1', 'shp', 'W', 'axes'])
      expect(view.staticTensors.has(t), t).toBe(true);
    for (const t of ['x', 'y', 'z', 'out']) expect(view.staticTensors.has(t), t).toBe(false);

    expect(conv).toMatchObject({
      op: 'Conv',
      params: 4 * 27 + 4,
      macs: 512 * 27,
      inputBytes: 384 * 4,
      outputBytes: 512 * 4,
    });
    expect(conv?.outputShapes).toEqual([[2, 4, 8, 8]]);
    expect(conv?.dtype).toBe(F);
    // Shape arguments are not weights: the Reshape layer has no parameters.
    expect(flatten).toMatchObject({
      op: 'Reshape',
      macs: 0,
      flops: 0,
      params: 0,
      inputBytes: 512 * 4,
      outputBytes: 512 * 4,
    });
    expect(fc).toMatchObject({
      op: 'Gemm',
      macs: 20 * 256,
      params: 2570,
      paramBytes: 2570 * 4,
      outputBytes: 80,
    });
    expect(fc?.exact).toEqual({ compute: true, params: true, activations: true });

    const edges = view.edges.map((e) => ({
      tensor: e.tensor,
      kind: e.kind,
      from: e.from === null ? null : names([e.from])[0],
      to: names(e.to),
      bytes: e.bytes,
      out: e.isGraphOutput,
    }));
    expect(edges).toEqual([
      { tensor: 'x', kind: 'data', from: null, to: ['conv'], bytes: 1536, out: false },
      { tensor: 'y', kind: 'data', from: 'conv', to: ['flatten'], bytes: 2048, out: false },
      { tensor: 'z', kind: 'data', from: 'flatten', to: ['fc'], bytes: 2048, out: false },
      { tensor: 'out', kind: 'data', from: 'fc', to: [], bytes: 80, out: true },
    ]);
    const flattenNode = flatten?.node ?? -1;
    for (const h of flatten?.hidden ?? []) expect(view.owner.get(h)).toBe(flattenNode);
  });

  it('hides Identity of a weight in its consumer and keeps its parameters there', () => {
    const { view, names } = analyse(
      [node('Identity', ['Wi'], ['Wid'], [], 'id'), node('MatMul', ['x', 'Wid'], ['y'], [], 'mm')],
      [weight('Wi', [4, 4])],
      { x: [F, [1, 4]], Wid: [F, [4, 4]], y: [F, [1, 4]] },
      ['y'],
    );
    expect(view.layers).toHaveLength(1);
    const [mm] = view.layers;
    expect(names(mm?.hidden ?? [])).toEqual(['id']);
    expect(mm).toMatchObject({ params: 16, paramBytes: 64, macs: 16, inputBytes: 16 });
    expect(mm?.paramTensors.map((p) => p.name)).toEqual(['Wi']);
  });

  it('a layer that reads only the shape of a tensor gets a shape edge', () => {
    const { view, names } = analyse(
      [
        node('Relu', ['x'], ['r'], [], 'relu'),
        node('Shape', ['x'], ['sx'], [], 'shape'),
        node('ConstantOfShape', ['sx'], ['zeros'], [], 'zeros'),
        node('Add', ['r', 'zeros'], ['y'], [], 'add'),
      ],
      [],
      { x: [F, [3, 5]], r: [F, [3, 5]], sx: [I64, [2], [3, 5]], zeros: [F, [3, 5]], y: [F, [3, 5]] },
      ['y'],
    );
    expect(view.layers.map((l) => l.name)).toEqual(['relu', 'add']);
    const shapeEdge = view.edges.find((e) => e.kind === 'shape');
    expect(shapeEdge).toMatchObject({ tensor: 'x', from: null, bytes: 16, exact: true });
    expect(names(shapeEdge?.to ?? [])).toEqual(['add']);
    const add = view.layers[1];
    expect(add?.inputBytes).toBe(60 + 16);
    expect(names(add?.hidden ?? [])).toEqual(['shape', 'zeros']);
  });

  it('a constant shared by two layers folds into the first; constant graph outputs stay visible; dead constants are detached', () => {
    const { view, names } = analyse(
      [
        constantNode(weight('c', [4]), 'c'),
        node('Add', ['x', 'c'], ['p'], [], 'add'),
        node('Mul', ['p', 'c'], ['q'], [], 'mul'),
        constantNode(weight('k', [2]), 'k'),
        constantNode(weight('dead', [2]), 'dead'),
      ],
      [],
      { x: [F, [2, 4]], c: [F, [4]], p: [F, [2, 4]], q: [F, [2, 4]], k: [F, [2]], dead: [F, [2]] },
      ['q', 'k'],
    );
    expect(view.layers.map((l) => l.name)).toEqual(['add', 'mul', 'k']);
    expect(names(view.layers[0]?.hidden ?? [])).toEqual(['c']);
    expect(view.layers[1]?.hidden).toEqual([]);
    // Both layers read the weight; the model totals count it once.
    expect(view.layers[0]?.params).toBe(4);
    expect(view.layers[1]?.params).toBe(4);
    expect(names(view.detached)).toEqual(['dead']);
    expect(view.edges.find((e) => e.tensor === 'k')).toMatchObject({ isGraphOutput: true, to: [] });
    expect(view.edges.some((e) => e.tensor === 'c')).toBe(false);
  });

  it('symbolic dimensions make the edge bytes a lower bound', () => {
    const { view } = analyse(
      [node('Relu', ['x'], ['y'], [], 'relu')],
      [],
      { x: [F, ['batch', 8]], y: [F, ['batch', 8]] },
      ['y'],
    );
    expect(view.edges.map((e) => [e.tensor, e.bytes, e.exact])).toEqual([
      ['x', 32, false],
      ['y', 32, false],
    ]);
    expect(view.layers[0]?.exact.activations).toBe(false);
  });
});
