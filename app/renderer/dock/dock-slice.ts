/**
 * The dock under the canvas: the tabs where the rest of the engine lives in the window
 * (suggestions, single cut points, the Pareto and bandwidth charts, export, the live harness and
 * this machine's calibration). Which tab is open and the height the user gave the dock are kept
 * here; each tab keeps its own state.
 */
import type { StateCreator } from 'zustand';
import type { Store } from '../store/store-types.js';

export const DOCK_TABS = ['suggest', 'cuts', 'pareto', 'sweep', 'export', 'harness', 'machine'] as const;
export type DockTab = (typeof DOCK_TABS)[number];

export interface DockSlice {
  /** The open tab; null when the dock is folded to its tab strip. */
  dockTab: DockTab | null;
  openDock(tab: DockTab): void;
  /** Opens `tab`, or folds the dock when it is the open one. */
  toggleDock(tab: DockTab): void;
  closeDock(): void;
  /** The open dock's height set with its handle, in px; null: the default, min(44vh, 460px). */
  dockHeightPx: number | null;
  /** Sets the height (already clamped, see dock-size.ts), or null to go back to the default. */
  setDockHeight(heightPx: number | null): void;
}

export const createDockSlice: StateCreator<Store, [], [], DockSlice> = (set, get) => ({
  dockTab: null,
  openDock: (tab) => set({ dockTab: tab }),
  toggleDock: (tab) => set({ dockTab: get().dockTab === tab ? null : tab }),
  closeDock: () => set({ dockTab: null }),
  dockHeightPx: null,
  setDockHeight: (heightPx) => {
    if (get().dockHeightPx !== heightPx) set({ dockHeightPx: heightPx });
  },
});
