/**
 * The swimlane layered layout: geometric invariants on generated DNN-like graphs of 1,000 and
 * 5,000 nodes and on the sample models, cycles, routing waypoints, cancellation and progress.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../core/analyze.js';
import { layoutGraph, type GraphLayout, type LayoutInput, type LayoutOptions } from '../core/layout/index.js';
import { buildModelView } from '../core/view/build.js';
import { itemTier, visibleGraph } from '../core/view/visible.js';
import { TIERS } from '../core/view/types.js';
import { dnnLikeGraph, LAYER_BOX } from './support/dnn-like-graph.js';

const SAMPLES = path.join(import.meta.dirname, '..', 'samples');

function mustLayout(input: LayoutInput, options: LayoutOptions = {}): GraphLayout {
  const layout = layoutGraph(input, options);
  if (!layout) throw new Error('layout was cancelled');
  return layout;
}

/**
 * Invariants of any layout: lanes stacked device, edge, cloud without gaps and fitting their
 * content; each node inside its tier's band; a producer left of its consumer unless the edge was
 * reversed to break a cycle; no two nodes overlapping; waypoints between their ends.
 */
function checkLayout(input: LayoutInput, layout: GraphLayout): void {
  expect(layout.lanes.map((l) => l.tier)).toEqual(TIERS);
  layout.lanes.forEach((lane, i) => {
    expect(lane.y).toBe(i === 0 ? 0 : layout.lanes[i - 1]!.y + layout.lanes[i - 1]!.height);
    expect(lane.x).toBeLessThanOrEqual(0);
    expect(lane.x + lane.width).toBeGreaterThanOrEqual(layout.width);
  });
  expect(layout.nodes.map((n) => n.id)).toEqual(input.nodes.map((n) => n.id));
  const band = new Map(layout.lanes.map((l) => [l.tier, l]));
  const lowest = new Map<string, number>();
  layout.nodes.forEach((node, i) => {
    const lane = band.get(input.nodes[i]!.tier)!;
    expect(node.tier).toBe(input.nodes[i]!.tier);
    expect(node.y).toBeGreaterThanOrEqual(lane.y);
    expect(node.y + node.height).toBeLessThanOrEqual(lane.y + lane.height);
    expect(node.x).toBeGreaterThanOrEqual(0);
    expect(node.x + node.width).toBeLessThanOrEqual(layout.width);
    lowest.set(node.tier, Math.max(lowest.get(node.tier) ?? 0, node.y + node.height));
  });
  const at = new Map(layout.nodes.map((n) => [n.id, n]));
  // A waypoint takes a row as tall as the lane's nodes, centred on it.
  for (const edge of layout.edges) {
    const tier = at.get(edge.source)!.tier;
    for (const bend of edge.bends)
      lowest.set(tier, Math.max(lowest.get(tier) ?? 0, bend.y + LAYER_BOX.height / 2));
  }
  // Lane heights fit their content: the padding (40) below the lowest row, no more.
  for (const lane of layout.lanes) {
    const bottom = lowest.get(lane.tier);
    if (bottom !== undefined) expect(lane.y + lane.height - bottom).toBeCloseTo(40, 6);
  }

  for (const edge of layout.edges) {
    const source = at.get(edge.source)!;
    const target = at.get(edge.target)!;
    const [left, right] = edge.reversed ? [target, source] : [source, target];
    expect(left.rank).toBeLessThan(right.rank);
    expect(left.x + left.width).toBeLessThan(right.x);
    const xs = edge.bends.map((b) => b.x);
    if (edge.reversed) xs.reverse();
    for (let k = 0; k < xs.length; k++) {
      expect(xs[k]!).toBeGreaterThan(k === 0 ? left.x + left.width : xs[k - 1]!);
      expect(xs[k]!).toBeLessThan(right.x);
    }
    const lane = band.get(source.tier)!;
    for (const bend of edge.bends) expect(bend.y > lane.y && bend.y < lane.y + lane.height).toBe(true);
  }

  // No overlaps: nodes of one rank are in one column, so only nodes sharing a rank can meet.
  const byRank = new Map<number, typeof layout.nodes>();
  for (const node of layout.nodes) byRank.set(node.rank, [...(byRank.get(node.rank) ?? []), node]);
  for (const column of byRank.values()) {
    const sorted = [...column].sort((a, b) => a.y - b.y);
    for (let k = 1; k < sorted.length; k++)
      expect(sorted[k]!.y).toBeGreaterThanOrEqual(sorted[k - 1]!.y + sorted[k - 1]!.height);
  }
  const columns = [...byRank.keys()].sort((a, b) => a - b);
  expect(columns).toEqual(Array.from({ length: layout.ranks }, (_, r) => r));
  for (let k = 1; k < columns.length; k++) {
    const previousRight = Math.max(...byRank.get(k - 1)!.map((n) => n.x + n.width));
    expect(Math.min(...byRank.get(k)!.map((n) => n.x))).toBeGreaterThan(previousRight);
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

  it('keeps a chain on one straight row', () => {
    const nodes = Array.from({ length: 50 }, (_, i) => ({
      id: `c${i}`,
      tier: 'cloud' as const,
      ...LAYER_BOX,
    }));
    const edges = nodes.slice(1).map((n, i) => ({ id: `e${i}`, source: `c${i}`, target: n.id }));
    const layout = mustLayout({ nodes, edges });
    checkLayout({ nodes, edges }, layout);
    expect(new Set(layout.nodes.map((n) => n.y)).size).toBe(1);
    expect(layout.nodes.map((n) => n.rank)).toEqual(nodes.map((_, i) => i));
    // Empty lanes keep one row so a layer can be dropped on them.
    expect(layout.lanes[0]!.height).toBeGreaterThan(0);
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
  it('breaks a cycle by reversing an edge and keeps the rest left to right', () => {
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
    expect(layout.lanes.every((l) => l.height > 0)).toBe(true);
  });

  it('refuses an edge to a node it was not given', () => {
    const nodes = [{ id: 'a', tier: 'device' as const, ...LAYER_BOX }];
    expect(() => layoutGraph({ nodes, edges: [{ id: 'x', source: 'a', target: 'b' }] })).toThrow(
      /not in the layout/,
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
