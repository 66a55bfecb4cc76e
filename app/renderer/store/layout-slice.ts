/**
 * The laid-out graph on screen and the layout being computed. A layout remembers the
 * expansion and placement it was made for, so a cancelled layout can put the expansion back and
 * the screen never shows a state its layout does not match. A layout never writes the design:
 * a cancelled layout after a move leaves the move made, and the next layout shows it.
 */
import type { StateCreator } from 'zustand';
import type { Tier } from '../../../core/view/types.js';
import type { LaidOutGraph } from '../layout/layout-types.js';
import type { Store } from './store-types.js';

export interface LayoutInputs {
  /** The host's job id of the model laid out. */
  readonly modelKey: string;
  readonly expanded: ReadonlySet<string>;
  readonly placement: Readonly<Record<string, Tier>>;
  /** The design topology's tiers, device first: one lane each. */
  readonly tiers: readonly Tier[];
}

export interface CurrentLayout {
  readonly inputs: LayoutInputs;
  readonly graph: LaidOutGraph;
}

export interface LayoutJob {
  readonly requestId: number;
  readonly inputs: LayoutInputs;
  readonly fraction: number;
}

export interface LayoutSlice {
  layout: CurrentLayout | null;
  layoutJob: LayoutJob | null;
  layoutError: string | null;
  layoutStarted(requestId: number, inputs: LayoutInputs): void;
  layoutProgressed(requestId: number, fraction: number): void;
  layoutFinished(requestId: number, graph: LaidOutGraph): void;
  layoutFailed(requestId: number, message: string): void;
  /** Drops the running layout and returns to the expansion the screen shows. */
  layoutCancelled(): void;
}

export const createLayoutSlice: StateCreator<Store, [], [], LayoutSlice> = (set, get) => ({
  layout: null,
  layoutJob: null,
  layoutError: null,
  layoutStarted: (requestId, inputs) =>
    set({ layoutJob: { requestId, inputs, fraction: 0 }, layoutError: null }),
  layoutProgressed: (requestId, fraction) => {
    const job = get().layoutJob;
    if (job?.requestId === requestId) set({ layoutJob: { ...job, fraction } });
  },
  layoutFinished: (requestId, graph) => {
    const job = get().layoutJob;
    if (job?.requestId === requestId) set({ layout: { inputs: job.inputs, graph }, layoutJob: null });
  },
  layoutFailed: (requestId, message) => {
    if (get().layoutJob?.requestId === requestId) set({ layoutJob: null, layoutError: message });
  },
  layoutCancelled: () => {
    const { layout, opened } = get();
    const current = layout && opened && layout.inputs.modelKey === opened.jobId ? layout.inputs : null;
    set({
      layoutJob: null,
      ...(current ? { expanded: current.expanded } : {}),
    });
  },
});
