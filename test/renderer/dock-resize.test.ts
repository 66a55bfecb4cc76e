/**
 * The dock's resize handle: heights clamped so the canvas keeps 160 px and the dock 120 px, the
 * separator's keys (up grows the dock, as dragging its top edge up does), and the height kept in
 * the dock slice with null as the default.
 */
import { describe, expect, it } from 'vitest';
import {
  clampDockHeight,
  DOCK_STEP_PX,
  dockHeightForKey,
  dockHeightRange,
  MIN_CANVAS_PX,
  MIN_DOCK_PX,
} from '../../app/renderer/dock/dock-size.js';
import { useStudio } from '../../app/renderer/store/store.js';

// 1280×720 less the top bar and figures bar: what canvas and dock share.
const ROOM_PX = 560;

describe('the dock height', () => {
  it('keeps the canvas and the dock their minimums', () => {
    expect(dockHeightRange(ROOM_PX)).toEqual({ minPx: MIN_DOCK_PX, maxPx: ROOM_PX - MIN_CANVAS_PX });
    expect(clampDockHeight(1000, ROOM_PX)).toBe(400);
    expect(clampDockHeight(40, ROOM_PX)).toBe(120);
    expect(clampDockHeight(250.6, ROOM_PX)).toBe(251);
  });

  it('gives the dock its minimum on a window too short for both', () => {
    expect(dockHeightRange(200)).toEqual({ minPx: 120, maxPx: 120 });
    expect(clampDockHeight(300, 200)).toBe(120);
  });

  it('moves by steps with the separator keys, within the range', () => {
    expect(dockHeightForKey('ArrowUp', 246, ROOM_PX)).toBe(246 + DOCK_STEP_PX);
    expect(dockHeightForKey('ArrowDown', 246, ROOM_PX)).toBe(246 - DOCK_STEP_PX);
    expect(dockHeightForKey('PageUp', 246, ROOM_PX)).toBe(246 + 4 * DOCK_STEP_PX);
    expect(dockHeightForKey('PageDown', 246, ROOM_PX)).toBe(246 - 4 * DOCK_STEP_PX);
    expect(dockHeightForKey('ArrowUp', 390, ROOM_PX)).toBe(400);
    expect(dockHeightForKey('ArrowDown', 130, ROOM_PX)).toBe(120);
    expect(dockHeightForKey('Home', 300, ROOM_PX)).toBe(120);
    expect(dockHeightForKey('End', 300, ROOM_PX)).toBe(400);
    expect(dockHeightForKey('ArrowLeft', 300, ROOM_PX)).toBeNull();
    expect(dockHeightForKey('Enter', 300, ROOM_PX)).toBeNull();
  });

  it('is kept in the dock slice, null being the default height', () => {
    const { setDockHeight } = useStudio.getState();
    expect(useStudio.getState().dockHeightPx).toBeNull();
    setDockHeight(300);
    expect(useStudio.getState().dockHeightPx).toBe(300);
    const before = useStudio.getState();
    setDockHeight(300);
    // Setting the same height changes nothing (no re-render of the dock's subscribers).
    expect(useStudio.getState()).toBe(before);
    setDockHeight(null);
    expect(useStudio.getState().dockHeightPx).toBeNull();
  });
});
