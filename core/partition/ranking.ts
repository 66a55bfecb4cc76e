/**
 * Placements in increasing order of a weighted objective (latency and device energy), by Lawler's
 * k-best method (Lawler 1972; Murty 1968): the best placement of a sub-space, then the sub-space
 * split into disjoint parts that each exclude it (units before position t fixed to its tiers,
 * unit t forbidden its tier), each part's best found by an exact min cut. Every placement keeping
 * the pins comes out exactly once, best first.
 */
import TinyQueue from 'tinyqueue';
import type { PinTable } from './constraints.js';
import { solveMinCut, type CutWeights } from './min-cut.js';
import type { Placement } from './placement.js';
import type { PartitionProblem } from './problem.js';

interface SubSpace {
  readonly fixed: Int8Array;
  readonly forbidden: Uint8Array;
  readonly best: Placement;
  readonly value: number;
}

export interface Ranking {
  /**
   * The next placement and its weighted value; null when every placement has come out, or when
   * the cut budget ran out (then `exhausted` is true and the order beyond is unknown).
   */
  next(): { placement: Placement; value: number } | null;
  /** Min cuts solved so far. */
  readonly cuts: number;
  readonly exhausted: boolean;
}

export function rankPlacements(
  problem: PartitionProblem,
  weights: CutWeights,
  pins: PinTable,
  allowedTiers: readonly number[],
  /** Most min cuts to solve; each ranked placement costs up to one per free unit. */
  maxCuts = Infinity,
  implications: readonly (readonly [number, number])[] = [],
): Ranking {
  let cuts = 0;
  let exhausted = false;
  const solve = (fixed: Int8Array, forbidden: Uint8Array): SubSpace | null => {
    cuts++;
    const result = solveMinCut(problem, weights, fixed, allowedTiers, forbidden, implications);
    return Number.isFinite(result.value)
      ? { fixed, forbidden, best: result.placement, value: result.value }
      : null;
  };
  const queue = new TinyQueue<SubSpace>([], (a, b) => a.value - b.value);
  const root = solve(pins.slice(), new Uint8Array(problem.units.length));
  if (root) queue.push(root);
  return {
    get cuts() {
      return cuts;
    },
    get exhausted() {
      return exhausted;
    },
    next() {
      if (exhausted) return null;
      const free = queue.peek()?.fixed.reduce((count, tier) => count + (tier === -1 ? 1 : 0), 0) ?? 0;
      // Splitting the best sub-space costs a cut per free unit: refuse before starting it.
      if (cuts + free > maxCuts) {
        exhausted = true;
        return null;
      }
      const space = queue.pop();
      if (!space) return null;
      const { fixed, forbidden, best } = space;
      // Partition the rest of the space: for each free unit t, keep the free units before t as
      // in `best` and forbid unit t its tier there.
      const prefix = fixed.slice();
      for (let t = 0; t < fixed.length; t++) {
        if (fixed[t] !== -1) continue;
        const childForbidden = forbidden.slice();
        childForbidden[t] = childForbidden[t]! | (1 << best[t]!);
        const child = solve(prefix.slice(), childForbidden);
        if (child) queue.push(child);
        prefix[t] = best[t]!;
      }
      return { placement: best, value: space.value };
    },
  };
}
