/** Viewport moves shared by the canvas, the toolbar, shortcuts and host commands. */
import type { ReactFlowInstance } from '@xyflow/react';
import type { LaidOutGraph, PlacedNode } from '../layout/layout-types.js';

const FIT_PADDING = 0.12;
/** Below this zoom a node's text cannot be read; a model opens at least this close. */
export const READABLE_ZOOM = 0.6;
const MARGIN_PX = 32;

interface PaneSize {
  readonly width: number;
  readonly height: number;
}

/** Fits the layers and blocks (not the wide lane bands) into the window. */
export function fitGraph(flow: ReactFlowInstance, graph: LaidOutGraph | null, durationMs = 0): void {
  if (!graph || graph.nodes.length === 0) return;
  void flow.fitView({
    nodes: graph.nodes.map((n) => ({ id: n.id })),
    padding: FIT_PADDING,
    duration: durationMs,
    maxZoom: 1.2,
  });
}

/** Centres a node, zooming in to a readable scale when the view is zoomed far out. */
export function centreNode(flow: ReactFlowInstance, node: PlacedNode, durationMs = 250): void {
  const zoom = Math.max(flow.getZoom(), 0.75);
  void flow.setCenter(node.x + node.width / 2, node.y + node.height / 2, { zoom, duration: durationMs });
}

/** Pans only if the node is not already fully on screen. */
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
    top >= 0 &&
    left + node.width * zoom <= pane.width &&
    top + node.height * zoom <= pane.height;
  if (!inside) centreNode(flow, node, durationMs);
}

/**
 * The view a model opens with: the whole graph when it fits at a readable zoom, else its start
 * (the inputs' end) at READABLE_ZOOM, the minimap showing where that lies in the whole.
 */
export function showGraphStart(flow: ReactFlowInstance, graph: LaidOutGraph, pane: PaneSize): void {
  if (graph.nodes.length === 0) return;
  if (pane.width === 0 || pane.height === 0) {
    fitGraph(flow, graph);
    return;
  }
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const n of graph.nodes) {
    minX = Math.min(minX, n.x);
    minY = Math.min(minY, n.y);
    maxX = Math.max(maxX, n.x + n.width);
    maxY = Math.max(maxY, n.y + n.height);
  }
  const fitZoom = Math.min(
    pane.width / ((maxX - minX) * (1 + 2 * FIT_PADDING)),
    pane.height / ((maxY - minY) * (1 + 2 * FIT_PADDING)),
  );
  if (fitZoom >= READABLE_ZOOM) {
    fitGraph(flow, graph);
    return;
  }
  const zoom = READABLE_ZOOM;
  const fitsHeight = (maxY - minY) * zoom + 2 * MARGIN_PX <= pane.height;
  const y = fitsHeight ? pane.height / 2 - ((minY + maxY) / 2) * zoom : MARGIN_PX - minY * zoom;
  void flow.setViewport({ x: MARGIN_PX - minX * zoom, y, zoom });
}
