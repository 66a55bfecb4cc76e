/**
 * Cut lines: a placement described by where it crosses from one tier to the next along the
 * units' topological order (the order every solver uses). With T tiers there are T − 1 cuts;
 * cut h is the number of units on tiers ≤ h, so units [0, cuts[0]) run on tier 0, units
 * [cuts[h − 1], cuts[h]) on tier h and units [cuts[T − 2], n) on the last tier. For a DAG this
 * is the chain the `tiered` and `single` split families enumerate (Neurosurgeon, JointDNN): along
 * any tensor the producer comes first in topological order, so data only ever flows to the same
 * tier or a later one.
 *
 * The studio draws one line per cut and lets the user drag it; `cutsOf` says where to draw the
 * lines for any placement, `chainPlacement` what a dragged line's position means.
 */
import { CutlineError } from '../errors.js';
import type { Placement } from './placement.js';

/** Tier a pinned unit must stay on, or undefined for a unit that moves with the cuts. */
export type PinnedTier = (unit: number) => number | undefined;

/**
 * The chain placement of `unitCount` units for `cuts` (non-decreasing, each in [0, unitCount]):
 * every unit before cut h on a tier ≤ h, every unit from it on a tier > h. Pinned units stay on
 * their tier wherever the cuts are.
 *
 * Throws BAD_PLACEMENT for cuts out of range or out of order.
 */
export function chainPlacement(unitCount: number, cuts: readonly number[], pinned?: PinnedTier): Placement {
  cuts.forEach((cut, h) => {
    if (!Number.isInteger(cut) || cut < 0 || cut > unitCount) {
      throw new CutlineError(
        'BAD_PLACEMENT',
        `Cut ${h + 1} is at ${cut}, but a cut must be a whole number of layers between 0 and ${unitCount}.`,
      );
    }
    if (h > 0 && cut < cuts[h - 1]!) {
      throw new CutlineError(
        'BAD_PLACEMENT',
        `Cut ${h + 1} (${cut}) comes before cut ${h} (${cuts[h - 1]}): cuts must follow the data flow in order.`,
      );
    }
  });
  const placement = new Uint8Array(unitCount);
  let from = 0;
  cuts.forEach((cut, h) => {
    // Units [from, cut) are the last ones on tier h; everything from `cut` is beyond it.
    placement.fill(h, from, cut);
    from = cut;
  });
  placement.fill(cuts.length, from, unitCount);
  if (pinned) {
    for (let u = 0; u < unitCount; u++) {
      const tier = pinned(u);
      if (tier !== undefined) placement[u] = tier;
    }
  }
  return placement;
}

/**
 * Where to draw the `tierCount − 1` cut lines for a placement: the cuts whose chain placement
 * agrees with it on the most unpinned units, and among those the ones furthest down the data
 * flow (the most units on the earlier tiers).
 *
 * So a chain placement gives back its own cuts (`cutsOf(chainPlacement(n, c)) = c`), everything
 * on the device puts every line after the last unit (drag one up to start a split), and a design
 * that is not a chain — a block sent to the cloud by hand, a return to the device — gets the
 * lines where they misplace the fewest layers. Pinned units do not pull the lines: they stay put
 * wherever the lines are.
 *
 * Dynamic programme over units and tiers, O(units × tiers): `best[u][t]` is the most agreements
 * among units 0..u with unit u on tier ≤ t. Walking back from the last unit, each unit takes the
 * lowest tier that still reaches the optimum; the optimal chains are closed under the pointwise
 * minimum (at every unit, min and max of two chains swap the same two tiers, so their agreements
 * add up to the same total), so this lowest chain is well defined and is what the walk finds.
 */
export function cutsOf(placement: ArrayLike<number>, tierCount: number, pinned?: PinnedTier): number[] {
  const n = placement.length;
  const k = Math.max(1, tierCount);
  const agrees = (u: number, t: number): number => (pinned?.(u) === undefined && placement[u] === t ? 1 : 0);
  // best[u * k + t]: most agreements over units 0..u with unit u on a tier ≤ t.
  const best = new Int32Array(n * k);
  const exactly = (u: number, t: number): number => (u > 0 ? best[(u - 1) * k + t]! : 0) + agrees(u, t);
  for (let u = 0; u < n; u++) {
    let running = -1;
    for (let t = 0; t < k; t++) {
      running = Math.max(running, exactly(u, t));
      best[u * k + t] = running;
    }
  }
  const chain = new Uint8Array(n);
  let remaining = n > 0 ? best[(n - 1) * k + k - 1]! : 0;
  for (let u = n - 1; u >= 0; u--) {
    let t = 0;
    // `remaining` is the best with unit u on a tier ≤ unit u + 1's, so the first tier that
    // reaches it keeps the chain in order.
    while (exactly(u, t) !== remaining) t++;
    chain[u] = t;
    remaining -= agrees(u, t);
  }
  const cuts: number[] = [];
  for (let h = 0; h < k - 1; h++) {
    let count = 0;
    while (count < n && chain[count]! <= h) count++;
    cuts.push(count);
  }
  return cuts;
}

/**
 * The cuts with cut `h` moved to `position` (clamped to [0, unitCount]); cuts it passes are pushed
 * along with it, so dragging the device | edge line below the edge | cloud line empties the edge
 * rather than stopping at the other line.
 */
export function moveCut(cuts: readonly number[], h: number, position: number, unitCount: number): number[] {
  const at = Math.min(unitCount, Math.max(0, Math.round(position)));
  return cuts.map((cut, i) => (i === h ? at : i < h ? Math.min(cut, at) : Math.max(cut, at)));
}
