/**
 * The swimlane layered layout: ranks go down the canvas, and the topology's tiers are lanes
 * side by side as columns (device left, then edge, then cloud), each node in its tier's lane.
 *
 * Why top to bottom, as Netron draws graphs: a DNN is a long chain (ResNet-50 has ~50 ranks
 * even folded into blocks) that is rarely more than a few nodes wide. Laid left to right, a
 * whole model fitted to a wide screen becomes a strip a few pixels high; laid top to bottom, the
 * lanes' width (two or three columns of ~300 px) fits a screen's width at a legible zoom and the
 * model continues downwards, where scrolling is natural. A cut between tiers then reads as a
 * horizontal line: everything above it runs before the data crosses, everything below after.
 *
 * Made for DNN graphs, which are long chains with skip connections and short parallel
 * branches: no crossing minimisation beyond a few barycentre sweeps, no coordinate optimisation
 * beyond aligned slots, so 5,000 nodes take milliseconds. Pure TypeScript with no Node or DOM
 * imports: it runs in the renderer's layout worker.
 */
import { TIERS, type Tier } from '../view/types.js';
import { orderRows, type Ordering } from './order.js';
import { rankNodes } from './rank.js';
import type {
  GraphLayout,
  LaneBand,
  LayoutInput,
  LayoutOptions,
  PlacedNode,
  Point,
  RoutedEdge,
} from './types.js';

const DEFAULTS = {
  rankGap: 56,
  slotGap: 32,
  lanePadding: 40,
  emptySlotWidth: 240,
  sweeps: 4,
  maxRoutedSpan: 24,
};

/**
 * Lays out `input` in O((V + W + E) × sweeps) time plus sorting each (lane, rank) by
 * barycentre, where W, the waypoints of routed edges, is at most V × maxRoutedSpan (one shared
 * trunk per source) and a few times V for DNNs. Steps:
 * 1. rank: longest path from the sources over a topological order (cycles broken against it);
 * 2. order: slots within each (lane, rank) by barycentre sweeps over same-lane neighbours;
 * 3. place: y by rank (each rank as tall as its tallest node), x by slot with slots of one
 *    pitch per lane (`pitch = widest node + slotGap`) so chains run straight down; lanes side
 *    by side in the order of `input.tiers`, each as wide as its busiest rank.
 * Deterministic: the same input gives the same layout.
 *
 * @returns null when cancelled through `options.isCancelled` or `options.signal`.
 */
export function layoutGraph(input: LayoutInput, options: LayoutOptions = {}): GraphLayout | null {
  const settings = { ...DEFAULTS, ...withoutUndefined(options) };
  const cancelled = (): boolean => (options.signal?.aborted ?? false) || (options.isCancelled?.() ?? false);
  const progress = options.onProgress ?? ((): void => undefined);
  const nodeCount = input.nodes.length;
  const index = new Map<string, number>();
  input.nodes.forEach((node, i) => {
    if (index.has(node.id)) throw new Error(`layoutGraph: node id "${node.id}" appears twice.`);
    index.set(node.id, i);
  });
  const kept = input.edges.filter((edge) => edge.source !== edge.target);
  const source = new Int32Array(kept.length);
  const target = new Int32Array(kept.length);
  kept.forEach((edge, e) => {
    const s = index.get(edge.source);
    const t = index.get(edge.target);
    if (s === undefined || t === undefined)
      throw new Error(`layoutGraph: edge "${edge.id}" joins a node that is not in the layout.`);
    source[e] = s;
    target[e] = t;
  });
  const tiers = laneTiers(input.tiers);
  const laneFor = laneLookup(tiers);
  const laneOf = new Uint8Array(nodeCount);
  input.nodes.forEach((node, i) => (laneOf[i] = laneFor(node.tier)));

  if (cancelled()) return null;
  const ranking = rankNodes(nodeCount, { source, target });
  progress(0.15);
  const ordering = orderRows({
    nodeCount,
    laneCount: tiers.length,
    laneOf,
    rank: ranking.rank,
    rankCount: ranking.rankCount,
    order: ranking.order,
    forward: ranking.forward,
    maxRoutedSpan: Math.max(1, settings.maxRoutedSpan),
    sweeps: Math.max(0, settings.sweeps),
    proceed: (sweep) => {
      if (cancelled()) return false;
      progress(0.15 + (0.75 * sweep) / Math.max(1, settings.sweeps));
      return true;
    },
  });
  if (!ordering || cancelled()) return null;

  const geometry = placeSlots(input, tiers, ordering, ranking.rankCount, settings);
  const nodes: PlacedNode[] = input.nodes.map((node, v) => ({
    id: node.id,
    tier: node.tier,
    x: geometry.slotLeft(v) + (geometry.pitch[laneOf[v]!]! - settings.slotGap - node.width) / 2,
    y: geometry.rankY[ordering.rankOf[v]!]! + (geometry.rankHeight[ordering.rankOf[v]!]! - node.height) / 2,
    width: node.width,
    height: node.height,
    rank: ordering.rankOf[v]!,
    slot: ordering.slot[v]!,
  }));
  const edges: RoutedEdge[] = kept.map((edge, e) => {
    const bends: Point[] = [];
    for (let k = 0; k < ordering.waypointCount[e]!; k++) {
      const w = ordering.waypointStart[e]! + k;
      const r = ordering.rankOf[w]!;
      bends.push({
        x: geometry.slotLeft(w) + (geometry.pitch[ordering.laneOf[w]!]! - settings.slotGap) / 2,
        y: geometry.rankY[r]! + geometry.rankHeight[r]! / 2,
      });
    }
    const reversed = ranking.reversed[e] === 1;
    if (reversed) bends.reverse();
    return { id: edge.id, source: edge.source, target: edge.target, bends, reversed };
  });
  progress(1);
  return {
    nodes,
    edges,
    lanes: geometry.lanes,
    ranks: ranking.rankCount,
    width: geometry.width,
    height: geometry.height,
  };
}

interface Geometry {
  readonly rankY: Float64Array;
  readonly rankHeight: Float64Array;
  /** Slot pitch of each lane. */
  readonly pitch: Float64Array;
  /** Left edge of the slot of node or waypoint v. */
  readonly slotLeft: (v: number) => number;
  readonly lanes: LaneBand[];
  readonly width: number;
  readonly height: number;
}

function placeSlots(
  input: LayoutInput,
  tiers: readonly Tier[],
  ordering: Ordering,
  rankCount: number,
  settings: typeof DEFAULTS,
): Geometry {
  const laneCount = tiers.length;
  const rankHeight = new Float64Array(rankCount);
  const widest = new Float64Array(laneCount);
  input.nodes.forEach((node, v) => {
    const r = ordering.rankOf[v]!;
    rankHeight[r] = Math.max(rankHeight[r]!, node.height);
    const lane = ordering.laneOf[v]!;
    widest[lane] = Math.max(widest[lane]!, node.width);
  });
  const rankY = new Float64Array(rankCount);
  let y = 0;
  for (let r = 0; r < rankCount; r++) {
    rankY[r] = y;
    y += rankHeight[r]! + (r < rankCount - 1 ? settings.rankGap : 0);
  }
  const height = y;
  const pitch = new Float64Array(laneCount);
  const laneLeft = new Float64Array(laneCount);
  const lanes: LaneBand[] = [];
  let x = 0;
  for (let lane = 0; lane < laneCount; lane++) {
    let slots = 1;
    for (let r = 0; r < rankCount; r++) slots = Math.max(slots, ordering.slotsUsed[lane * rankCount + r]!);
    pitch[lane] = Math.max(widest[lane]!, settings.emptySlotWidth) + settings.slotGap;
    const width = 2 * settings.lanePadding + slots * pitch[lane]! - settings.slotGap;
    laneLeft[lane] = x;
    lanes.push({
      tier: tiers[lane]!,
      x,
      y: -settings.lanePadding,
      width,
      height: height + 2 * settings.lanePadding,
    });
    x += width;
  }
  const slotLeft = (v: number): number => {
    const lane = ordering.laneOf[v]!;
    return laneLeft[lane]! + settings.lanePadding + ordering.slot[v]! * pitch[lane]!;
  };
  return { rankY, rankHeight, pitch, slotLeft, lanes, width: x, height };
}

/** The lanes' tiers: as given (duplicates dropped), or every tier. */
function laneTiers(given: readonly Tier[] | undefined): readonly Tier[] {
  if (!given || given.length === 0) return TIERS;
  const tiers: Tier[] = [];
  for (const tier of given) {
    if (!TIERS.includes(tier)) throw new Error(`layoutGraph: unknown tier "${String(tier)}".`);
    if (!tiers.includes(tier)) tiers.push(tier);
  }
  return tiers;
}

/**
 * Lane index of each tier: its own lane, else the nearest listed tier below it along the chain
 * (the device's lane when there is none), so a placement that outlived its topology still draws
 * where the design's figures count it (app/renderer/design/placement.ts, `nearestTier`).
 */
function laneLookup(tiers: readonly Tier[]): (tier: Tier) => number {
  return (tier) => {
    const at = TIERS.indexOf(tier);
    if (at < 0) throw new Error(`layoutGraph: unknown tier "${String(tier)}".`);
    for (let i = at; i >= 0; i--) {
      const lane = tiers.indexOf(TIERS[i]!);
      if (lane >= 0) return lane;
    }
    return 0;
  };
}

function withoutUndefined(options: LayoutOptions): Partial<typeof DEFAULTS> {
  const result: Partial<Record<keyof typeof DEFAULTS, number>> = {};
  for (const key of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const value = options[key];
    if (typeof value === 'number' && Number.isFinite(value)) result[key] = value;
  }
  return result;
}
