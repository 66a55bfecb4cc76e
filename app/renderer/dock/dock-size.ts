/**
 * The dock's height as its handle sets it: clamped so the canvas keeps room to be read and the
 * open tab room for a form and a row or two. Pure, so the handle's drag and keys share it.
 */

/** The least the canvas keeps above the dock (a few nodes and a lane header). */
export const MIN_CANVAS_PX = 160;
/** The least an open dock keeps (its tab strip, a form row and a line of results). */
export const MIN_DOCK_PX = 120;
/** ArrowUp/ArrowDown move the edge by this much; PageUp/PageDown by four times as much. */
export const DOCK_STEP_PX = 24;

export interface DockHeightRange {
  readonly minPx: number;
  readonly maxPx: number;
}

/**
 * The heights allowed when canvas and dock share `roomPx`. On a window too short for both
 * minimums the dock's wins: folding the dock is how the canvas gets the whole window.
 */
export function dockHeightRange(roomPx: number): DockHeightRange {
  return { minPx: MIN_DOCK_PX, maxPx: Math.max(MIN_DOCK_PX, Math.floor(roomPx - MIN_CANVAS_PX)) };
}

export function clampDockHeight(heightPx: number, roomPx: number): number {
  const { minPx, maxPx } = dockHeightRange(roomPx);
  return Math.round(Math.min(maxPx, Math.max(minPx, heightPx)));
}

/**
 * The height after `key` on the handle (a horizontal separator: up grows the dock, as dragging
 * its top edge up does), or null for a key the handle leaves alone.
 */
export function dockHeightForKey(key: string, heightPx: number, roomPx: number): number | null {
  const { minPx, maxPx } = dockHeightRange(roomPx);
  const next = {
    ArrowUp: heightPx + DOCK_STEP_PX,
    ArrowDown: heightPx - DOCK_STEP_PX,
    PageUp: heightPx + 4 * DOCK_STEP_PX,
    PageDown: heightPx - 4 * DOCK_STEP_PX,
    Home: minPx,
    End: maxPx,
  }[key];
  return next === undefined ? null : clampDockHeight(next, roomPx);
}
