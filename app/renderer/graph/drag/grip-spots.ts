/**
 * Where each cut line's grip is drawn: on its line, in the middle of the later lane, but always
 * inside the part of the canvas on screen. A line above or below the view keeps its grip at that
 * edge (pointing to it), a lane off to the side brings its grip to the side's edge, so every
 * boundary can be found and dragged from wherever the user is looking.
 *
 * A grip covers no node when it can help it: kept at its edge, a grip used to sit on the first
 * layer's title, and zoomed out a gap between two rows is thinner than a grip. It moves to the
 * free spot nearest to where it belongs, preferring the gap above or below the row it would
 * cover to the side of the column. Two grips never touch: the later one moves off the earlier.
 */

/** The canvas on screen, in flow coordinates, less the margins grips keep clear. */
export interface GripArea {
  readonly zoom: number;
  /** Heights a grip's middle may take. */
  readonly top: number;
  readonly bottom: number;
  /** Horizontal positions a grip's middle may take. */
  readonly left: number;
  readonly right: number;
}

export interface GripSpot {
  readonly x: number;
  readonly y: number;
  /** Where the line is when the grip could not sit on it. */
  readonly offscreen: 'above' | 'below' | null;
}

/** The widest a grip is drawn, px (its detail is cut short beyond); one size whatever the zoom. */
export const GRIP_WIDTH_PX = 232;
export const GRIP_HEIGHT_PX = 28;
/** Space kept between a grip and a node's border, px. */
export const GRIP_NODE_CLEARANCE_PX = 4;
/** Space kept between two grips, px. */
export const GRIP_GAP_PX = 6;
/**
 * How far (in grip heights) a grip may be moved off where it belongs to find a free spot; beyond
 * it covers what it must, as a grip far from its line would no longer say which line it moves.
 */
const SEARCH_GRIPS = 6;
/** A sideways move counts this much more than a move along the line's lane. */
const SIDEWAYS_COST = 1.5;
/**
 * A grip whose line is on screen leaves it reluctantly (beside the column, it is still on it;
 * a row away, it would seem another line's); one kept at an edge is off its line anyway.
 */
const OFF_LINE_COST = 4;
/** Rects that only touch do not overlap: a spot put against a border is free despite rounding. */
const EPS = 1e-6;

/** The nodes grips keep off, in flow coordinates, ordered by their tops for range queries. */
export interface GripObstacles {
  readonly top: Float64Array;
  readonly bottom: Float64Array;
  readonly left: Float64Array;
  readonly right: Float64Array;
  readonly tallest: number;
}

export const NO_OBSTACLES: GripObstacles = {
  top: new Float64Array(0),
  bottom: new Float64Array(0),
  left: new Float64Array(0),
  right: new Float64Array(0),
  tallest: 0,
};

/** Built once per layout: a cut drag moves the grips on every frame over the same nodes. */
export function gripObstacles(
  nodes: readonly {
    readonly x: number;
    readonly y: number;
    readonly width: number;
    readonly height: number;
  }[],
): GripObstacles {
  const order = nodes.map((_, i) => i).sort((a, b) => nodes[a]!.y - nodes[b]!.y);
  const n = order.length;
  const top = new Float64Array(n);
  const bottom = new Float64Array(n);
  const left = new Float64Array(n);
  const right = new Float64Array(n);
  let tallest = 0;
  order.forEach((i, k) => {
    const node = nodes[i]!;
    top[k] = node.y;
    bottom[k] = node.y + node.height;
    left[k] = node.x;
    right[k] = node.x + node.width;
    tallest = Math.max(tallest, node.height);
  });
  return { top, bottom, left, right, tallest };
}

/** Index of the first node (in top order) whose top is below height `y`. */
function firstTopAfter(obstacles: GripObstacles, y: number): number {
  let lo = 0;
  let hi = obstacles.top.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (obstacles.top[mid]! > y) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Calls `visit` with every node overlapping the heights y0…y1 (stops when it returns true). */
function someNodeBetween(
  obstacles: GripObstacles,
  y0: number,
  y1: number,
  visit: (k: number) => boolean,
): boolean {
  for (let k = firstTopAfter(obstacles, y1) - 1; k >= 0; k--) {
    if (obstacles.top[k]! < y0 - obstacles.tallest) break;
    if (obstacles.bottom[k]! > y0 && visit(k)) return true;
  }
  return false;
}

const clamp = (value: number, low: number, high: number): number =>
  low < high ? Math.min(high, Math.max(low, value)) : value;

export function gripSpots(
  lineY: readonly number[],
  gripX: readonly number[],
  area: GripArea,
  obstacles: GripObstacles = NO_OBSTACLES,
): GripSpot[] {
  const halfW = GRIP_WIDTH_PX / 2 / area.zoom;
  const halfH = GRIP_HEIGHT_PX / 2 / area.zoom;
  const clear = GRIP_NODE_CLEARANCE_PX / area.zoom;
  const gap = GRIP_GAP_PX / area.zoom;
  const canClamp = area.top < area.bottom;
  const spots: GripSpot[] = [];

  const coversNode = (x: number, y: number): boolean =>
    someNodeBetween(
      obstacles,
      y - halfH - clear + EPS,
      y + halfH + clear - EPS,
      (k) => obstacles.left[k]! < x + halfW + clear - EPS && obstacles.right[k]! > x - halfW - clear + EPS,
    );
  const touchesGrip = (x: number, y: number): boolean =>
    spots.some(
      (other) =>
        Math.abs(other.x - x) < 2 * halfW + gap - EPS && Math.abs(other.y - y) < 2 * halfH + gap - EPS,
    );
  const onScreen = (x: number, y: number): boolean =>
    (!canClamp || (y >= area.top && y <= area.bottom)) &&
    (area.left >= area.right || (x >= area.left && x <= area.right));

  lineY.forEach((y, h) => {
    const offscreen = !canClamp ? null : y > area.bottom ? 'below' : y < area.top ? 'above' : null;
    const wantY = clamp(y, area.top, area.bottom);
    const wantX = clamp(gripX[h] ?? area.left, area.left, area.right);
    if (!coversNode(wantX, wantY) && !touchesGrip(wantX, wantY)) {
      spots.push({ x: wantX, y: wantY, offscreen });
      return;
    }
    // A free spot, if there is one, touches a node's or a grip's border: try those borders near
    // where the grip belongs, nearest first.
    const reach = SEARCH_GRIPS * 2 * halfH;
    const ys = [wantY];
    const xs = [wantX];
    someNodeBetween(obstacles, wantY - reach, wantY + reach, (k) => {
      if (obstacles.left[k]! < wantX + halfW + clear && obstacles.right[k]! > wantX - halfW - clear) {
        ys.push(obstacles.top[k]! - halfH - clear, obstacles.bottom[k]! + halfH + clear);
      }
      if (obstacles.top[k]! < wantY + halfH + clear && obstacles.bottom[k]! > wantY - halfH - clear) {
        xs.push(obstacles.left[k]! - halfW - clear, obstacles.right[k]! + halfW + clear);
      }
      return false;
    });
    for (const other of spots) {
      // On a tie, stacked upwards at the bottom edge, else downwards (the first found is kept).
      const away = 2 * halfH + gap;
      ys.push(
        ...(offscreen === 'below' ? [other.y - away, other.y + away] : [other.y + away, other.y - away]),
      );
      xs.push(other.x - 2 * halfW - gap, other.x + 2 * halfW + gap);
    }
    const verticalCost = offscreen === null ? OFF_LINE_COST : 1;
    let best: { x: number; y: number; cost: number } | null = null;
    for (const cy of ys) {
      if (Math.abs(cy - wantY) > reach) continue;
      for (const cx of xs) {
        const cost = verticalCost * Math.abs(cy - wantY) + SIDEWAYS_COST * Math.abs(cx - wantX);
        if (best && cost >= best.cost) continue;
        if (!onScreen(cx, cy) || coversNode(cx, cy) || touchesGrip(cx, cy)) continue;
        best = { x: cx, y: cy, cost };
      }
    }
    if (best) {
      spots.push({ x: best.x, y: best.y, offscreen });
      return;
    }
    // Nowhere free near by: on its line (or edge), only kept off the other grips, stacked
    // upwards at the bottom edge, else downwards.
    let spotY = wantY;
    for (const other of spots) {
      if (Math.abs(other.x - wantX) < 2 * halfW + gap && Math.abs(other.y - spotY) < 2 * halfH + gap) {
        spotY = offscreen === 'below' ? other.y - 2 * halfH - gap : other.y + 2 * halfH + gap;
      }
    }
    spots.push({ x: wantX, y: spotY, offscreen });
  });
  return spots;
}
