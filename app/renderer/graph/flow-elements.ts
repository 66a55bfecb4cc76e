/**
 * The laid-out graph as React Flow nodes and edges: lanes are columns behind the nodes, and
 * edges leave a node's bottom and enter the next one's top (the graph flows down). Built once
 * per layout, so panning, selecting and re-colouring never rebuild these arrays: node
 * components read what changes (selection, heat) from the store themselves.
 */
import type { Edge, Node } from '@xyflow/react';
import { TIER_TITLES } from '../../../core/tiers.js';
import type { Tier } from '../../../core/view/types.js';
import type { LaidOutGraph, Point } from '../layout/layout-types.js';

export type LayerFlowNode = Node<{ readonly tier: Tier }, 'layer'>;
export type BlockFlowNode = Node<{ readonly tier: Tier }, 'block'>;
export type LaneFlowNode = Node<{ readonly tier: Tier }, 'lane'>;
export type StudioFlowNode = LayerFlowNode | BlockFlowNode | LaneFlowNode;

export type TensorFlowEdge = Edge<
  {
    readonly bytes: number;
    readonly exact: boolean;
    readonly kind: 'data' | 'shape';
    readonly tensors: readonly string[];
    readonly bends: readonly Point[];
  },
  'tensor'
>;

export const LANE_NODE_PREFIX = 'lane:';

export const tierTitle = (tier: Tier): string => TIER_TITLES[tier];

export function toFlowElements(graph: LaidOutGraph): { nodes: StudioFlowNode[]; edges: TensorFlowEdge[] } {
  const lanes: LaneFlowNode[] = graph.lanes.map((lane) => ({
    id: `${LANE_NODE_PREFIX}${lane.tier}`,
    type: 'lane',
    position: { x: lane.x, y: lane.y },
    width: lane.width,
    height: lane.height,
    data: { tier: lane.tier },
    zIndex: -1,
    selectable: false,
    focusable: false,
    draggable: false,
    ariaRole: 'group',
    ariaLabel: `${TIER_TITLES[lane.tier]} lane`,
  }));
  const nodes = graph.nodes.map((node): LayerFlowNode | BlockFlowNode => ({
    id: node.id,
    type: node.kind,
    position: { x: node.x, y: node.y },
    width: node.width,
    height: node.height,
    // The layout fixed the size, so it is "measured": React Flow then keeps the handle bounds it
    // measured for this id before. Without it each new node object counts as unmeasured: after a
    // relayout onlyRenderVisibleElements mounts every node once to measure it (~500 ms for 1,000
    // items), and a dragged node's moved copy is re-observed and re-measured every frame (two
    // walks of every node a frame). A node is still measured whenever it mounts.
    measured: { width: node.width, height: node.height },
    data: { tier: node.tier },
    // Draggable into another lane (the canvas's drag moves layers between tiers).
    ariaRole: 'button',
    ariaLabel: `${node.kind} ${node.id}`,
  }));
  const edges = graph.edges.map((edge): TensorFlowEdge => ({
    id: edge.id,
    type: 'tensor',
    source: edge.source,
    target: edge.target,
    selectable: false,
    focusable: false,
    data: { bytes: edge.bytes, exact: edge.exact, kind: edge.kind, tensors: edge.tensors, bends: edge.bends },
    ariaLabel: `${edge.tensors.join(', ')} from ${edge.source} to ${edge.target}`,
  }));
  return { nodes: [...lanes, ...nodes], edges };
}
