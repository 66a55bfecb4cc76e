/** Input, options and result of the swimlane layered layout. */
import type { Tier } from '../view/types.js';

export interface LayoutNode {
  readonly id: string;
  /** Which lane the node is drawn in. */
  readonly tier: Tier;
  readonly width: number;
  readonly height: number;
}

export interface LayoutEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
}

export interface LayoutInput {
  /** Best given in a topological order (ties and cycles are then broken as the model reads). */
  readonly nodes: readonly LayoutNode[];
  readonly edges: readonly LayoutEdge[];
  /**
   * The lanes, left to right: the tiers of the design's topology in chain order (device first),
   * two or three of them. Default: device, edge, cloud. A node on a tier not listed (the design
   * never makes one) is drawn in the lane of the nearest listed tier below it (the first lane when
   * none is), where the design's figures count it.
   */
  readonly tiers?: readonly Tier[];
}

export interface LayoutOptions {
  /** Vertical space between ranks; default 56 (room for an edge's label). */
  readonly rankGap?: number;
  /** Horizontal space between nodes side by side in a lane; default 32. */
  readonly slotGap?: number;
  /** Space inside a lane around its nodes; default 40. */
  readonly lanePadding?: number;
  /** Width of the slot an empty lane keeps, so a node can be dropped onto it; default 240. */
  readonly emptySlotWidth?: number;
  /** Barycentre passes over the ranks, alternating down and up; default 4. */
  readonly sweeps?: number;
  /**
   * An edge within one lane spanning at most this many ranks gets a waypoint in each rank it
   * crosses (it then takes a slot there and is routed around the nodes); longer edges are left
   * to the renderer to draw, so that one tensor read by every layer cannot cost V² waypoints.
   * Default 24.
   */
  readonly maxRoutedSpan?: number;
  /** Called with the fraction done (0..1) after each phase and sweep. */
  readonly onProgress?: (fraction: number) => void;
  /** Checked between sweeps; the layout stops and returns null once it says true. */
  readonly isCancelled?: () => boolean;
  /** An AbortSignal or anything with `aborted`; checked like `isCancelled`. */
  readonly signal?: { readonly aborted: boolean };
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface PlacedNode {
  readonly id: string;
  /** The node's own tier (as given, even when drawn in the nearest lane; see `LayoutInput.tiers`). */
  readonly tier: Tier;
  /** Top-left corner. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Level down the flow: longest path from the sources (a promoted source sits just above its first consumer). */
  readonly rank: number;
  /** Place across its lane at that rank, 0 at the left. */
  readonly slot: number;
}

/** A tier's lane: a column of the canvas. */
export interface LaneBand {
  readonly tier: Tier;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface RoutedEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  /** Waypoints from source to target, one per rank crossed; empty when drawn directly. */
  readonly bends: readonly Point[];
  /** True when the edge runs upwards (it closed a cycle, so its source is ranked below its target). */
  readonly reversed: boolean;
}

export interface GraphLayout {
  /** In input order. */
  readonly nodes: readonly PlacedNode[];
  /** In input order; self-loops are left out. */
  readonly edges: readonly RoutedEdge[];
  /** One per tier of `LayoutInput.tiers`, left to right in that order, touching, all as tall as the graph. */
  readonly lanes: readonly LaneBand[];
  readonly ranks: number;
  readonly width: number;
  readonly height: number;
}
