/**
 * Where the overview map (OverviewMap.tsx) draws things: the laid-out graph scaled to fit the
 * map's box, and back again from a point of the map to the graph. Pure, so the map's drawing
 * and its click-to-pan agree by construction.
 */
import type { LaidOutGraph } from '../../layout/layout-types.js';

/** Graph units → map pixels: map = graph * scale + offset. */
export interface MapFrame {
  readonly scale: number;
  readonly offsetX: number;
  readonly offsetY: number;
}

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

/** The graph's bounds fitted into a `width` × `height` map, whole and centred. */
export function mapFrame(bounds: Rect, width: number, height: number): MapFrame {
  const scale = Math.min(width / bounds.width, height / bounds.height);
  return {
    scale,
    offsetX: (width - bounds.width * scale) / 2 - bounds.x * scale,
    offsetY: (height - bounds.height * scale) / 2 - bounds.y * scale,
  };
}

/** A graph rectangle in map pixels. */
export const toMap = (frame: MapFrame, r: Rect): Rect => ({
  x: r.x * frame.scale + frame.offsetX,
  y: r.y * frame.scale + frame.offsetY,
  width: r.width * frame.scale,
  height: r.height * frame.scale,
});

/** A map pixel back in graph units. */
export const fromMap = (frame: MapFrame, x: number, y: number): { x: number; y: number } => ({
  x: (x - frame.offsetX) / frame.scale,
  y: (y - frame.offsetY) / frame.scale,
});

/** The part of the graph the canvas shows, from React Flow's transform and the pane's size. */
export const visibleRect = (
  transform: readonly [number, number, number],
  pane: { width: number; height: number },
): Rect => {
  const [tx, ty, zoom] = transform;
  return { x: -tx / zoom, y: -ty / zoom, width: pane.width / zoom, height: pane.height / zoom };
};
