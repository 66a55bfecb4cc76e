/** Which tier's lane a point of the canvas falls in: lanes are columns, side by side. */
import type { LaneBand } from '../../layout/layout-types.js';

/**
 * The lane whose column holds `x` (flow coordinates); left of the first or right of the last,
 * the nearest one, so a drop just past the canvas's edge still lands in the outer lane. Null when
 * there are no lanes.
 */
export function laneAt(lanes: readonly LaneBand[], x: number): LaneBand | null {
  let nearest: LaneBand | null = null;
  let nearestDistance = Infinity;
  for (const lane of lanes) {
    const distance = x < lane.x ? lane.x - x : x > lane.x + lane.width ? x - lane.x - lane.width : 0;
    if (distance < nearestDistance) {
      nearest = lane;
      nearestDistance = distance;
    }
  }
  return nearest;
}
