/**
 * The swimlane layered layout: left-to-right ranks, three horizontal lanes (device, edge,
 * cloud), each node in its tier's lane. Made for DNN graphs, which are long chains with skip
 * connections and short parallel branches: no crossing minimisation beyond a few barycentre
 * sweeps, no coordinate optimisation beyond aligned rows, so 5,000 nodes take milliseconds.
 * Pure TypeScript with no Node or DOM imports: it runs in the renderer's layout worker.
 */
import { TIERS, type Tier } from '../view/types.js';
import { LANE_COUNT, orderRows, type Ordering } from './order.js';
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
  rankGap: 80,
  rowGap: 32,
  lanePadding: 40,
  emptyRowHeight: 96,
  sweeps: 4,
  maxRoutedSpan: 24,
};

/**
 * Lays out `input` in O((V + W + E) × sweeps) time plus sorting each (lane, rank) by
 * barycentre, where W, the waypoints of routed edges, is at most V × maxRoutedSpan (one shared
 * trunk per source) and a few times V for DNNs. Steps:
 * 1. rank: longest path from the sources over a topological order (cycles broken against it);
 * 2. order: rows within each (lane, rank) by barycentre sweeps over same-lane neighbours;
 * 3. place: x by rank (each rank as wide as its widest node), y by row with rows of one pitch
 *    per lane (`pitch = tallest node + rowGap`) so chains run straight; lanes stacked device,
 *    edge, cloud, each as tall as its busiest rank.
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
  const laneOf = new Uint8Array(nodeCount);
  input.nodes.forEach((node, i) => (laneOf[i] = laneIndex(node.tier)));

  if (cancelled()) return null;
  const ranking = rankNodes(nodeCount, { source, target });
  progress(0.15);
  const ordering = orderRows({
    nodeCount,
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

  const geometry = placeRows(input, ordering, ranking.rankCount, settings);
  const nodes: PlacedNode[] = input.nodes.map((node, v) => ({
    id: node.id,
    tier: node.tier,
    x: geometry.rankX[ordering.rankOf[v]!]! + (geometry.rankWidth[ordering.rankOf[v]!]! - node.width) / 2,
    y: geometry.rowTop(v) + (geometry.pitch[laneOf[v]!]! - settings.rowGap - node.height) / 2,
    width: node.width,
    height: node.height,
    rank: ordering.rankOf[v]!,
    row: ordering.row[v]!,
  }));
  const edges: RoutedEdge[] = kept.map((edge, e) => {
    const bends: Point[] = [];
    for (let k = 0; k < ordering.waypointCount[e]!; k++) {
      const w = ordering.waypointStart[e]! + k;
      const r = ordering.rankOf[w]!;
      bends.push({
        x: geometry.rankX[r]! + geometry.rankWidth[r]! / 2,
        y: geometry.rowTop(w) + (geometry.pitch[ordering.laneOf[w]!]! - settings.rowGap) / 2,
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
  readonly rankX: Float64Array;
  readonly rankWidth: Float64Array;
  /** Row pitch of each lane. */
  readonly pitch: Float64Array;
  readonly rowTop: (v: number) => number;
  readonly lanes: LaneBand[];
  readonly width: number;
  readonly height: number;
}

function placeRows(
  input: LayoutInput,
  ordering: Ordering,
  rankCount: number,
  settings: typeof DEFAULTS,
): Geometry {
  const rankWidth = new Float64Array(rankCount);
  const tallest = new Float64Array(LANE_COUNT);
  input.nodes.forEach((node, v) => {
    const r = ordering.rankOf[v]!;
    rankWidth[r] = Math.max(rankWidth[r]!, node.width);
    const lane = ordering.laneOf[v]!;
    tallest[lane] = Math.max(tallest[lane]!, node.height);
  });
  const rankX = new Float64Array(rankCount);
  let x = 0;
  for (let r = 0; r < rankCount; r++) {
    rankX[r] = x;
    x += rankWidth[r]! + (r < rankCount - 1 ? settings.rankGap : 0);
  }
  const width = x;
  const pitch = new Float64Array(LANE_COUNT);
  const laneTop = new Float64Array(LANE_COUNT);
  const lanes: LaneBand[] = [];
  let y = 0;
  for (let lane = 0; lane < LANE_COUNT; lane++) {
    let rows = 1;
    for (let r = 0; r < rankCount; r++) rows = Math.max(rows, ordering.rowsUsed[lane * rankCount + r]!);
    pitch[lane] = (tallest[lane]! || settings.emptyRowHeight) + settings.rowGap;
    const height = 2 * settings.lanePadding + rows * pitch[lane]! - settings.rowGap;
    laneTop[lane] = y;
    lanes.push({
      tier: TIERS[lane]!,
      x: -settings.lanePadding,
      y,
      width: width + 2 * settings.lanePadding,
      height,
    });
    y += height;
  }
  const rowTop = (v: number): number => {
    const lane = ordering.laneOf[v]!;
    return laneTop[lane]! + settings.lanePadding + ordering.row[v]! * pitch[lane]!;
  };
  return { rankX, rankWidth, pitch, rowTop, lanes, width, height: y };
}

function laneIndex(tier: Tier): number {
  const lane = TIERS.indexOf(tier);
  if (lane < 0) throw new Error(`layoutGraph: unknown tier "${String(tier)}".`);
  return lane;
}

function withoutUndefined(options: LayoutOptions): Partial<typeof DEFAULTS> {
  const result: Partial<Record<keyof typeof DEFAULTS, number>> = {};
  for (const key of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const value = options[key];
    if (typeof value === 'number' && Number.isFinite(value)) result[key] = value;
  }
  return result;
}
