/**
 * buildModelView on real files: the sample models, torch dynamo name-scope metadata, control
 * flow from the ONNX test suite and the 10,000-node benchmark model; and visibleGraph, the
 * graph on screen for a set of expanded blocks.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBytes, analyzeFile } from '../core/analyze.js';
import { initialExpansion, visibleItemCount } from '../core/hierarchy/index.js';
import { graph, model, node, valueInfo } from '../core/onnx/builder.js';
import { encodeModelProto } from '../core/onnx/codec.js';
import { DataType } from '../core/onnx/dtype.js';
import { buildModelView, SHAPE_EDGE_SUFFIX } from '../core/view/build.js';
import type { ModelView } from '../core/view/types.js';
import { itemTier, visibleGraph } from '../core/view/visible.js';
import { buildDeep10k } from '../bench/models/deep10k.js';
import { TESTDATA_ROOT, testdataCases } from './support/testdata.js';

const SAMPLES = path.join(import.meta.dirname, '..', 'samples');

/** What every view must hold, whatever the model. */
function checkView(view: ModelView): void {
  expect(JSON.parse(JSON.stringify(view))).toEqual(view);
  expect(structuredClone(view)).toEqual(view);
  const layerIds = new Set(view.layers.map((l) => l.id));
  expect(layerIds.size).toBe(view.layers.length);
  view.layers.forEach((layer, i) => expect(layer.order).toBe(i));
  const edgeIds = view.edges.map((e) => e.id);
  expect(new Set(edgeIds).size).toBe(edgeIds.length);
  for (const edge of view.edges) {
    if (edge.from !== null) expect(layerIds.has(edge.from)).toBe(true);
    for (const to of edge.to) expect(layerIds.has(to)).toBe(true);
  }
  const blocks = new Map(view.blocks.map((b) => [b.id, b]));
  for (const layer of view.layers) {
    const listed = layer.block === null ? view.roots.layers : blocks.get(layer.block)?.layers;
    expect(listed, layer.id).toContain(layer.id);
  }
  expect(view.roots.layers.length + view.blocks.reduce((n, b) => n + b.layers.length, 0)).toBe(
    view.layers.length,
  );
  // The summary counts the main graph's layers; sub-graph layers are view-only.
  expect(view.summary.layerCount).toBe(view.layers.filter((l) => l.within === undefined).length);
  for (const layer of view.layers) {
    if (layer.within === undefined) continue;
    // A view-only layer sits after its control-flow parent, inside that parent's block.
    const parent = view.layers.find((l) => l.id === layer.within)!;
    expect(parent.order).toBeLessThan(layer.order);
    expect(layer.id.startsWith(`${parent.id}/`)).toBe(true);
    let block = layer.block === null ? undefined : blocks.get(layer.block);
    while (block && !block.layers.includes(parent.id))
      block = block.parent === null ? undefined : blocks.get(block.parent);
    expect(block, `${layer.id} outside its parent's block`).toBeDefined();
  }
}

describe('buildModelView', () => {
  it('describes resnet-mini: tensors, attributes, costs, blocks and edges', () => {
    const analysis = analyzeFile(path.join(SAMPLES, 'resnet-mini.onnx'));
    const view = buildModelView(analysis);
    checkView(view);
    expect(view.layers.map((l) => l.id)).toEqual(analysis.layers.layers.map((l) => l.name));
    const conv = view.layers.find((l) => l.id === '/layer1/layer1.0/conv1/Conv')!;
    expect(conv.op).toBe('Conv');
    expect(conv.block).toBe('/layer1/layer1.0');
    expect(conv.attributes).toContainEqual({ name: 'kernel_shape', value: '[3, 3]' });
    const weight = conv.inputs.find((t) => t.name.endsWith('weight'))!;
    expect(weight.dtype).toBe('float');
    expect(weight.bytes).toBe(4 * (weight.shape as number[]).reduce((n, d) => n * d, 1));
    const source = analysis.layers.layers.find((l) => l.name === conv.id)!;
    expect(conv.cost.macs).toBe(source.macs);
    expect(conv.cost.paramBytes).toBe(source.paramBytes);
    expect(conv.exact).toEqual(source.exact);

    const add = view.edges.find(
      (e) => e.to.includes('/layer1/layer1.0/Add') && e.from === '/maxpool/MaxPool',
    );
    expect(add?.kind).toBe('data');
    expect(view.summary.totals.macs).toBe(analysis.totals.macs);
    expect(view.summary.name).toBe('resnet-mini.onnx');
    const block = view.blocks.find((b) => b.id === '/layer1/layer1.0')!;
    const inside = view.layers.filter((l) => l.block === block.id);
    expect(block.layerCount).toBe(inside.length);
    expect(block.cost.flops).toBe(inside.reduce((n, l) => n + l.cost.flops, 0));
  });

  it.each(['transformer-encoder.onnx', 'mobilenetv2-mini.onnx', 'edge-prune-vehicle.onnx'])(
    'builds a consistent view of %s',
    (file) => {
      const view = buildModelView(analyzeFile(path.join(SAMPLES, file)));
      checkView(view);
    },
  );

  it('keeps the declared input shapes beside the bound ones, so a bound model still names its symbolic dims', () => {
    const file = path.resolve('samples/ocr-det-mini.onnx');
    const bound = buildModelView(analyzeFile(file, { inputShapes: { x: [1, 3, 640, 640] } }));
    expect(bound.summary.inputs[0]!.shape).toEqual([1, 3, 640, 640]);
    expect(bound.summary.declaredInputShapes).toEqual({ x: [1, 3, 'H', 'W'] });
    expect(buildModelView(analyzeFile(file)).summary.declaredInputShapes).toEqual({ x: [1, 3, 'H', 'W'] });
  });

  it('gives a shape-only edge an id of its own beside the data edge of the same tensor', () => {
    const view = buildModelView(analyzeFile(path.join(SAMPLES, 'transformer-encoder.onnx')));
    expect(view.blocks.some((b) => b.id === '/encoder/layer.0')).toBe(true);
    const shapeEdges = view.edges.filter((e) => e.kind === 'shape');
    for (const edge of shapeEdges) expect(edge.id.endsWith(SHAPE_EDGE_SUFFIX)).toBe(true);
    const both = shapeEdges.filter((e) =>
      view.edges.some((d) => d.kind === 'data' && `${d.id}${SHAPE_EDGE_SUFFIX}` === e.id),
    );
    expect(both.length).toBeGreaterThan(0);
  });

  it('groups by torch dynamo name-scope metadata when nodes carry it', () => {
    const scopes = (list: readonly string[]): { key: string; value: string }[] => [
      { key: 'pkg.torch.onnx.name_scopes', value: `[${list.map((s) => `'${s}'`).join(', ')}]` },
    ];
    const relu = (
      name: string,
      input: string,
      output: string,
      scope: readonly string[],
    ): ReturnType<typeof node> => ({
      ...node('Relu', [input], [output], [], name),
      metadataProps: scopes(scope),
    });
    const nodes = [
      relu('relu', 'x', 'a', ['', 'encoder', 'encoder.layers.0', 'relu']),
      relu('relu_1', 'a', 'b', ['', 'encoder', 'encoder.layers.0', 'relu_1']),
      relu('relu_2', 'b', 'c', ['', 'encoder', 'encoder.layers.1', 'relu_2']),
      relu('relu_3', 'c', 'y', ['', 'encoder', 'encoder.layers.1', 'relu_3']),
    ];
    const bytes = encodeModelProto(
      model({
        graph: graph({
          name: 'dynamo',
          nodes,
          inputs: [valueInfo('x', DataType.FLOAT, [1, 8])],
          outputs: [valueInfo('y', DataType.FLOAT, [1, 8])],
        }),
      }),
    );
    const view = buildModelView(analyzeBytes(bytes));
    checkView(view);
    expect(view.roots.blocks).toEqual(['/encoder']);
    expect(view.blocks.find((b) => b.id === '/encoder')?.blocks).toEqual([
      '/encoder/layers.0',
      '/encoder/layers.1',
    ]);
    expect(view.layers.map((l) => l.block)).toEqual([
      '/encoder/layers.0',
      '/encoder/layers.0',
      '/encoder/layers.1',
      '/encoder/layers.1',
    ]);
  });

  it('opens a Loop body into a sub-graph block of view-only layers with shapes and costs', () => {
    const analysis = analyzeFile(path.join(TESTDATA_ROOT, 'node', 'test_loop11', 'model.onnx'));
    const view = buildModelView(analysis);
    checkView(view);
    const loop = view.layers[0]!;
    expect(loop).toMatchObject({ id: 'Loop_0', op: 'Loop', block: '/Loop_0' });
    expect(loop.within).toBeUndefined();
    const body = view.blocks.find((b) => b.kind === 'subgraph')!;
    expect(body).toMatchObject({ id: '/Loop_0/body', name: 'body', parent: '/Loop_0' });
    const nodeBlock = view.blocks.find((b) => b.id === '/Loop_0')!;
    expect(nodeBlock).toMatchObject({ kind: 'scope', layers: ['Loop_0'], blocks: ['/Loop_0/body'] });
    // The body's layers, ids prefixed by the node and attribute; its Constant plumbing folded away.
    const bodyGraph = analysis.graph.nodes[0]!.subgraphs.get('body')!;
    const inBody = view.layers.filter((l) => l.within === 'Loop_0');
    expect(body.layers).toEqual(inBody.map((l) => l.id));
    expect(inBody.map((l) => l.op)).toEqual([
      'Identity',
      'Add',
      'Unsqueeze',
      'Unsqueeze',
      'Slice',
      'Add',
      'Identity',
    ]);
    for (const layer of inBody) {
      expect(layer.id.startsWith('Loop_0/body/')).toBe(true);
      expect(bodyGraph.nodes.some((n) => `Loop_0/body/${n.name}` === layer.id)).toBe(true);
    }
    // Shapes from the body's own inference: y_out is the running sum, one float.
    const add = view.layers.find((l) => l.id === 'Loop_0/body/Add_7')!;
    expect(add.outputs).toEqual([{ name: 'y_out', dtype: 'float', shape: [1], bytes: 4 }]);
    expect(add.cost.flops).toBe(1);
    // Edges inside the body join its layers; nothing from outside enters it.
    const bodyEdges = view.edges.filter((e) => e.id.startsWith('Loop_0/body/'));
    expect(bodyEdges.find((e) => e.tensor === 'slice_out')).toMatchObject({
      from: 'Loop_0/body/Slice_6',
      to: ['Loop_0/body/Add_7'],
    });
    expect(bodyEdges.every((e) => e.from !== null && e.from.startsWith('Loop_0/body/'))).toBe(true);
    // Roll-ups: the body block sums one run of the body; the node's block counts the Loop once.
    expect(body.cost.flops).toBe(inBody.reduce((n, l) => n + l.cost.flops, 0));
    expect(body.layerCount).toBe(inBody.length);
    expect(nodeBlock.cost).toEqual(loop.cost);
    expect(nodeBlock.layerCount).toBe(1 + inBody.length);
    expect(view.summary.totals.flops).toBe(analysis.totals.flops);
    expect(view.summary.layerCount).toBe(1);
  });

  it('opens both branches of an If, and a Scan body, each in a block named after its attribute', () => {
    const ifView = buildModelView(analyzeFile(path.join(TESTDATA_ROOT, 'node', 'test_if', 'model.onnx')));
    checkView(ifView);
    expect(ifView.layers[0]!.attributes.map((a) => a.value).sort()).toEqual([
      'graph else_body',
      'graph then_body',
    ]);
    const branches = ifView.blocks.filter((b) => b.kind === 'subgraph');
    expect(branches.map((b) => b.name).sort()).toEqual(['else_branch', 'then_branch']);
    for (const branch of branches) {
      expect(branch.parent).toBe('/If_0');
      // Both branches hold a node named Constant_0: the prefix keeps the ids apart.
      expect(branch.layers).toEqual([`If_0/${branch.name}/Constant_0`]);
    }
    const then = ifView.layers.find((l) => l.id === 'If_0/then_branch/Constant_0')!;
    expect(then).toMatchObject({ op: 'Constant', within: 'If_0', block: '/If_0/then_branch' });
    expect(then.outputs[0]).toMatchObject({ name: 'then_out', shape: [5], bytes: 20 });

    const scan = buildModelView(
      analyzeFile(path.join(TESTDATA_ROOT, 'node', 'test_scan9_sum', 'model.onnx')),
    );
    checkView(scan);
    const body = scan.blocks.find((b) => b.kind === 'subgraph')!;
    expect(body).toMatchObject({
      id: '/Scan_0/body',
      layers: ['Scan_0/body/Add_0', 'Scan_0/body/Identity_1'],
    });
    const scanLayer = scan.layers.find((l) => l.id === 'Scan_0')!;
    // The Scan runs its body once per slice (3 here): its cost is three times the body block's.
    expect(scanLayer.cost.flops).toBe(3 * body.cost.flops);
    expect(scan.blocks.find((b) => b.id === '/Scan_0')!.cost).toEqual(scanLayer.cost);
  });

  it('builds a serializable view of every ONNX backend node test model it can analyze', () => {
    let built = 0;
    for (const dir of testdataCases('node')) {
      let analysis;
      try {
        analysis = analyzeFile(path.join(dir, 'model.onnx'));
      } catch {
        continue; // refused models are covered by the conformance tests
      }
      checkView(buildModelView(analysis));
      built++;
    }
    expect(built).toBeGreaterThan(900);
  });

  it('opens the 10,000-node benchmark model sectioned and within the budget', () => {
    const view = buildModelView(analyzeBytes(encodeModelProto(buildDeep10k())));
    checkView(view);
    expect(view.layers.length).toBeGreaterThan(10_000);
    const expanded = initialExpansion(view);
    expect(visibleItemCount(view, new Set(expanded))).toBeLessThanOrEqual(60);
    const sections = view.blocks.filter((b) => b.kind === 'section');
    expect(sections.length).toBeGreaterThanOrEqual(40);
    for (const block of view.blocks)
      expect(block.blocks.length + block.layers.length).toBeLessThanOrEqual(40);
  });
});

describe('visibleGraph', () => {
  const view = buildModelView(analyzeFile(path.join(SAMPLES, 'resnet-mini.onnx')));

  it('shows every layer when every block is open', () => {
    const visible = visibleGraph(view, new Set(view.blocks.map((b) => b.id)));
    expect(visible.items.map((i) => i.id)).toEqual(view.layers.map((l) => l.id));
    const layerEdges = view.edges
      .filter((e) => e.from !== null)
      .flatMap((e) => e.to.map((t) => `${e.from}→${t}`));
    expect(visible.edges.map((e) => e.id).sort()).toEqual([...new Set(layerEdges)].sort());
  });

  it('merges the edges of a collapsed block and hides the ones inside it', () => {
    const visible = visibleGraph(view, new Set());
    const block = '/layer2/layer2.0';
    const item = visible.items.find((i) => i.id === block)!;
    expect(item.kind).toBe('block');
    expect(item.layers).toEqual(view.layers.filter((l) => l.block?.startsWith(block)).map((l) => l.id));
    for (const layer of item.layers) expect(visible.owner.get(layer)).toBe(block);
    expect(visible.edges.every((e) => e.source !== e.target)).toBe(true);
    const into = visible.edges.filter((e) => e.target === block);
    expect(into.map((e) => e.source)).toEqual(['/layer1/layer1.0']);
    // The block's input is read by its first conv and its downsample branch: one tensor, once.
    const tensor = view.edges.find((e) => e.id === into[0]!.tensors[0])!;
    expect(into[0]!.bytes).toBe(tensor.bytes);
    // Items follow the topological order.
    const first = (id: string): number =>
      Math.min(
        ...(visible.items.find((i) => i.id === id)?.layers ?? []).map(
          (l) => view.layers.find((x) => x.id === l)!.order,
        ),
      );
    const starts = visible.items.map((i) => first(i.id));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  it('puts a collapsed block in the lane most of its layers are on', () => {
    const visible = visibleGraph(view, new Set());
    const item = visible.items.find((i) => i.id === '/layer3/layer3.0')!;
    const [first, ...rest] = item.layers;
    expect(itemTier(item, {})).toBe('device');
    expect(itemTier(item, Object.fromEntries(rest.map((id) => [id, 'cloud'])))).toBe('cloud');
    expect(itemTier(item, { [first!]: 'edge' })).toBe('device');
    expect(itemTier(visible.items[0]!, { [visible.items[0]!.id]: 'edge' })).toBe('edge');
  });
});
