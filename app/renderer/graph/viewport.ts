/**
 * Viewport moves shared by the canvas, the toolbar, shortcuts and host commands.
 *
 * The first view and Fit are one view: the lanes' width fitted to the canvas, starting at the
 * top of the model. A model that fits whole at a legible zoom is shown whole and centred; a
 * longer one is shown from its start at the zoom that fits the lanes' width (never below
 * LEGIBLE_ZOOM), and the user scrolls down. Fitting everything whatever its length turned
 * ResNet-50 into a strip a few pixels high, which nobody can read.
 */
import type { ReactFlowInstance } from '@xyflow/react';
import type { LaidOutGraph, PlacedNode } from '../layout/layout-types.js';

/** Below this zoom a node's text (11–13 px) cannot be read. */
export const LEGIBLE_ZOOM = 0.45;
/**
 * A model is shown whole only at this zoom or more; below it, from its start at the lanes' width.
 * At LEGIBLE_ZOOM the text is 5–6 px on screen: a 1920×1080 window showed the 13-layer sample
 * whole and unreadable, where 1440×900 (too short to fit it whole) showed it at 0.94.
 */
export const WHOLE_ZOOM = 0.75;
/** Fitting never zooms in past this: a three-layer model should not fill the screen with one box. */
const MAX_FIT_ZOOM = 1.1;
/** Height of the lane header bar drawn over the top of the canvas (LaneHeader.tsx). */
export const LANE_HEADER_PX = 44;
/** The minimap: narrow and tall, as the graph is; bottom-right, in a gutter no lane is fitted into. */
export const MINIMAP_STYLE = { width: 112, height: 168 } as const;
/** Space kept free of lanes when fitting: the controls on the left, the minimap on the right. */
const GUTTER_PX = {
  left: 56,
  right: MINIMAP_STYLE.width + 28,
  top: LANE_HEADER_PX + 16,
  bottom: 16,
} as const;

export interface PaneSize {
  readonly width: number;
  readonly height: number;
}

/** Where the canvas reads its size from; set by the canvas (use-viewport-follow.ts). */
let paneSize: () => PaneSize = () => ({ width: 0, height: 0 });

export function setPaneSizeSource(source: () => PaneSize): void {
  paneSize = source;
}

export interface Viewport {
  readonly x: number;
  readonly y: number;
  readonly zoom: number;
}

/**
 * The view the model opens with and Fit returns to (see the file's doc). Pure, so it is
 * tested without a browser.
 *
 * @returns null when there is nothing to fit or the pane has no size yet.
 */
export function fittedViewport(graph: LaidOutGraph, pane: PaneSize): Viewport | null {
  if (graph.nodes.length === 0 || pane.width <= 0 || pane.height <= 0) return null;
  let top = Infinity;
  let bottom = -Infinity;
  let left = Infinity;
  let right = -Infinity;
  for (const node of graph.nodes) {
    top = Math.min(top, node.y);
    bottom = Math.max(bottom, node.y + node.height);
    left = Math.min(left, node.x);
    right = Math.max(right, node.x + node.width);
  }
  // The lanes, not only the nodes, are fitted: an empty edge or cloud lane must stay in view
  // so a layer can be moved there.
  for (const lane of graph.lanes) {
    left = Math.min(left, lane.x);
    right = Math.max(right, lane.x + lane.width);
  }
  const width = Math.max(1, pane.width - GUTTER_PX.left - GUTTER_PX.right);
  const height = Math.max(1, pane.height - GUTTER_PX.top - GUTTER_PX.bottom);
  const widthZoom = width / (right - left);
  const wholeZoom = Math.min(widthZoom, height / (bottom - top), MAX_FIT_ZOOM);
  const centredX = (zoom: number): number =>
    (right - left) * zoom <= width
      ? GUTTER_PX.left + (width - (right - left) * zoom) / 2 - left * zoom
      : GUTTER_PX.left - left * zoom;
  if (wholeZoom >= WHOLE_ZOOM) {
    const y = GUTTER_PX.top + (height - (bottom - top) * wholeZoom) / 2 - top * wholeZoom;
    return { x: centredX(wholeZoom), y, zoom: wholeZoom };
  }
  const zoom = Math.max(LEGIBLE_ZOOM, Math.min(widthZoom, MAX_FIT_ZOOM));
  return { x: centredX(zoom), y: GUTTER_PX.top - top * zoom, zoom };
}

/** Shows the model as it opens (whole if legible, else its start, lanes fitted to the width). */
export function fitGraph(flow: ReactFlowInstance, graph: LaidOutGraph | null, durationMs = 0): void {
  if (!graph) return;
  const viewport = fittedViewport(graph, paneSize());
  if (viewport) void flow.setViewport(viewport, { duration: durationMs });
  else if (graph.nodes.length > 0)
    void flow.fitView({ nodes: graph.nodes.map((n) => ({ id: n.id })), duration: durationMs });
}

/** Centres a node, zooming in to a readable scale when the view is zoomed far out. */
export function centreNode(flow: ReactFlowInstance, node: PlacedNode, durationMs = 250): void {
  const zoom = Math.max(flow.getZoom(), 0.75);
  void flow.setCenter(node.x + node.width / 2, node.y + node.height / 2, { zoom, duration: durationMs });
}

/** Pans only if the node is not already fully on screen (below the lane header). */
export function keepNodeInView(
  flow: ReactFlowInstance,
  node: PlacedNode,
  pane: PaneSize,
  durationMs = 200,
): void {
  const { x, y, zoom } = flow.getViewport();
  const left = node.x * zoom + x;
  const top = node.y * zoom + y;
  const inside =
    left >= 0 &&
    top >= LANE_HEADER_PX &&
    left + node.width * zoom <= pane.width &&
    top + node.height * zoom <= pane.height;
  if (!inside) centreNode(flow, node, durationMs);
}
