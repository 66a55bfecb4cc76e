/**
 * The canvas's placing logic against the real store on a real sample, laid out as the layout
 * worker lays it out: which lane a point falls in, what a node drag moves and previews, the
 * multi-selection (click, shift-click, box, Ctrl+A, collapsing a block), the cut lines (where
 * they are drawn, what dragging one gives, pins staying put), the keyboard's placing keys, and
 * the notices of refused moves.
 */
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { chainPlacement } from '../../core/partition/cut-lines.js';
import { loadTopology } from '../../core/profiles/load.js';
import { handleDesignKey, type KeyPress } from '../../app/renderer/actions/design-keys.js';
import { refusalNotice } from '../../app/renderer/actions/place-selection.js';
import { cutGeometry, positionNearest } from '../../app/renderer/graph/drag/cut-geometry.js';
import { cutName, moveCutTo, selectCutModel } from '../../app/renderer/graph/drag/cut-model.js';
import { draggedNodes, movableNodes, placementAfterDrag } from '../../app/renderer/graph/drag/drag-set.js';
import { laneAt } from '../../app/renderer/graph/drag/lanes.js';
import {
  GRIP_GAP_PX,
  GRIP_HEIGHT_PX,
  GRIP_NODE_CLEARANCE_PX,
  GRIP_WIDTH_PX,
  gripObstacles,
  gripSpots,
  type GripSpot,
} from '../../app/renderer/graph/drag/grip-spots.js';
import { nodesInRect } from '../../app/renderer/graph/drag/selection.js';
import { selectIsInSelection } from '../../app/renderer/graph/node-selectors.js';
import { computeLayout } from '../../app/renderer/layout/compute-layout.js';
import type { LaidOutGraph, LaneBand } from '../../app/renderer/layout/layout-types.js';
import { ancestorBlocks } from '../../app/renderer/model/model-index.js';
import { useStudio } from '../../app/renderer/store/store.js';
import { analysedSample, openedModel, startDesignOf } from './support/open-design.js';

const SAMPLE = path.resolve('samples/resnet-mini.onnx');
const { view, partition } = analysedSample(SAMPLE);
const threeTier = loadTopology('pi4-wifi-edge-wan-cloud');
const twoTier = loadTopology('n2-wifi-i7');
const units = partition.units.map((u) => u.name);
const n = units.length;

const state = () => useStudio.getState();
const design = () => state().design!;

function openModel(topology = threeTier): void {
  startDesignOf(openedModel(SAMPLE, view, partition), topology);
}

/** Lays the open model out as the worker does, and puts it on screen. */
function layOut(): LaidOutGraph {
  const { expanded, opened } = state();
  const tiers = design().topology.tiers.map((t) => t.name);
  const graph = computeLayout(view, expanded, design().placement, tiers, () => {});
  state().layoutStarted(1, { modelKey: opened!.jobId, expanded, placement: design().placement, tiers });
  state().layoutFinished(1, graph);
  return graph;
}

/** A key press as the key handler reads one. */
const key = (k: string, mods: { ctrl?: boolean; shift?: boolean } = {}): KeyPress => ({
  key: k,
  ctrlKey: mods.ctrl ?? false,
  metaKey: false,
  altKey: false,
  shiftKey: mods.shift ?? false,
});

beforeEach(() => openModel());

describe('lanes', () => {
  const lanes: LaneBand[] = [
    { tier: 'device', x: 0, y: 0, width: 300, height: 900 },
    { tier: 'edge', x: 340, y: 0, width: 300, height: 900 },
    { tier: 'cloud', x: 680, y: 0, width: 300, height: 900 },
  ];

  it('finds the column a point falls in, and the nearest one outside every column', () => {
    expect(laneAt(lanes, 10)?.tier).toBe('device');
    expect(laneAt(lanes, 340)?.tier).toBe('edge');
    expect(laneAt(lanes, 979)?.tier).toBe('cloud');
    expect(laneAt(lanes, -500)?.tier).toBe('device');
    expect(laneAt(lanes, 5000)?.tier).toBe('cloud');
    // In the gap between two lanes: the nearer one.
    expect(laneAt(lanes, 310)?.tier).toBe('device');
    expect(laneAt(lanes, 330)?.tier).toBe('edge');
    expect(laneAt([], 10)).toBeNull();
  });

  it('are the laid-out graph’s columns, one per tier of the topology, side by side', () => {
    const graph = layOut();
    expect(graph.lanes.map((l) => l.tier)).toEqual(['device', 'edge', 'cloud']);
    for (const lane of graph.lanes) {
      expect(laneAt(graph.lanes, lane.x + lane.width / 2)?.tier).toBe(lane.tier);
    }
  });
});

describe('node drag', () => {
  it('carries the selection when the grabbed node is in it, else the node alone', () => {
    expect(draggedNodes('a', ['a', 'b'])).toEqual(['a', 'b']);
    expect(draggedNodes('c', ['a', 'b'])).toEqual(['c']);
    expect(draggedNodes('c', [])).toEqual(['c']);
    // Pinned layers stay put while the rest follow the pointer.
    expect([...movableNodes(['a', 'b', 'block'], ['b'])]).toEqual(['a', 'block']);
  });

  it('previews every layer of a block on the lane’s tier, leaving pinned layers and moving nothing in its own lane', () => {
    const block = view.blocks.find((b) => b.parent === null && b.layerCount > 2)!;
    const inside = view.layers.filter(
      (l) => l.within === undefined && ancestorBlocks(state().index!, l.id).includes(block.id),
    );
    state().setPinned([inside[0]!.id], true);
    const preview = placementAfterDrag(design(), state().index!, [block.id], 'cloud');
    expect(Object.keys(preview).sort()).toEqual(
      inside
        .slice(1)
        .map((l) => l.id)
        .sort(),
    );
    expect(new Set(Object.values(preview))).toEqual(new Set(['cloud']));
    // Already there: the design's own placement object, so the drag knows nothing would change.
    expect(placementAfterDrag(design(), state().index!, [block.id], 'device')).toBe(design().placement);
    // The drop commits one step with the same placement.
    state().setPreview(preview);
    const outcome = state().moveLayers([block.id], 'cloud');
    expect(design().placement).toEqual(preview);
    expect(state().preview).toBeNull();
    expect(outcome.refused.map((r) => r.id)).toEqual([inside[0]!.id]);
    expect(refusalNotice(outcome)).toBe(`${inside[0]!.id} is pinned to Device: unpin it (P) to move it.`);
    // A layer refused twice counts once; several name the count and the first.
    const twice = { moved: 0, refused: [...outcome.refused, ...outcome.refused] };
    expect(refusalNotice(twice)).toBe(refusalNotice(outcome));
    expect(refusalNotice({ moved: 0, refused: [] })).toBeNull();
  });
});

describe('selection', () => {
  it('click selects one, shift-click adds and removes, the details follow the last picked', () => {
    state().select('a');
    expect(state().selection).toEqual(['a']);
    state().toggleInSelection('b');
    expect(state().selection).toEqual(['a', 'b']);
    expect(state().selected).toBe('b');
    state().toggleInSelection('c');
    state().toggleInSelection('c');
    expect(state().selection).toEqual(['a', 'b']);
    expect(state().selected).toBe('b');
    state().toggleInSelection('b');
    expect(state().selection).toEqual(['a']);
    expect(state().selected).toBe('a');
    expect(selectIsInSelection(state(), 'a')).toBe(true);
    expect(selectIsInSelection(state(), 'b')).toBe(false);
    state().select(null);
    expect(state().selection).toEqual([]);
    expect(state().selected).toBeNull();
  });

  it('a box selects the nodes wholly inside it; Ctrl+A every node on screen', () => {
    const graph = layOut();
    const [first, second] = [...graph.nodes].sort((a, b) => a.y - b.y);
    const box = {
      x: Math.min(first!.x, second!.x) - 1,
      y: first!.y - 1,
      width: Math.max(first!.x + first!.width, second!.x + second!.width) - Math.min(first!.x, second!.x) + 2,
      height: second!.y + second!.height - first!.y + 2,
    };
    const inside = nodesInRect(graph.nodes, box);
    expect(inside).toContain(first!.id);
    expect(inside).toContain(second!.id);
    // Cutting a node in half leaves it out.
    expect(nodesInRect(graph.nodes, { ...box, height: box.height - second!.height / 2 })).not.toContain(
      second!.id,
    );
    state().selectMany(inside);
    expect(state().selection).toEqual(inside);
    expect(handleDesignKey(key('a', { ctrl: true }))).toBe(true);
    expect(state().selection).toEqual(graph.nodes.map((node) => node.id));
  });

  it('collapsing a block gathers the selected layers inside it onto the block; opening a model clears it', () => {
    const block = view.blocks.find((b) => b.parent === null && b.layers.length > 1)!;
    state().setExpanded(new Set([...state().expanded, block.id]));
    state().selectMany([block.layers[0]!, block.layers[1]!, 'elsewhere']);
    state().toggleBlock(block.id);
    expect(state().selection).toEqual([block.id, 'elsewhere']);
    expect(state().selected).toBe(block.id);
    openModel();
    expect(state().selection).toEqual([]);
  });
});

describe('cut lines', () => {
  it('sit after the last layer while everything runs on the device, one per boundary', () => {
    const model = selectCutModel(state())!;
    expect(model.cuts).toEqual([n, n]);
    expect(model.units).toEqual(units);
    expect(cutName(model, 0)).toBe('Cut between Device and Edge');
    expect(cutName(model, 1)).toBe('Cut between Edge and Cloud');
    openModel(twoTier);
    expect(selectCutModel(state())!.cuts).toEqual([n]);
  });

  it('dragged up, put everything below on the next tier; the drop is one step and the lines follow', () => {
    const model = selectCutModel(state())!;
    const move = moveCutTo(model, 0, 10);
    expect(move.cuts).toEqual([10, n]);
    expect(move.record).toEqual(Object.fromEntries(units.slice(10).map((id) => [id, 'edge'])));
    state().applyPlacement(move.record, 'Move the Device | Edge cut');
    expect(state().past.at(-1)!.label).toBe('Move the Device | Edge cut');
    expect(selectCutModel(state())!.cuts).toEqual([10, n]);
    // The edge | cloud line dragged above the device | edge one pushes it along.
    const pushed = moveCutTo(selectCutModel(state())!, 1, 4);
    expect(pushed.cuts).toEqual([4, 4]);
    expect(Object.values(pushed.record).every((tier) => tier === 'cloud')).toBe(true);
    state().undo();
    expect(selectCutModel(state())!.cuts).toEqual([n, n]);
  });

  it('leave pinned layers where they are and say so; a position that changes nothing gives the design back', () => {
    state().setPinned([units[n - 1]!], true);
    const move = moveCutTo(selectCutModel(state())!, 0, n - 3);
    expect(move.pinnedAcross).toBe(1);
    expect(Object.keys(move.record)).toEqual(units.slice(n - 3, n - 1));
    expect(moveCutTo(selectCutModel(state())!, 0, n).record).toBe(design().placement);
  });

  it('are drawn between the last layer above and the first below, and the pointer finds them back', () => {
    state().setExpanded(new Set(view.blocks.map((b) => b.id)));
    const graph = layOut();
    const model = selectCutModel(state())!;
    const geometry = cutGeometry(graph, model.units, model.tiers, (id) => id);
    const node = (id: string) => graph.nodes.find((x) => x.id === id)!;
    for (let c = 1; c < n; c++) {
      const above = node(units[c - 1]!);
      const below = node(units[c]!);
      expect(geometry.lineY[c]).toBe((above.y + above.height + below.y) / 2);
    }
    expect(geometry.lineY[0]).toBeLessThan(node(units[0]!).y);
    expect(geometry.lineY[n]).toBeGreaterThan(node(units[n - 1]!).y + node(units[n - 1]!).height);
    // Across every lane, each grip in the middle of the later of its two lanes.
    expect(geometry.left).toBe(Math.min(...graph.lanes.map((l) => l.x)));
    expect(geometry.right).toBe(Math.max(...graph.lanes.map((l) => l.x + l.width)));
    const [, edge, cloud] = graph.lanes;
    expect(geometry.gripX).toEqual([edge!.x + edge!.width / 2, cloud!.x + cloud!.width / 2]);
    for (const c of [0, 1, Math.floor(n / 2), n]) {
      expect(geometry.lineY[positionNearest(geometry, geometry.lineY[c]!, c)]).toBe(geometry.lineY[c]);
    }
  });

  it('move through a collapsed block one layer at a time', () => {
    state().setExpanded(new Set());
    const graph = layOut();
    const model = selectCutModel(state())!;
    const index = state().index!;
    const onScreen = new Set(graph.nodes.map((x) => x.id));
    const ownerOf = (id: string) =>
      onScreen.has(id) ? id : (ancestorBlocks(index, id).find((b) => onScreen.has(b)) ?? null);
    const geometry = cutGeometry(graph, model.units, model.tiers, ownerOf);
    const block = graph.nodes.find((x) => x.kind === 'block')!;
    const within = units.map((id, u) => [u, ownerOf(id)] as const).filter(([, owner]) => owner === block.id);
    expect(within.length).toBeGreaterThan(1);
    const positions = within.slice(1).map(([u]) => geometry.lineY[u]!);
    // Strictly inside the block, one distinct height per position, in order.
    for (const y of positions) {
      expect(y).toBeGreaterThan(block.y);
      expect(y).toBeLessThan(block.y + block.height);
    }
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(new Set(positions).size).toBe(positions.length);
  });

  it('keep their grips on screen: on the line, else at the edge the line is past, stacked when they meet', () => {
    const area = { zoom: 0.5, top: 0, bottom: 1000, left: 100, right: 900 };
    expect(gripSpots([500], [400], area)).toEqual([{ x: 400, y: 500, offscreen: null }]);
    expect(gripSpots([1500, -20], [400, 2000], area)).toEqual([
      { x: 400, y: 1000, offscreen: 'below' },
      { x: 900, y: 0, offscreen: 'above' },
    ]);
    // Both lines after the last layer, both lanes off to the right: the second grip stacks above.
    const [first, second] = gripSpots([3000, 3000], [5000, 6000], area);
    expect(first).toEqual({ x: 900, y: 1000, offscreen: 'below' });
    expect(second).toEqual({ x: 900, y: 1000 - (GRIP_HEIGHT_PX + GRIP_GAP_PX) / 0.5, offscreen: 'below' });
  });

  // A column of layers 217 wide and 82 tall, 51 apart, as the layout draws them.
  const column = Array.from({ length: 12 }, (_, i) => ({ x: 300, y: -10 + 133 * i, width: 217, height: 82 }));
  const covers = (spot: GripSpot, zoom: number): boolean =>
    column.some(
      (node) =>
        Math.abs(spot.x - (node.x + node.width / 2)) < (GRIP_WIDTH_PX / zoom + node.width) / 2 &&
        Math.abs(spot.y - (node.y + node.height / 2)) < (GRIP_HEIGHT_PX / zoom + node.height) / 2,
    );

  it('keep their grips off the layers: kept at the top edge, in the gap below the first row, not on its title', () => {
    const area = { zoom: 1, top: 0, bottom: 1000, left: 100, right: 900 };
    // The line is above the view: its grip would sit on the first layer (y -10 … 72).
    expect(covers(gripSpots([-50], [408], area)[0]!, 1)).toBe(true);
    const [spot] = gripSpots([-50], [408], area, gripObstacles(column));
    expect(spot).toEqual({
      x: 408,
      y: 72 + GRIP_NODE_CLEARANCE_PX + GRIP_HEIGHT_PX / 2,
      offscreen: 'above',
    });
    expect(covers(spot!, 1)).toBe(false);
    // A line in a gap wide enough keeps its grip on it.
    expect(gripSpots([97.5], [408], area, gripObstacles(column))).toEqual([
      { x: 408, y: 97.5, offscreen: null },
    ]);
  });

  it('zoomed out, where no gap holds a grip, put it beside the column on its line', () => {
    const zoom = 0.25;
    const area = { zoom, top: -500, bottom: 2000, left: -3000, right: 3000 };
    // Between rows 5 and 6 of 12: the column's ends are further than a grip looks for a spot.
    const lineY = -10 + 133 * 5 + 82 + 51 / 2;
    const [spot] = gripSpots([lineY], [408], area, gripObstacles(column));
    expect(spot!.y).toBe(lineY);
    expect(covers(spot!, zoom)).toBe(false);
    // Next to the column, on its nearer side.
    expect(spot!.x).toBe(300 - (GRIP_WIDTH_PX / 2 + GRIP_NODE_CLEARANCE_PX) / zoom);
  });

  it('keep two grips apart: the later one moves off the earlier, by the gap between grips', () => {
    const area = { zoom: 1, top: 0, bottom: 1000, left: 100, right: 900 };
    // Two lines at one height (two cuts at one position): the second grip along its line.
    const [first, second] = gripSpots([500, 500], [400, 550], area);
    expect(first).toEqual({ x: 400, y: 500, offscreen: null });
    expect(second).toEqual({ x: 400 + GRIP_WIDTH_PX + GRIP_GAP_PX, y: 500, offscreen: null });
    // No room along it (the right edge): below the first, rather than on it.
    const [, third] = gripSpots([500, 500], [400, 550], { ...area, right: 600 });
    expect(third).toEqual({ x: 550, y: 500 + GRIP_HEIGHT_PX + GRIP_GAP_PX, offscreen: null });
  });

  it('give the chain placement of core/partition for their cuts', () => {
    const move = moveCutTo(selectCutModel(state())!, 1, 7);
    expect(move.cuts).toEqual([7, 7]);
    const chain = chainPlacement(n, [7, 7]);
    expect(move.record).toEqual(
      Object.fromEntries(units.flatMap((id, u) => (chain[u] ? [[id, 'cloud']] : []))),
    );
  });
});

describe('placing keys', () => {
  it('1/2/3 and D/E/C send the selection to a tier, P pins it, Ctrl+Z/Ctrl+Shift+Z/Ctrl+Y undo and redo', () => {
    const [a, b] = [units[3]!, units[4]!];
    state().selectMany([a, b]);
    expect(handleDesignKey(key('2'))).toBe(true);
    expect(design().placement).toEqual({ [a]: 'edge', [b]: 'edge' });
    handleDesignKey(key('c'));
    expect(design().placement).toEqual({ [a]: 'cloud', [b]: 'cloud' });
    handleDesignKey(key('1'));
    expect(design().placement).toEqual({});
    handleDesignKey(key('z', { ctrl: true }));
    expect(design().placement).toEqual({ [a]: 'cloud', [b]: 'cloud' });
    handleDesignKey(key('Z', { ctrl: true, shift: true }));
    expect(design().placement).toEqual({});
    handleDesignKey(key('z', { ctrl: true }));
    handleDesignKey(key('y', { ctrl: true }));
    expect(design().placement).toEqual({});
    handleDesignKey(key('p'));
    expect(design().pins).toEqual([a, b].sort());
    handleDesignKey(key('E'));
    expect(design().placement).toEqual({});
    expect(
      [a, b].map(
        (id) => `2 layers stayed where they are. ${id} is pinned to Device: unpin it (P) to move it.`,
      ),
    ).toContain(state().notice);
    handleDesignKey(key('p'));
    expect(design().pins).toEqual([]);
  });

  it('say why a tier is missing or nothing is selected; ? opens the shortcuts', () => {
    openModel(twoTier);
    state().select(units[2]!);
    handleDesignKey(key('3'));
    expect(design().placement).toEqual({});
    expect(state().notice).toMatch(/has no Cloud tier: it runs on Device and Edge\./);
    state().select(null);
    handleDesignKey(key('2'));
    expect(state().notice).toMatch(/^Select layers first/);
    expect(state().shortcutsOpen).toBe(false);
    expect(handleDesignKey(key('?', { shift: true }))).toBe(true);
    expect(state().shortcutsOpen).toBe(true);
    expect(handleDesignKey(key('x'))).toBe(false);
  });
});
