/**
 * The first view and Fit (app/renderer/graph/viewport.ts) on real layouts: the layout worker's
 * `computeLayout` of the samples and of the 1,004-layer e2e model, at the expansion they open
 * with, in a pane the size of the e2e browser's canvas. Any model must fill the canvas with
 * legible nodes: lanes fitted to the width from the model's start, small models whole and
 * centred, no lane under the minimap. Also the abbreviation of long shapes on nodes.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBytes, analyzeFile } from '../../core/analyze.js';
import { initialExpansion } from '../../core/hierarchy/index.js';
import { buildModelView } from '../../core/view/build.js';
import type { ModelView, Tier } from '../../core/view/types.js';
import { computeLayout } from '../../app/renderer/layout/compute-layout.js';
import type { LaidOutGraph } from '../../app/renderer/layout/layout-types.js';
import { parseLinkField } from '../../app/renderer/graph/link-fields.js';
import {
  fittedViewport,
  LANE_HEADER_PX,
  LEGIBLE_ZOOM,
  MINIMAP_STYLE,
  WHOLE_ZOOM,
  type PaneSize,
  type Viewport,
} from '../../app/renderer/graph/viewport.js';
import { firstShape, firstShapeTitle, shortShape, SHAPE_MAX_CHARS } from '../../app/renderer/util/format.js';
import { deepModelBytes } from '../e2e/support/deep-model.js';

const SAMPLES = path.join(import.meta.dirname, '..', '..', 'samples');
/** React Flow's panels sit this far from the pane's edges. */
const PANEL_MARGIN_PX = 15;
/** The controls' gutter on the left and the minimap's on the right (viewport.ts). */
const GUTTERS_PX = 56 + MINIMAP_STYLE.width + 28;
const PANES: readonly PaneSize[] = [
  { width: 1100, height: 780 },
  { width: 1800, height: 1000 },
  { width: 800, height: 600 },
];

function layoutOf(view: ModelView, expanded: ReadonlySet<string>, tiers: readonly Tier[]): LaidOutGraph {
  return computeLayout(view, expanded, {}, tiers, () => undefined);
}

const sampleView = (file: string): ModelView => buildModelView(analyzeFile(path.join(SAMPLES, file)));

/** Where the graph's content lies on screen under a viewport. */
function onScreen(graph: LaidOutGraph, view: Viewport) {
  const top = Math.min(...graph.nodes.map((n) => n.y));
  const bottom = Math.max(...graph.nodes.map((n) => n.y + n.height));
  const left = Math.min(...graph.lanes.map((l) => l.x));
  const right = Math.max(...graph.lanes.map((l) => l.x + l.width));
  return {
    top: view.y + top * view.zoom,
    bottom: view.y + bottom * view.zoom,
    left: view.x + left * view.zoom,
    right: view.x + right * view.zoom,
  };
}

/** Every first view: legible, the lanes within the width and clear of the minimap, the start below the lane header. */
function checkFirstView(graph: LaidOutGraph, pane: PaneSize): { view: Viewport; whole: boolean } {
  const view = fittedViewport(graph, pane)!;
  expect(view.zoom).toBeGreaterThanOrEqual(LEGIBLE_ZOOM);
  const box = onScreen(graph, view);
  expect(box.left).toBeGreaterThanOrEqual(0);
  if (box.right - box.left <= pane.width - GUTTERS_PX) {
    expect(box.right).toBeLessThanOrEqual(pane.width - MINIMAP_STYLE.width - PANEL_MARGIN_PX);
  } else {
    // Lanes wider than the pane even at the least legible zoom: their left end is shown.
    expect(view.zoom).toBe(LEGIBLE_ZOOM);
    expect(box.left).toBeLessThanOrEqual(GUTTERS_PX);
  }
  expect(box.top).toBeGreaterThanOrEqual(LANE_HEADER_PX);
  // The start of the model is at the top of the canvas, not somewhere down it.
  expect(box.top).toBeLessThan(pane.height / 2);
  return { view, whole: box.bottom <= pane.height };
}

describe('first view and Fit', () => {
  it.each(PANES)(
    'shows a 1,004-layer model, all expanded, from its start with the lanes fitted to a %o pane',
    (pane) => {
      const view = buildModelView(analyzeBytes(deepModelBytes()));
      const graph = layoutOf(view, new Set(view.blocks.map((b) => b.id)), ['device', 'edge', 'cloud']);
      const { view: viewport, whole } = checkFirstView(graph, pane);
      expect(whole).toBe(false);
      const box = onScreen(graph, viewport);
      // Started right under the lane header, and the lanes use the width (less the gutters).
      expect(box.top).toBeLessThanOrEqual(LANE_HEADER_PX + 20);
      expect(box.right - box.left).toBeGreaterThan(
        Math.min(0.6 * pane.width, (box.right - box.left) / viewport.zoom),
      );
    },
  );

  it.each([
    'resnet-mini.onnx',
    'transformer-encoder.onnx',
    'mobilenetv2-mini.onnx',
    'edge-prune-vehicle.onnx',
  ])('opens %s legible in every pane size, fully expanded too', (file) => {
    const view = sampleView(file);
    for (const expanded of [new Set(initialExpansion(view)), new Set(view.blocks.map((b) => b.id))])
      for (const pane of PANES) checkFirstView(layoutOf(view, expanded, ['device', 'edge', 'cloud']), pane);
  });

  it('shows a small model whole and centred', () => {
    const view = sampleView('edge-prune-vehicle.onnx');
    const graph = layoutOf(view, new Set(), ['device', 'cloud']);
    const pane = { width: 1100, height: 780 };
    const { view: viewport, whole } = checkFirstView(graph, pane);
    expect(whole).toBe(true);
    const box = onScreen(graph, viewport);
    const free = { left: box.left, right: pane.width - box.right };
    // Centred in the width left between the controls' and the minimap's gutters.
    expect(Math.abs(free.left - 56 - (free.right - (MINIMAP_STYLE.width + 28)))).toBeLessThan(1);
  });

  it('shows a model that would fit whole only small from its start instead (a 1920×1080 window)', () => {
    const view = sampleView('edge-prune-vehicle.onnx');
    const graph = layoutOf(view, new Set(initialExpansion(view)), ['device', 'edge', 'cloud']);
    // The canvas of a 1920×1080 window, less the details panel and the header.
    const pane = { width: 1590, height: 955 };
    const { view: viewport, whole } = checkFirstView(graph, pane);
    expect(whole).toBe(false);
    expect(viewport.zoom).toBeGreaterThanOrEqual(WHOLE_ZOOM);
    expect(onScreen(graph, viewport).top).toBeLessThanOrEqual(LANE_HEADER_PX + 20);
  });

  it('has nothing to fit before the pane has a size', () => {
    const view = sampleView('resnet-mini.onnx');
    expect(fittedViewport(layoutOf(view, new Set(), ['device']), { width: 0, height: 0 })).toBeNull();
  });
});

describe('shapes on nodes', () => {
  it('abbreviates long symbolic shapes and keeps the whole for the tooltip', () => {
    const long = [1, 3, 'floor((height - 1) / 3) + 1', 'floor((width - 1) / 3) + 1'];
    const short = shortShape(long);
    expect(short.length).toBeLessThanOrEqual(SHAPE_MAX_CHARS);
    expect(short.startsWith('[1, 3, floor')).toBe(true);
    expect(short).toContain('…');
    const outputs = [{ shape: long }];
    expect(firstShape(outputs)).toBe(short);
    expect(firstShapeTitle(outputs)).toBe('[1, 3, floor((height - 1) / 3) + 1, floor((width - 1) / 3) + 1]');
  });

  it('names a size derived from an input dimension by its scale', () => {
    const outputs = [
      {
        shape: [
          1,
          40,
          'floor(floor(floor(floor((H-1)/2)/2)/2)/2)+1',
          'floor(floor(floor(floor((W-1)/2)/2)/2)/2)+1',
        ],
      },
    ];
    expect(firstShape(outputs)).toBe('[1, 40, H/16, W/16]');
    expect(firstShapeTitle(outputs)).toContain('floor(floor(floor(floor((H-1)/2)/2)/2)/2)+1');
  });

  it('leaves short shapes whole, with no tooltip', () => {
    expect(firstShape([{ shape: [1, 64, 80, 80] }])).toBe('[1, 64, 80, 80]');
    expect(firstShapeTitle([{ shape: [1, 64, 80, 80] }])).toBeUndefined();
    expect(firstShape([{ shape: ['batch', 3, 640, 640] }])).toBe('[batch, 3, 640, 640]');
    expect(firstShape([])).toBe('?');
  });

  it('folds trailing dimensions of a long shape of numbers', () => {
    const shape = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
    const short = shortShape(shape);
    expect(short.length).toBeLessThanOrEqual(SHAPE_MAX_CHARS);
    expect(short).toMatch(/^\[1, 2, .*…\]$/);
  });
});

describe('link fields', () => {
  it('takes a number above 0 and refuses anything else with a sentence', () => {
    expect(parseLinkField('Uplink (Mb/s)', ' 20.5 ')).toEqual({ ok: true, value: 20.5 });
    // 1e-320 is above 0 but would make every figure Infinity; 1e13 Mb/s is not a link.
    for (const bad of ['0', '-3', '', 'fast', 'NaN', 'Infinity', '1e-320', '1e13']) {
      const parsed = parseLinkField('Uplink (Mb/s)', bad);
      expect(parsed.ok, bad).toBe(false);
      if (!parsed.ok) expect(parsed.message).toMatch(/^Uplink \(Mb\/s\)/);
    }
  });
});
