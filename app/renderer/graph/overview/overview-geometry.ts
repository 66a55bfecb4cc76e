/**
 * Where the overview map (OverviewMap.tsx) draws things: the laid-out graph scaled to fit the
 * map's box, and back again from a point of the map to the graph. Pure, so the map's drawing
 * and its click-to-pan agree by construction.
 */
import type { LaidOutGraph } from '../../layout/layout-types.js';

/** Graph units → map pixels: map x = graph x * scaleX + offsetX, and the same for y. */
export interface MapFrame {
  readonly scaleX: number;
  readonly scaleY: number;
  readonly offsetX: number;
  readonly offsetY: number;
}

/**
 * A deep model is thousands of units tall and a few lanes wide: fitted whole at one scale it is
 * a hairline down the map. Past this much empty width the lanes are stretched across the map
 * (the map is an overview of where things are, not a picture of their proportions).
 */
const MIN_FILLED_WIDTH = 0.6;

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The box holding every node and lane of the graph; null for an empty graph. */
export function graphBounds(graph: LaidOutGraph): Rect | null {
  let left = Infinity;
  let top = Infinity;
  let right = -Infinity;
  let bottom = -Infinity;
  for (const box of [...graph.lanes, ...graph.nodes]) {
    left = Math.min(left, box.x);
    top = Math.min(top, box.y);
    right = Math.max(right, box.x + box.width);
    bottom = Math.max(bottom, box.y + box.height);
  }
  return right > left && bottom > top ? { x: left, y: top, width: right - left, height: bottom - top } : null;
}

/** The graph's bounds fitted into a `width` × `height` map, centred; lanes stretched if hairline thin. */
export function mapFrame(bounds: Rect, width: number, height: number): MapFrame {
  const scaleY = Math.min(width / bounds.width, height / bounds.height);
  const scaleX = bounds.width * scaleY < width * MIN_FILLED_WIDTH ? width / bounds.width : scaleY;
  return {
    scaleX,
    scaleY,
    offsetX: (width - bounds.width * scaleX) / 2 - bounds.x * scaleX,
    offsetY: (height - bounds.height * scaleY) / 2 - bounds.y * scaleY,
  };
}

/** A graph rectangle in map pixels. */
export const toMap = (frame: MapFrame, r: Rect): Rect => ({
  x: r.x * frame.scaleX + frame.offsetX,
  y: r.y * frame.scaleY + frame.offsetY,
  width: r.width * frame.scaleX,
  height: r.height * frame.scaleY,
});

/** A map pixel back in graph units. */
export const fromMap = (frame: MapFrame, x: number, y: number): { x: number; y: number } => ({
  x: (x - frame.offsetX) / frame.scaleX,
  y: (y - frame.offsetY) / frame.scaleY,
});

/** The part of the graph the canvas shows, from React Flow's transform and the pane's size. */
export const visibleRect = (
  transform: readonly [number, number, number],
  pane: { width: number; height: number },
): Rect => {
  const [tx, ty, zoom] = transform;
  return { x: -tx / zoom, y: -ty / zoom, width: pane.width / zoom, height: pane.height / zoom };
};
