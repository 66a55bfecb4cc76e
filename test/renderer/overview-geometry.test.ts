/**
 * The canvas's minimap geometry (app/renderer/graph/overview/): a real sample laid out as the
 * layout worker lays it out, fitted into the minimap's box; a click on the map maps back to the
 * graph point drawn there; the viewport rectangle is what React Flow's transform shows.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../core/analyze.js';
import { initialExpansion } from '../../core/hierarchy/index.js';
import { buildModelView } from '../../core/view/build.js';
import {
  fromMap,
  graphBounds,
  mapFrame,
  toMap,
  visibleRect,
} from '../../app/renderer/graph/overview/overview-geometry.js';
import { MINIMAP_STYLE } from '../../app/renderer/graph/viewport.js';
import { computeLayout } from '../../app/renderer/layout/compute-layout.js';

const view = buildModelView(analyzeFile(path.resolve('samples/resnet-mini.onnx')));
const graph = computeLayout(
  view,
  new Set(initialExpansion(view)),
  {},
  ['device', 'edge', 'cloud'],
  () => undefined,
);
const { width, height } = MINIMAP_STYLE;

describe('overview map geometry', () => {
  it('fits every lane and node inside the minimap, centred on the free axis', () => {
    const bounds = graphBounds(graph)!;
    const frame = mapFrame(bounds, width, height);
    for (const box of [...graph.lanes, ...graph.nodes]) {
      const r = toMap(frame, box);
      expect(r.x).toBeGreaterThanOrEqual(-1e-9);
      expect(r.y).toBeGreaterThanOrEqual(-1e-9);
      expect(r.x + r.width).toBeLessThanOrEqual(width + 1e-9);
      expect(r.y + r.height).toBeLessThanOrEqual(height + 1e-9);
    }
    const whole = toMap(frame, bounds);
    // One axis fills the map; the other is centred in it.
    expect(Math.max(whole.width / width, whole.height / height)).toBeCloseTo(1, 9);
    expect(whole.x).toBeCloseTo(width - whole.x - whole.width, 9);
    expect(whole.y).toBeCloseTo(height - whole.y - whole.height, 9);
  });

  it('stretches the lanes of a very deep model across the map instead of drawing a hairline', () => {
    // Three 300-wide lanes, 100,000 units tall (a 5,000-layer model laid out).
    const deep = { x: 0, y: 0, width: 900, height: 100_000 };
    const frame = mapFrame(deep, width, height);
    const whole = toMap(frame, deep);
    expect(whole.height).toBeCloseTo(height, 9);
    expect(whole.width).toBeCloseTo(width, 9);
    // Still invertible: a click maps back to the point drawn there.
    const back = fromMap(frame, width / 3, height / 2);
    expect(back.x).toBeCloseTo(300, 6);
    expect(back.y).toBeCloseTo(50_000, 6);
  });

  it('maps a point of the map back to the graph point drawn there', () => {
    const frame = mapFrame(graphBounds(graph)!, width, height);
    const node = graph.nodes[Math.floor(graph.nodes.length / 2)]!;
    const drawn = toMap(frame, node);
    const back = fromMap(frame, drawn.x + drawn.width / 2, drawn.y + drawn.height / 2);
    expect(back.x).toBeCloseTo(node.x + node.width / 2, 6);
    expect(back.y).toBeCloseTo(node.y + node.height / 2, 6);
  });

  it("takes the viewport rectangle from React Flow's transform and the pane's size", () => {
    // Panned 100 px right and 50 px down at zoom 0.5, in an 800 × 600 pane.
    expect(visibleRect([100, 50, 0.5], { width: 800, height: 600 })).toEqual({
      x: -200,
      y: -100,
      width: 1600,
      height: 1200,
    });
  });

  it('has no bounds for an empty graph', () => {
    expect(graphBounds({ nodes: [], edges: [], lanes: [] })).toBeNull();
  });
});
