/**
 * Where the cut lines are drawn on the laid-out graph (flow coordinates; the graph flows top to
 * bottom and the lanes are columns): for every cut position, the height of a line between the
 * last unit above it and the first unit below it, and back from a pointer's height to the
 * position whose line is nearest. A unit inside a collapsed block is drawn by the block; positions
 * between two units of one block are spread over the block's height, so a line dragged through a
 * block moves through it one layer at a time.
 */
import type { TierName } from '../../../../core/profiles/types.js';
import type { LaidOutGraph, PlacedNode } from '../../layout/layout-types.js';

/** Space above the first unit and below the last, for the lines at positions 0 and n. */
export const CUT_MARGIN = 28;

export interface CutGeometry {
  /** `lineY[c]`: the height of a line at cut position c (0 … unit count). */
  readonly lineY: Float64Array;
  /** The lines run across every lane. */
  readonly left: number;
  readonly right: number;
  /**
   * Where the grip of the line between tiers h and h + 1 sits: the middle of tier h + 1's lane.
   * Not on the border of the two lanes, where the label of a tensor crossing the line is; the
   * later lane is empty above the line, and two grips at one height never share a lane.
   */
  readonly gripX: readonly number[];
}

/**
 * @param units layer id of each unit, in unit order
 * @param ownerOf the visible node drawing a layer (itself, or the collapsed block around it)
 */
export function cutGeometry(
  graph: LaidOutGraph,
  units: readonly string[],
  tiers: readonly TierName[],
  ownerOf: (layerId: string) => string | null,
): CutGeometry {
  const byId = new Map<string, PlacedNode>(graph.nodes.map((node) => [node.id, node]));
  const n = units.length;
  // The node drawing each unit; a unit with none (not laid out) borrows the one before it.
  const drawnBy: (PlacedNode | undefined)[] = [];
  for (let u = 0; u < n; u++) {
    const owner = ownerOf(units[u]!);
    drawnBy.push((owner !== null ? byId.get(owner) : undefined) ?? drawnBy[u - 1]);
  }
  // Rank of each unit among the units its node draws, and how many that node draws.
  const seen = new Map<PlacedNode, number>();
  const rank = new Int32Array(n);
  drawnBy.forEach((node, u) => {
    if (!node) return;
    rank[u] = seen.get(node) ?? 0;
    seen.set(node, rank[u]! + 1);
  });
  const firstDrawn = drawnBy.find((node) => node !== undefined);
  const lineY = new Float64Array(n + 1);
  for (let c = 0; c <= n; c++) {
    const above = c > 0 ? drawnBy[c - 1] : undefined;
    const below = c < n ? drawnBy[c] : undefined;
    if (above && below && above === below) {
      lineY[c] = below.y + (below.height * rank[c]!) / seen.get(below)!;
    } else if (above && below) {
      lineY[c] = (above.y + above.height + below.y) / 2;
    } else if (below) {
      lineY[c] = below.y - CUT_MARGIN;
    } else if (above) {
      lineY[c] = above.y + above.height + CUT_MARGIN;
    } else {
      lineY[c] = firstDrawn ? firstDrawn.y - CUT_MARGIN : 0;
    }
  }
  const lanes = graph.lanes;
  const left = lanes.length > 0 ? Math.min(...lanes.map((l) => l.x)) : 0;
  const right = lanes.length > 0 ? Math.max(...lanes.map((l) => l.x + l.width)) : 0;
  const gripX = tiers.slice(1).map((tier, h) => {
    const lane = lanes.find((l) => l.tier === tier);
    return lane ? lane.x + lane.width / 2 : left + ((right - left) * (h + 1.5)) / tiers.length;
  });
  return { lineY, left, right, gripX };
}

/**
 * The cut position whose line is nearest `y`; among equally near ones, the one nearest
 * `current`, so a line does not jump between two positions drawn at one height.
 */
export function positionNearest(geometry: CutGeometry, y: number, current: number): number {
  let best = current;
  let bestDistance = Infinity;
  geometry.lineY.forEach((lineY, c) => {
    const distance = Math.abs(lineY - y);
    if (
      distance < bestDistance ||
      (distance === bestDistance && Math.abs(c - current) < Math.abs(best - current))
    ) {
      best = c;
      bestDistance = distance;
    }
  });
  return best;
}
