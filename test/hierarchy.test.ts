/**
 * The block hierarchy: scope paths from node names and torch metadata, scope runs, dissolving
 * useless nesting, sections, rolled-up costs and the initial expansion, on hand-made layer
 * lists and on the sample models.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../core/analyze.js';
import {
  buildHierarchy,
  initialExpansion,
  layerScopes,
  parsePythonStringList,
  scopesFromName,
  scopesFromTorchMetadata,
  visibleItemCount,
  type Hierarchy,
  type HierarchyLayer,
} from '../core/hierarchy/index.js';
import type { ScopeStep } from '../core/hierarchy/index.js';
import { scaleName } from '../core/hierarchy/dim-scale.js';
import { buildModelView } from '../core/view/build.js';
import type { BlockView, LayerCostView } from '../core/view/types.js';
import { TESTDATA_ROOT } from './support/testdata.js';

const SAMPLES = path.join(import.meta.dirname, '..', 'samples');
const COST_KEYS = ['macs', 'flops', 'params', 'paramBytes', 'inputBytes', 'outputBytes'] as const;

function cost(seed: number): LayerCostView {
  return {
    macs: seed * 10,
    flops: seed * 20,
    params: seed,
    paramBytes: seed * 4,
    inputBytes: seed + 1,
    outputBytes: seed + 2,
  };
}

function layersNamed(names: readonly string[]): HierarchyLayer[] {
  return names.map((id, i) => ({ id, scopes: scopesFromName(id), cost: cost(i + 1) }));
}

/**
 * Every invariant a hierarchy must keep: each layer in exactly one innermost block (or the
 * top level), parents and children agree, no block with fewer than two children (a sub-graph
 * block may hold one), at most `maxChildren` children anywhere, blocks are intervals of the
 * layer order, and roll-ups are the sums over the layers inside whose control-flow parent
 * (`within`) is not inside too.
 */
function checkHierarchy(layers: readonly HierarchyLayer[], h: Hierarchy, maxChildren: number): void {
  const byId = new Map(h.blocks.map((b) => [b.id, b]));
  expect(byId.size).toBe(h.blocks.length);
  for (const layer of layers) expect(byId.has(layer.id)).toBe(false);
  const placed = new Map<string, string | null>();
  const place = (layerId: string, block: string | null): void => {
    expect(placed.has(layerId), `${layerId} listed twice`).toBe(false);
    placed.set(layerId, block);
  };
  for (const id of h.roots.layers) place(id, null);
  for (const block of h.blocks) for (const id of block.layers) place(id, block.id);
  layers.forEach((layer, i) => expect(placed.get(layer.id)).toBe(h.layerBlock[i]));
  expect(placed.size).toBe(layers.length);

  const index = new Map(layers.map((l, i) => [l.id, i]));
  const seen = new Set<string>();
  const visit = (id: string, parent: string | null): number[] => {
    const block = byId.get(id)!;
    seen.add(id);
    expect(block.parent).toBe(parent);
    const children = block.blocks.length + block.layers.length;
    expect(children).toBeGreaterThanOrEqual(block.kind === 'subgraph' ? 1 : 2);
    expect(children).toBeLessThanOrEqual(maxChildren);
    const inside = [...block.layers.map((l) => index.get(l)!), ...block.blocks.flatMap((b) => visit(b, id))];
    inside.sort((a, b) => a - b);
    // A block is an interval of the topological order.
    expect(inside[inside.length - 1]! - inside[0]!).toBe(inside.length - 1);
    expect(block.layerCount).toBe(inside.length);
    const insideIds = new Set(inside.map((i) => layers[i]!.id));
    const counted = inside.filter((i) => {
      const within = layers[i]!.within;
      return within === undefined || !insideIds.has(within);
    });
    for (const key of COST_KEYS) {
      expect(block.cost[key]).toBe(counted.reduce((n, i) => n + layers[i]!.cost[key], 0));
    }
    return inside;
  };
  expect(h.roots.blocks.length + h.roots.layers.length).toBeLessThanOrEqual(maxChildren);
  for (const id of h.roots.blocks) visit(id, null);
  expect(seen.size).toBe(h.blocks.length);
}

function sampleLayers(file: string): HierarchyLayer[] {
  const analysis = analyzeFile(path.join(SAMPLES, file));
  return analysis.layers.layers.map((layer, i) => ({
    id: layer.name,
    scopes: scopesFromName(layer.name),
    cost: cost(i),
  }));
}

describe('scope paths', () => {
  it('reads the module path from a node name, leaving out the operator itself', () => {
    expect(scopesFromName('/layer1/layer1.0/conv1/Conv').map((s) => s.key)).toEqual([
      'layer1',
      'layer1.0',
      'conv1',
    ]);
    expect(scopesFromName('model/dense/MatMul').map((s) => s.name)).toEqual(['model', 'dense']);
    expect(scopesFromName('Conv_0')).toEqual([]);
    expect(scopesFromName('/Flatten')).toEqual([]);
  });

  it('parses Python list literals of strings and refuses anything else', () => {
    expect(parsePythonStringList(`['', 'a', "b's", 'c\\'d' ]`)).toEqual(['', 'a', "b's", "c'd"]);
    expect(parsePythonStringList('[]')).toEqual([]);
    expect(parsePythonStringList(`['a',]`)).toEqual(['a']);
    expect(parsePythonStringList(`['a', 1]`)).toBeUndefined();
    expect(parsePythonStringList(`['a'`)).toBeUndefined();
    expect(parsePythonStringList(`('a',)`)).toBeUndefined();
    expect(parsePythonStringList(`['a'] extra`)).toBeUndefined();
  });

  it("reads dynamo's cumulative module paths, naming each block past its parent", () => {
    const steps = scopesFromTorchMetadata(`['', 'layer1', 'layer1.0', 'layer1.0.conv1', 'convolution']`);
    expect(steps).toEqual([
      { key: 'layer1', name: 'layer1' },
      { key: 'layer1.0', name: 'layer1.0' },
      { key: 'layer1.0.conv1', name: 'conv1' },
    ]);
    const blocks = scopesFromTorchMetadata(
      `['', 'blocks.2', 'blocks.2.mlp', 'blocks.2.mlp.fc1', 'linear_8']`,
    );
    expect(blocks?.map((s) => s.name)).toEqual(['blocks.2', 'mlp', 'fc1']);
  });

  it('prefers the torch metadata over the node name and falls back when it does not parse', () => {
    const key = 'pkg.torch.onnx.name_scopes';
    const good = [{ key, value: `['', 'encoder', 'encoder.layers.0', 'addmm']` }];
    expect(layerScopes('node_addmm', good).map((s) => s.name)).toEqual(['encoder', 'layers.0']);
    expect(layerScopes('/a/b/Relu', [{ key, value: 'not a list' }]).map((s) => s.name)).toEqual(['a', 'b']);
    expect(layerScopes('/a/b/Relu', [{ key: 'other', value: `['', 'x', 'y']` }]).map((s) => s.name)).toEqual([
      'a',
      'b',
    ]);
  });
});

describe('buildHierarchy', () => {
  it('makes a second block when a module is called again after other layers', () => {
    const layers = layersNamed([
      '/block/conv1/Conv',
      '/block/conv1/Add',
      '/block/relu/Relu',
      '/block/relu/Sigmoid',
      '/block/conv2/Conv',
      '/block/conv2/Add',
      '/block/relu/Relu_1',
      '/block/relu/Sigmoid_1',
    ]);
    const h = buildHierarchy(layers);
    checkHierarchy(layers, h, 40);
    const block = h.blocks.find((b) => b.id === '/block')!;
    expect(block.blocks).toEqual(['/block/conv1', '/block/relu', '/block/conv2', '/block/relu#2']);
    expect(h.blocks.find((b) => b.id === '/block/relu#2')?.layers).toEqual([
      '/block/relu/Relu_1',
      '/block/relu/Sigmoid_1',
    ]);
  });

  it('dissolves single-layer blocks and collapses single-block chains', () => {
    const layers = layersNamed([
      '/stem/conv/Conv',
      '/model/encoder/layer1/layer1.0/a/Conv',
      '/model/encoder/layer1/layer1.0/b/Relu',
      '/model/encoder/layer1/layer1.0/Add',
      '/model/encoder/layer2/x/MatMul',
      '/model/encoder/layer2/y/MatMul',
    ]);
    const h = buildHierarchy(layers);
    checkHierarchy(layers, h, 40);
    expect(h.roots.layers).toEqual(['/stem/conv/Conv']);
    // /model holds only /model/encoder: the two become one block.
    expect(h.roots.blocks).toEqual(['/model/encoder']);
    const encoder = h.blocks.find((b) => b.id === '/model/encoder')!;
    expect(encoder.name).toBe('model/encoder');
    // layer1 holds only layer1.0, whose name already spells it.
    expect(encoder.blocks).toEqual(['/model/encoder/layer1/layer1.0', '/model/encoder/layer2']);
    expect(h.blocks.find((b) => b.id === '/model/encoder/layer1/layer1.0')?.name).toBe('layer1.0');
    expect(h.layerBlock).toEqual([
      null,
      '/model/encoder/layer1/layer1.0',
      '/model/encoder/layer1/layer1.0',
      '/model/encoder/layer1/layer1.0',
      '/model/encoder/layer2',
      '/model/encoder/layer2',
    ]);
  });

  it('splits a block with too many children into even sections, and sections of sections', () => {
    const names = Array.from({ length: 2000 }, (_, i) => [
      `/net/blocks.${i}/Conv`,
      `/net/blocks.${i}/Relu`,
    ]).flat();
    const layers = layersNamed(names);
    const h = buildHierarchy(layers, { maxChildren: 40 });
    checkHierarchy(layers, h, 40);
    const net = h.blocks.find((b) => b.id === '/net')!;
    expect(net.blocks.map((id) => h.blocks.find((b) => b.id === id)?.name)).toEqual([
      'sections 1–25 of 50',
      'sections 26–50 of 50',
    ]);
    const sections = h.blocks.filter((b) => b.kind === 'section' && b.name.startsWith('section '));
    expect(sections).toHaveLength(50);
    expect(sections.every((s) => s.blocks.length === 40)).toBe(true);
    expect(sections[1]?.name).toBe('section 2 of 50');
  });

  it('sections a long flat top level too', () => {
    const layers = layersNamed(Array.from({ length: 1000 }, (_, i) => `Conv_${i}`));
    const h = buildHierarchy(layers, { maxChildren: 40 });
    checkHierarchy(layers, h, 40);
    expect(h.roots.layers).toEqual([]);
    expect(h.roots.blocks).toHaveLength(25);
  });

  it('never gives a block the id of a layer', () => {
    const layers = layersNamed(['/x', '/x/a/Conv', '/x/b/Relu']);
    const h = buildHierarchy(layers);
    checkHierarchy(layers, h, 40);
    expect(h.roots.blocks).toEqual(['/x#2']);
  });

  it.each([
    'resnet-mini.onnx',
    'transformer-encoder.onnx',
    'mobilenetv2-mini.onnx',
    'edge-prune-vehicle.onnx',
  ])('keeps every invariant on %s', (file) => {
    const layers = sampleLayers(file);
    for (const maxChildren of [40, 4])
      checkHierarchy(layers, buildHierarchy(layers, { maxChildren }), maxChildren);
  });

  it('groups resnet-mini by its residual blocks', () => {
    const layers = sampleLayers('resnet-mini.onnx');
    const h = buildHierarchy(layers);
    expect(h.roots.blocks).toEqual(['/layer1/layer1.0', '/layer2/layer2.0', '/layer3/layer3.0']);
    expect(h.layerBlock[layers.findIndex((l) => l.id === '/layer2/layer2.0/downsample/0/Conv')]).toBe(
      '/layer2/layer2.0/downsample',
    );
    // The ReLU module is called twice in each block; neither call is worth a block of its own.
    expect(h.layerBlock[layers.findIndex((l) => l.id === '/layer1/layer1.0/relu/Relu_1')]).toBe(
      '/layer1/layer1.0',
    );
  });
});

/**
 * A scope-less CNN as PaddleOCR's exporter writes one (`conv2d_12.tmp_0`): a stem at 320×320,
 * four stages that each open with a stride-2 convolution and repeat a residual block with a
 * squeeze-excitation gate (Conv, HardSwish, Conv, GlobalAveragePool 1×1, Conv 1×1, Mul, Add),
 * then an FPN going back up (Resize, Add, Conv per level) and a head ending in a Flatten.
 */
function scopelessDetector(blocksPerStage: readonly number[]): HierarchyLayer[] {
  const layers: HierarchyLayer[] = [];
  const add = (op: string, size: number | null): void => {
    const n = layers.length;
    layers.push({
      id: `${op.toLowerCase()}_${n}.tmp_0`,
      scopes: [],
      cost: cost(n + 1),
      op,
      shape: size === null ? [1, 64] : [1, 64, size, size],
    });
  };
  for (const op of ['Conv', 'BatchNormalization', 'HardSwish']) add(op, 320);
  [160, 80, 40, 20].forEach((size, s) => {
    add('Conv', size);
    for (let b = 0; b < blocksPerStage[s]!; b++) {
      for (const op of ['Conv', 'HardSwish', 'Conv']) add(op, size);
      add('GlobalAveragePool', 1);
      add('Conv', 1);
      add('Mul', size);
      add('Add', size);
    }
  });
  for (const size of [40, 80, 160]) for (const op of ['Resize', 'Add', 'Conv']) add(op, size);
  for (const op of ['Conv', 'Relu', 'Conv', 'Sigmoid']) add(op, 160);
  add('Flatten', null);
  return layers;
}

describe('buildHierarchy without name scopes', () => {
  const nameOf = (h: Hierarchy, id: string): string => h.blocks.find((b) => b.id === id)!.name;

  it('groups a scope-less detector into stages at each change of resolution, not equal counts', () => {
    const layers = scopelessDetector([6, 8, 12, 6]);
    const h = buildHierarchy(layers);
    checkHierarchy(layers, h, 40);
    expect(h.roots.blocks.map((id) => nameOf(h, id))).toEqual([
      'stage 1 · 320×320',
      'stage 2 · 160×160',
      'stage 3 · 80×80',
      'stage 4 · 40×40',
      'stage 5 · 20×20',
      'stage 6 · 40×40',
      'stage 7 · 80×80',
      'stage 8 · 160×160',
    ]);
    expect(h.blocks.some((b) => b.name.startsWith('section'))).toBe(false);
    // A stage holds its stride-2 convolution and every block at its resolution; the 1×1 gate
    // inside each block is a seam, not a stage of its own.
    const stage3 = h.blocks.find((b) => b.name === 'stage 3 · 80×80')!;
    expect(stage3.layerCount).toBe(1 + 8 * 7);
    // The Flatten at the end has no resolution: it stays with the stage before it.
    expect(h.layerBlock[layers.length - 1]).toBe(h.roots.blocks[7]);
  });

  it('cuts a stage too long to read at the repeats of its block, each ending at its residual Add', () => {
    const layers = scopelessDetector([6, 8, 12, 6]);
    const h = buildHierarchy(layers);
    const stage = h.blocks.find((b) => b.name === 'stage 4 · 40×40')!;
    expect(stage.layerCount).toBe(1 + 12 * 7);
    // The stride-2 convolution leads in; then 12 blocks of 7 layers.
    expect(stage.layers).toHaveLength(1);
    expect(stage.blocks.map((id) => nameOf(h, id))).toEqual(
      Array.from({ length: 12 }, (_, k) => `block ${k + 1} of 12`),
    );
    const index = new Map(layers.map((l, i) => [l.id, i]));
    for (const id of stage.blocks) {
      const block = h.blocks.find((b) => b.id === id)!;
      expect(block.layers).toHaveLength(7);
      expect(layers[index.get(block.layers[6]!)!]!.op).toBe('Add');
    }
  });

  it('cuts a flat transformer (no spatial shapes) at the repeats of its encoder layer', () => {
    const layerOps = [
      'LayerNormalization',
      'MatMul',
      'MatMul',
      'Softmax',
      'MatMul',
      'Add',
      'LayerNormalization',
      'MatMul',
      'Gelu',
      'MatMul',
      'Add',
    ];
    const layers: HierarchyLayer[] = [];
    const add = (op: string): void => {
      const n = layers.length;
      layers.push({ id: `node_${n}`, scopes: [], cost: cost(n + 1), op, shape: [1, 128, 256] });
    };
    add('Gather');
    for (let l = 0; l < 12; l++) for (const op of layerOps) add(op);
    const h = buildHierarchy(layers);
    checkHierarchy(layers, h, 40);
    const names = h.roots.blocks.map((id) => nameOf(h, id));
    expect(names.filter((n) => n.startsWith('block '))).toHaveLength(12);
    expect(names.every((n) => n === 'lead-in' || /^block \d+ of 12$/.test(n))).toBe(true);
    // Each repeat ends with the layer's second residual Add.
    const last = h.blocks.find((b) => b.name === 'block 3 of 12')!;
    expect(layers.find((l) => l.id === last.layers.at(-1))!.op).toBe('Add');
  });

  it('keeps even sections for a long list whose structure says nothing', () => {
    const layers: HierarchyLayer[] = Array.from({ length: 100 }, (_, n) => ({
      id: `conv_${n}`,
      scopes: [],
      cost: cost(n + 1),
      op: 'Conv',
      shape: [1, 8, 16, 16],
    }));
    const h = buildHierarchy(layers, { maxChildren: 40 });
    checkHierarchy(layers, h, 40);
    expect(h.roots.blocks.map((id) => nameOf(h, id))).toEqual([
      'section 1 of 3',
      'section 2 of 3',
      'section 3 of 3',
    ]);
  });

  it('groups samples/ocr-det-mini.onnx (flat paddle2onnx names, symbolic H × W) by its stages, named by scale', () => {
    const view = buildModelView(analyzeFile(path.join(SAMPLES, 'ocr-det-mini.onnx')));
    const layers: HierarchyLayer[] = view.layers.map((l) => ({ id: l.id, scopes: [], cost: l.cost }));
    checkHierarchy(
      layers,
      { blocks: view.blocks, layerBlock: view.layers.map((l) => l.block), roots: view.roots },
      40,
    );
    const names = view.roots.blocks.map((id) => view.blocks.find((b) => b.id === id)!.name);
    // The backbone halves the resolution four times after the stem, the FPN and head go back up.
    expect(names.slice(0, 5)).toEqual([
      'stage 1 · H/2×W/2',
      'stage 2 · H/4×W/4',
      'stage 3 · H/8×W/8',
      'stage 4 · H/16×W/16',
      'stage 5 · H/32×W/32',
    ]);
    expect(names.at(-1)).toBe(`stage ${names.length} · H×W`);
    expect(view.blocks.some((b) => b.name.startsWith('section'))).toBe(false);
  });

  it('names a symbolic size by its scale of the input, and leaves other expressions alone', () => {
    expect(scaleName('H')).toBe('H');
    expect(scaleName('floor((H-1)/2)+1')).toBe('H/2');
    expect(scaleName('floor(floor(floor((W - 1) / 2) / 2) / 2) + 1')).toBe('W/8');
    expect(scaleName('2*(2*(8*(floor(floor(floor(floor(floor((H-1)/2)/2)/2)/2)/2)+1)))')).toBe('H');
    expect(scaleName('2*H')).toBe('2H');
    expect(scaleName('ceil(H/3)')).toBeNull();
    expect(scaleName('H*W')).toBeNull();
    expect(scaleName('batch + 1)')).toBeNull();
  });

  it('keeps every invariant on scope-less detectors of many sizes and small limits', () => {
    for (const blocks of [
      [1, 1, 1, 1],
      [2, 30, 3, 1],
      [40, 40, 40, 40],
    ]) {
      const layers = scopelessDetector(blocks);
      for (const maxChildren of [40, 8, 4])
        checkHierarchy(layers, buildHierarchy(layers, { maxChildren }), maxChildren);
    }
  });
});

describe('buildHierarchy with control-flow sub-graphs', () => {
  const cf = (id: string): ScopeStep => ({ key: `\u0000${id}`, name: id.split('/').pop()! });
  const sub = (id: string, attribute: string): ScopeStep => ({
    key: `\u0000${id}/${attribute}/`,
    name: attribute,
    kind: 'subgraph',
  });

  it('nests sub-graph blocks under the node and counts a body once in each roll-up', () => {
    const loop = 'Loop_1';
    const inner = 'Loop_1/body/If_2';
    const layers: HierarchyLayer[] = [
      { id: 'Conv_0', scopes: [], cost: cost(1) },
      { id: loop, scopes: [cf(loop)], cost: cost(100) },
      { id: 'Loop_1/body/MatMul', scopes: [cf(loop), sub(loop, 'body')], cost: cost(7), within: loop },
      { id: inner, scopes: [cf(loop), sub(loop, 'body'), cf(inner)], cost: cost(5), within: loop },
      {
        id: 'Loop_1/body/If_2/then_branch/Add',
        scopes: [cf(loop), sub(loop, 'body'), cf(inner), sub(inner, 'then_branch')],
        cost: cost(3),
        within: inner,
      },
      { id: 'Relu_3', scopes: [], cost: cost(2) },
    ];
    const h = buildHierarchy(layers);
    checkHierarchy(layers, h, 40);
    expect(h.roots).toEqual({ blocks: ['/Loop_1'], layers: ['Conv_0', 'Relu_3'] });
    const block = (id: string): BlockView => h.blocks.find((b) => b.id === id)!;
    expect(block('/Loop_1')).toMatchObject({ kind: 'scope', layers: [loop], blocks: ['/Loop_1/body'] });
    expect(block('/Loop_1').cost).toEqual(cost(100));
    expect(block('/Loop_1').layerCount).toBe(4);
    const body = block('/Loop_1/body');
    expect(body).toMatchObject({ kind: 'subgraph', name: 'body', layers: ['Loop_1/body/MatMul'] });
    // One run of the body: its MatMul and its If, whose cost already holds its branch.
    expect(body.cost.macs).toBe(cost(7).macs + cost(5).macs);
    // A one-layer branch keeps its block: it says which branch the layer belongs to.
    const then = block('/Loop_1/body/If_2/then_branch');
    expect(then).toMatchObject({ kind: 'subgraph', parent: '/Loop_1/body/If_2', layerCount: 1 });
    expect(then.cost).toEqual(cost(3));
  });

  it.each(['test_if', 'test_loop11', 'test_scan9_sum'])(
    'keeps every invariant on the view of %s, sub-graph layers included',
    (name) => {
      const view = buildModelView(analyzeFile(path.join(TESTDATA_ROOT, 'node', name, 'model.onnx')));
      const layers: HierarchyLayer[] = view.layers.map((l) => ({
        id: l.id,
        scopes: [],
        cost: l.cost,
        ...(l.within === undefined ? {} : { within: l.within }),
      }));
      const h: Hierarchy = {
        blocks: view.blocks,
        layerBlock: view.layers.map((l) => l.block),
        roots: view.roots,
      };
      checkHierarchy(layers, h, 40);
      expect(view.blocks.some((b) => b.kind === 'subgraph')).toBe(true);
      // The node's block shows the model's figures: nothing counted twice.
      const nodeBlock = view.blocks.find((b) => b.parent === null)!;
      expect(nodeBlock.cost.flops).toBe(view.summary.totals.flops);
      expect(nodeBlock.cost.macs).toBe(view.summary.totals.macs);
    },
  );
});

describe('initialExpansion', () => {
  /** Blocks by depth, for checking that levels open whole. */
  function levels(h: Hierarchy): string[][] {
    const byId = new Map(h.blocks.map((b) => [b.id, b]));
    const result: string[][] = [];
    for (
      let level = [...h.roots.blocks];
      level.length > 0;
      level = level.flatMap((id) => byId.get(id)!.blocks)
    ) {
      result.push(level);
    }
    return result;
  }

  it.each([
    ['transformer-encoder.onnx', 60],
    ['transformer-encoder.onnx', 10],
    ['resnet-mini.onnx', 60],
    ['resnet-mini.onnx', 12],
    ['mobilenetv2-mini.onnx', 20],
  ])('opens %s level by level within a budget of %i', (file, budget) => {
    const h = buildHierarchy(sampleLayers(file));
    const expanded = initialExpansion(h, budget);
    const open = new Set(expanded);
    const visible = visibleItemCount(h, open);
    expect(visible).toBeLessThanOrEqual(Math.max(budget, h.roots.blocks.length + h.roots.layers.length));
    const all = levels(h);
    const opened = all.findIndex((level) => !level.every((id) => open.has(id)));
    const depth = opened < 0 ? all.length : opened;
    expect(expanded).toEqual(all.slice(0, depth).flat());
    // The next level would not have fitted.
    if (depth < all.length) {
      const more = new Set([...expanded, ...all[depth]!]);
      expect(visibleItemCount(h, more)).toBeGreaterThan(budget);
    }
  });

  it('opens a 10,000-layer model to a readable level', () => {
    const names = Array.from({ length: 1600 }, (_, i) =>
      ['conv1/Conv', 'bn1/BatchNormalization', 'relu1/Relu', 'conv2/Conv', 'Add', 'relu2/Relu'].map(
        (op) => `/blocks/blocks.${i}/${op}`,
      ),
    ).flat();
    const layers = layersNamed([
      '/stem/Conv',
      ...names,
      '/head/pool/GlobalAveragePool',
      '/head/Flatten',
      '/head/fc/Gemm',
    ]);
    const h = buildHierarchy(layers);
    checkHierarchy(layers, h, 40);
    const expanded = initialExpansion(h);
    expect(expanded).toEqual(['/blocks', '/head']);
    expect(visibleItemCount(h, new Set(expanded))).toBe(1 + 40 + 3);
  });
});
