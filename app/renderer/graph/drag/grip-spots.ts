/**
 * Where each cut line's grip is drawn: on its line, in the middle of the later lane, but always
 * inside the part of the canvas on screen. A line above or below the view keeps its grip at that
 * edge (pointing to it), a lane off to the side brings its grip to the side's edge, so every
 * boundary can be found and dragged from wherever the user is looking. Two grips that would
 * overlap are stacked.
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

/** A grip's size on screen, px (they are drawn at one size whatever the zoom). */
export const GRIP_WIDTH_PX = 200;
export const GRIP_HEIGHT_PX = 28;

const clamp = (value: number, low: number, high: number): number =>
  low < high ? Math.min(high, Math.max(low, value)) : value;

export function gripSpots(lineY: readonly number[], gripX: readonly number[], area: GripArea): GripSpot[] {
  const width = GRIP_WIDTH_PX / area.zoom;
  const height = GRIP_HEIGHT_PX / area.zoom;
  const spots: GripSpot[] = [];
  lineY.forEach((y, h) => {
    const canClamp = area.top < area.bottom;
    const offscreen = !canClamp ? null : y > area.bottom ? 'below' : y < area.top ? 'above' : null;
    let spotY = clamp(y, area.top, area.bottom);
    const spotX = clamp(gripX[h] ?? area.left, area.left, area.right);
    // Stack a grip that would cover an earlier one: upwards at the bottom edge, else downwards.
    for (const other of spots) {
      if (Math.abs(other.x - spotX) < width && Math.abs(other.y - spotY) < height) {
        spotY = offscreen === 'below' ? other.y - height : other.y + height;
      }
    }
    spots.push({ x: spotX, y: spotY, offscreen });
  });
  return spots;
}
