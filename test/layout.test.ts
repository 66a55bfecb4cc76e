/**
 * The swimlane layered layout: geometric invariants on generated DNN-like graphs of 1,000 and
 * 5,000 nodes and on the sample models, cycles, routing waypoints, cancellation and progress.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../core/analyze.js';
import {
  layoutGraph,
  type GraphLayout,
  type LaneBand,
  type LayoutInput,
  type LayoutOptions,
} from '../core/layout/index.js';
import { buildModelView } from '../core/view/build.js';
import { itemTier, visibleGraph } from '../core/view/visible.js';
import { TIERS, type Tier } from '../core/view/types.js';
import { dnnLikeGraph, LAYER_BOX } from './support/dnn-like-graph.js';

const SAMPLES = path.join(import.meta.dirname, '..', 'samples');

function mustLayout(input: LayoutInput, options: LayoutOptions = {}): GraphLayout {
  const layout = layoutGraph(input, options);
  if (!layout) throw new Error('layout was cancelled');
  return layout;
}

/** The lane a node is drawn in: its tier's, else (a tier the topology lacks) the nearest one below it. */
function laneTierOf(tier: Tier, tiers: readonly Tier[]): Tier {
  for (let i = TIERS.indexOf(tier); i >= 0; i--) if (tiers.includes(TIERS[i]!)) return TIERS[i]!;
  return tiers[0]!;
}

/**
 * Invariants of any layout: lanes side by side as columns in the order of the topology's tiers,
 * without gaps and fitting their content; each node inside its lane; ranks going down (a
 * producer above its consumer unless the edge was reversed to break a cycle); no two nodes
 * overlapping; waypoints between their ends.
 */
function checkLayout(input: LayoutInput, layout: GraphLayout): void {
  const tiers = input.tiers ?? TIERS;
  expect(layout.lanes.map((l) => l.tier)).toEqual(tiers);
  layout.lanes.forEach((lane, i) => {
    expect(lane.x).toBe(i === 0 ? 0 : layout.lanes[i - 1]!.x + layout.lanes[i - 1]!.width);
    expect(lane.y).toBeLessThanOrEqual(0);
    expect(lane.y + lane.height).toBeGreaterThanOrEqual(layout.height);
  });
  expect(layout.width).toBe(layout.lanes.reduce((w, l) => w + l.width, 0));
  expect(layout.nodes.map((n) => n.id)).toEqual(input.nodes.map((n) => n.id));
  const band = new Map(layout.lanes.map((l) => [l.tier, l]));
  const laneOf = (tier: Tier): LaneBand => band.get(laneTierOf(tier, tiers))!;
  /** Per lane: the rightmost slot centre and the widest node. */
  const rightmost = new Map<Tier, number>();
  const widest = new Map<Tier, number>();
  layout.nodes.forEach((node, i) => {
    const lane = laneOf(input.nodes[i]!.tier);
    expect(node.tier).toBe(input.nodes[i]!.tier);
    expect(node.x).toBeGreaterThanOrEqual(lane.x);
    expect(node.x + node.width).toBeLessThanOrEqual(lane.x + lane.width);
    expect(node.y).toBeGreaterThanOrEqual(0);
    expect(node.y + node.height).toBeLessThanOrEqual(layout.height);
    rightmost.set(lane.tier, Math.max(rightmost.get(lane.tier) ?? 0, node.x + node.width / 2));
    widest.set(lane.tier, Math.max(widest.get(lane.tier) ?? 0, node.width));
  });
  const at = new Map(layout.nodes.map((n) => [n.id, n]));
  for (const edge of layout.edges) {
    const tier = laneOf(at.get(edge.source)!.tier).tier;
    for (const bend of edge.bends) rightmost.set(tier, Math.max(rightmost.get(tier) ?? 0, bend.x));
  }
  // Lane widths fit their content: the padding (40) right of the last slot, no more; a slot is
  // as wide as the lane's widest node, 240 at least.
  for (const lane of layout.lanes) {
    const centre = rightmost.get(lane.tier);
    const slot = Math.max(widest.get(lane.tier) ?? 0, 240);
    if (centre !== undefined) expect(lane.x + lane.width - centre).toBeCloseTo(40 + slot / 2, 6);
  }

  for (const edge of layout.edges) {
    const source = at.get(edge.source)!;
    const target = at.get(edge.target)!;
    const [upper, lower] = edge.reversed ? [target, source] : [source, target];
    expect(upper.rank).toBeLessThan(lower.rank);
    expect(upper.y + upper.height).toBeLessThan(lower.y);
    const ys = edge.bends.map((b) => b.y);
    if (edge.reversed) ys.reverse();
    for (let k = 0; k < ys.length; k++) {
      expect(ys[k]!).toBeGreaterThan(k === 0 ? upper.y + upper.height : ys[k - 1]!);
      expect(ys[k]!).toBeLessThan(lower.y);
    }
    const lane = laneOf(source.tier);
    for (const bend of edge.bends) expect(bend.x > lane.x && bend.x < lane.x + lane.width).toBe(true);
  }

  // No overlaps: nodes of one rank are in one band across the canvas, so only they can meet.
  const byRank = new Map<number, (typeof layout.nodes)[number][]>();
  for (const node of layout.nodes) byRank.set(node.rank, [...(byRank.get(node.rank) ?? []), node]);
  for (const level of byRank.values()) {
    const sorted = [...level].sort((a, b) => a.x - b.x);
    for (let k = 1; k < sorted.length; k++)
      expect(sorted[k]!.x).toBeGreaterThanOrEqual(sorted[k - 1]!.x + sorted[k - 1]!.width);
  }
  const ranks = [...byRank.keys()].sort((a, b) => a - b);
  expect(ranks).toEqual(Array.from({ length: layout.ranks }, (_, r) => r));
  for (let k = 1; k < ranks.length; k++) {
    const previousBottom = Math.max(...byRank.get(k - 1)!.map((n) => n.y + n.height));
    expect(Math.min(...byRank.get(k)!.map((n) => n.y))).toBeGreaterThan(previousBottom);
  }
}

describe('layoutGraph on generated DNN-like graphs', () => {
  it.each([
    [1000, 'device'],
    [1000, 'split'],
    [1000, 'random'],
    [5000, 'split'],
    [5000, 'random'],
  ] as const)('lays out %i nodes (%s lanes) keeping every invariant', (count, tiers) => {
    const input = dnnLikeGraph(count, { tiers, seed: count });
    const layout = mustLayout(input);
    expect(layout.nodes).toHaveLength(count);
    checkLayout(input, layout);
    expect(layout.edges.some((e) => e.bends.length > 0)).toBe(true);
  });

  it('is deterministic', () => {
    const input = dnnLikeGraph(1000, { tiers: 'random', seed: 7 });
    expect(mustLayout(input)).toEqual(mustLayout(structuredClone(input)));
  });

  it('keeps a chain in one straight column going down', () => {
    const nodes = Array.from({ length: 50 }, (_, i) => ({
      id: `c${i}`,
      tier: 'cloud' as const,
      ...LAYER_BOX,
    }));
    const edges = nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: `c${i}`, target: n.id }));
    const layout = mustLayout({ nodes, edges });
    checkLayout({ nodes, edges }, layout);
    expect(new Set(layout.nodes.map((n) => n.x)).size).toBe(1);
    expect(layout.nodes.map((n) => n.rank)).toEqual(nodes.map((_, i) => i));
    const ys = layout.nodes.map((n) => n.y);
    expect(ys).toEqual([...ys].sort((a, b) => a - b));
    // Empty lanes keep one slot so a layer can be dropped on them.
    expect(layout.lanes[0]!.width).toBeGreaterThanOrEqual(240);
  });

  it('routes a tensor read far ahead along one shared trunk, and leaves very long edges unrouted', () => {
    const input = dnnLikeGraph(400, { seed: 3, broadcastEvery: 10 });
    const layout = mustLayout(input, { maxRoutedSpan: 24 });
    checkLayout(input, layout);
    const first = input.nodes[0]!.id;
    const fromFirst = layout.edges.filter((e) => e.source === first);
    const routed = fromFirst.filter((e) => e.bends.length > 0);
    expect(routed.length).toBeGreaterThan(1);
    expect(
      fromFirst.some((e) => e.bends.length === 0 && layout.nodes.find((n) => n.id === e.target)!.rank > 25),
    ).toBe(true);
    // Shared trunk: the shorter routes are prefixes of the longest.
    const longest = routed.reduce((a, b) => (a.bends.length >= b.bends.length ? a : b));
    for (const edge of routed) expect(edge.bends).toEqual(longest.bends.slice(0, edge.bends.length));
  });

  it('moves a source next to its first consumer', () => {
    const nodes = ['a', 'b', 'c', 'd', 'mask'].map((id) => ({ id, tier: 'device' as const, ...LAYER_BOX }));
    const edges = [
      { id: 'ab', source: 'a', target: 'b' },
      { id: 'bc', source: 'b', target: 'c' },
      { id: 'cd', source: 'c', target: 'd' },
      { id: 'md', source: 'mask', target: 'd' },
    ];
    const layout = mustLayout({ nodes, edges });
    expect(layout.nodes.map((n) => n.rank)).toEqual([0, 1, 2, 3, 2]);
  });
});

describe('layoutGraph on awkward input', () => {
  it('breaks a cycle by reversing an edge and keeps the rest going down', () => {
    const nodes = ['a', 'b', 'c', 'd'].map((id) => ({ id, tier: 'edge' as const, ...LAYER_BOX }));
    const edges = [
      { id: 'ab', source: 'a', target: 'b' },
      { id: 'bc', source: 'b', target: 'c' },
      { id: 'cb', source: 'c', target: 'b' },
      { id: 'cd', source: 'c', target: 'd' },
      { id: 'aa', source: 'a', target: 'a' },
    ];
    const layout = mustLayout({ nodes, edges });
    checkLayout({ nodes, edges }, layout);
    expect(layout.edges.map((e) => [e.id, e.reversed])).toEqual([
      ['ab', false],
      ['bc', false],
      ['cb', true],
      ['cd', false],
    ]);
  });

  it('orders nodes listed out of topological order', () => {
    const input = dnnLikeGraph(300, { seed: 11, tiers: 'split' });
    const shuffled = { ...input, nodes: [...input.nodes].reverse() };
    const layout = mustLayout(shuffled);
    checkLayout(shuffled, layout);
    expect(layout.edges.every((e) => !e.reversed)).toBe(true);
  });

  it('lays out an empty graph as three empty lanes', () => {
    const layout = mustLayout({ nodes: [], edges: [] });
    expect(layout.nodes).toEqual([]);
    expect(layout.lanes.every((l) => l.height > 0 && l.width > 0)).toBe(true);
  });

  it('refuses an edge to a node it was not given', () => {
    const nodes = [{ id: 'a', tier: 'device' as const, ...LAYER_BOX }];
    expect(() => layoutGraph({ nodes, edges: [{ id: 'x', source: 'a', target: 'b' }] })).toThrow(
      /not in the layout/,
    );
  });
});

describe('layoutGraph lanes follow the topology', () => {
  it('draws one column per tier of a two-tier topology, device left, cut edges going down', () => {
    const input = { ...dnnLikeGraph(600, { tiers: 'split', seed: 5 }), tiers: ['device', 'cloud'] as const };
    // 'split' puts the middle 30% on the edge: here cloud is the only tier after the device.
    const twoTier: LayoutInput = {
      ...input,
      nodes: input.nodes.map((n) => (n.tier === 'edge' ? { ...n, tier: 'cloud' as const } : n)),
    };
    const layout = mustLayout(twoTier);
    checkLayout(twoTier, layout);
    expect(layout.lanes.map((l) => l.tier)).toEqual(['device', 'cloud']);
    expect(layout.lanes[0]!.x).toBeLessThan(layout.lanes[1]!.x);
    const at = new Map(layout.nodes.map((n) => [n.id, n]));
    const cut = layout.edges.filter((e) => at.get(e.source)!.tier !== at.get(e.target)!.tier);
    expect(cut.length).toBeGreaterThan(0);
    // The cut is a horizontal line: every device layer feeding the cloud sits above its reader.
    for (const edge of cut) expect(at.get(edge.source)!.y).toBeLessThan(at.get(edge.target)!.y);
  });

  it('orders the lanes as the topology lists its tiers, device + edge', () => {
    const nodes = ['a', 'b', 'c'].map((id, i) => ({
      id,
      tier: i < 2 ? ('device' as const) : ('edge' as const),
      ...LAYER_BOX,
    }));
    const edges = [
      { id: 'ab', source: 'a', target: 'b' },
      { id: 'bc', source: 'b', target: 'c' },
    ];
    const input: LayoutInput = { nodes, edges, tiers: ['device', 'edge'] };
    const layout = mustLayout(input);
    checkLayout(input, layout);
    expect(layout.lanes.map((l) => l.tier)).toEqual(['device', 'edge']);
    const [a, b, c] = layout.nodes;
    expect(a!.y).toBeLessThan(b!.y);
    expect(b!.y).toBeLessThan(c!.y);
    expect(c!.x).toBeGreaterThanOrEqual(layout.lanes[1]!.x);
  });

  it('draws a layer on a tier the topology lacks in the nearest lane instead of failing', () => {
    const nodes = [
      { id: 'a', tier: 'device' as const, ...LAYER_BOX },
      { id: 'b', tier: 'edge' as const, ...LAYER_BOX },
      { id: 'c', tier: 'cloud' as const, ...LAYER_BOX },
    ];
    const edges = [
      { id: 'ab', source: 'a', target: 'b' },
      { id: 'bc', source: 'b', target: 'c' },
    ];
    const input: LayoutInput = { nodes, edges, tiers: ['device', 'cloud'] };
    const layout = mustLayout(input);
    checkLayout(input, layout);
    // Drawn where the design's figures count it: on the device, the nearest tier below.
    const [device, cloud] = layout.lanes;
    const b = layout.nodes[1]!;
    expect(b.tier).toBe('edge');
    expect(b.x + b.width).toBeLessThanOrEqual(device!.x + device!.width);
    expect(layout.nodes[2]!.x).toBeGreaterThanOrEqual(cloud!.x);
  });

  it('refuses a tier it does not know', () => {
    expect(() => layoutGraph({ nodes: [], edges: [], tiers: ['device', 'moon' as Tier] })).toThrow(
      /unknown tier/,
    );
  });
});

describe('layoutGraph progress and cancellation', () => {
  it('reports rising progress ending at 1', () => {
    const fractions: number[] = [];
    mustLayout(dnnLikeGraph(200), { onProgress: (f) => fractions.push(f) });
    expect(fractions.length).toBeGreaterThan(3);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1]!)).toBe(true);
    expect(fractions.at(-1)).toBe(1);
  });

  it('stops between sweeps once cancelled', () => {
    let checks = 0;
    const result = layoutGraph(dnnLikeGraph(200), { isCancelled: () => ++checks > 2 });
    expect(result).toBeNull();
    expect(checks).toBe(3);
  });

  it('stops on an aborted signal', () => {
    const controller = new AbortController();
    controller.abort();
    expect(layoutGraph(dnnLikeGraph(200), { signal: controller.signal })).toBeNull();
  });
});

describe('layoutGraph on sample models', () => {
  it.each(['resnet-mini.onnx', 'transformer-encoder.onnx', 'mobilenetv2-mini.onnx'])(
    'lays out %s fully expanded and collapsed, with layers split over the lanes',
    (file) => {
      const view = buildModelView(analyzeFile(path.join(SAMPLES, file)));
      const placement = Object.fromEntries(
        view.layers.map((l) => [l.id, TIERS[Math.min(2, Math.floor((3 * l.order) / view.layers.length))]!]),
      );
      for (const expanded of [new Set(view.blocks.map((b) => b.id)), new Set<string>()]) {
        const visible = visibleGraph(view, expanded);
        const input: LayoutInput = {
          nodes: visible.items.map((item) => ({
            id: item.id,
            tier: itemTier(item, placement),
            ...LAYER_BOX,
          })),
          edges: visible.edges,
        };
        const layout = mustLayout(input);
        checkLayout(input, layout);
        expect(layout.edges.every((e) => !e.reversed)).toBe(true);
      }
    },
  );
});

describe('core/layout in the browser worker', () => {
  it('imports nothing from Node', () => {
    const dir = path.join(import.meta.dirname, '..', 'core', 'layout');
    for (const file of fs.readdirSync(dir)) {
      const source = fs.readFileSync(path.join(dir, file), 'utf8');
      expect(source, file).not.toMatch(/from '(node:|fs|path|os)/);
      for (const [, target] of source.matchAll(/from '(\.\.?\/[^']+)'/g)) {
        expect(target, `${file} imports ${target}`).toMatch(/^\.\/|^\.\.\/view\/types\.js$/);
      }
    }
  });
});
