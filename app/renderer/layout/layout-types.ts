/** The laid-out graph the canvas draws, and the messages to and from the layout worker. */
import type { ModelView, Tier } from '../../../core/view/types.js';

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface PlacedNode {
  /** A layer id or a collapsed block's id. */
  readonly id: string;
  readonly kind: 'layer' | 'block';
  readonly tier: Tier;
  /** Top-left corner, in graph units. */
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** One drawn edge: every tensor going from one visible node to another, merged. */
export interface PlacedEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly tensors: readonly string[];
  /** Sum over `tensors`: what would cross the network if a cut fell here. */
  readonly bytes: number;
  readonly exact: boolean;
  /** 'shape' when the target only reads the tensors' shapes (8 bytes per dimension cross). */
  readonly kind: 'data' | 'shape';
  /** Bend points between the two nodes, if the layout routed the edge. */
  readonly bends: readonly Point[];
}

/** A tier's lane: a column of the canvas, as tall as the graph. */
export interface LaneBand {
  readonly tier: Tier;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface LaidOutGraph {
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
  readonly lanes: readonly LaneBand[];
}

export type ToLayoutWorker =
  | { readonly type: 'model'; readonly modelKey: string; readonly view: ModelView }
  | {
      readonly type: 'layout';
      readonly requestId: number;
      readonly modelKey: string;
      readonly expanded: readonly string[];
      readonly placement: Readonly<Record<string, Tier>>;
      /** The topology's tiers, device first: the lanes, left to right. */
      readonly tiers: readonly Tier[];
    };

export type FromLayoutWorker =
  | { readonly type: 'progress'; readonly requestId: number; readonly fraction: number }
  | { readonly type: 'done'; readonly requestId: number; readonly graph: LaidOutGraph }
  | { readonly type: 'failed'; readonly requestId: number; readonly message: string };
