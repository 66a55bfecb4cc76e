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
}

export interface LayoutOptions {
  /** Horizontal space between ranks; default 80. */
  readonly rankGap?: number;
  /** Vertical space between rows of a lane; default 32. */
  readonly rowGap?: number;
  /** Space inside a lane band around its nodes; default 40. */
  readonly lanePadding?: number;
  /** Height of the row an empty lane keeps, so a node can be dropped onto it; default 96. */
  readonly emptyRowHeight?: number;
  /** Barycentre passes over the ranks, alternating down and up; default 4. */
  readonly sweeps?: number;
  /**
   * An edge within one lane spanning at most this many ranks gets a waypoint in each rank it
   * crosses (it then takes a row there and is routed around the nodes); longer edges are left
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
  readonly tier: Tier;
  /** Top-left corner. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Column: longest path from the sources (a promoted source sits just before its first consumer). */
  readonly rank: number;
  /** Row within its lane at that rank, 0 at the top. */
  readonly row: number;
}

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
  /** True when the edge runs right to left (it closed a cycle, so its source is ranked after its target). */
  readonly reversed: boolean;
}

export interface GraphLayout {
  /** In input order. */
  readonly nodes: readonly PlacedNode[];
  /** In input order; self-loops are left out. */
  readonly edges: readonly RoutedEdge[];
  /** Device, edge, cloud from top to bottom, touching, all as wide as the graph. */
  readonly lanes: readonly LaneBand[];
  readonly ranks: number;
  readonly width: number;
  readonly height: number;
}
