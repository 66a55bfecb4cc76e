/**
 * The dock under the canvas: the tabs where the rest of the engine lives in the window
 * (suggestions, single cut points, the Pareto and bandwidth charts, export, the live harness and
 * this machine's calibration). Only which tab is open is kept here; each tab keeps its own state.
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
}

export const createDockSlice: StateCreator<Store, [], [], DockSlice> = (set, get) => ({
  dockTab: null,
  openDock: (tab) => set({ dockTab: tab }),
  toggleDock: (tab) => set({ dockTab: get().dockTab === tab ? null : tab }),
  closeDock: () => set({ dockTab: null }),
});
