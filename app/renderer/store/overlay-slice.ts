/** The per-node figures the graph is coloured and badged by (see overlay/overlay.ts). */
import type { StateCreator } from 'zustand';
import type { ModelView } from '../../../core/view/types.js';
import { EMPTY_OVERLAY, mergeOverlays, type MetricOverlay, type MetricValues } from '../overlay/overlay.js';
import { withBlockRollUps } from '../overlay/roll-up.js';
import { staticCostOverlay } from '../overlay/static-costs.js';
import type { Store } from './store-types.js';

/** The overlay of a freshly opened model: its static costs. */
export const overlayStateFor = (view: ModelView): Pick<OverlaySlice, 'overlay'> => ({
  overlay: staticCostOverlay(view),
});

export interface OverlaySlice {
  overlay: MetricOverlay;
  /** Adds figures known per layer (a profile, a prediction); blocks get their roll-ups. */
  addLayerFigures(figures: MetricOverlay): void;
  /** Adds figures that already hold their block roll-ups (the design's predictions). */
  setNodeFigures(figures: MetricOverlay): void;
  /**
   * Replaces one metric's figures with `figures`' (which define only that metric): nodes the new
   * figures leave out lose the old value instead of keeping it (a second imported profile).
   */
  replaceLayerFigures(figures: MetricOverlay): void;
}

export const createOverlaySlice: StateCreator<Store, [], [], OverlaySlice> = (set, get) => ({
  overlay: EMPTY_OVERLAY,
  addLayerFigures: (figures) => {
    const { opened, overlay } = get();
    if (!opened) return;
    set({ overlay: mergeOverlays(overlay, withBlockRollUps(figures, opened.view)) });
  },
  setNodeFigures: (figures) => {
    const { opened, overlay } = get();
    if (opened) set({ overlay: mergeOverlays(overlay, figures) });
  },
  replaceLayerFigures: (figures) => {
    const { opened, overlay } = get();
    if (!opened) return;
    const keys = new Set(figures.metrics.map((m) => m.key));
    const values = new Map<string, MetricValues>();
    for (const [id, metrics] of overlay.values) {
      const kept = Object.fromEntries(Object.entries(metrics).filter(([key]) => !keys.has(key)));
      values.set(id, kept);
    }
    set({
      overlay: mergeOverlays({ metrics: overlay.metrics, values }, withBlockRollUps(figures, opened.view)),
    });
  },
});
