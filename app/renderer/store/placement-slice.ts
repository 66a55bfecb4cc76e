/**
 * Where each layer runs. Only layers moved off the device are listed, so a fresh model costs
 * nothing here and a saved project (`ProjectFile.placement`) is this record as it stands.
 */
import type { StateCreator } from 'zustand';
import type { Tier } from '../../../core/view/types.js';
import type { Store } from './store-types.js';

export const DEFAULT_TIER: Tier = 'device';

export interface PlacementSlice {
  placement: Readonly<Record<string, Tier>>;
  /**
   * Moves layers to `tier`. Layers of a control-flow node's sub-graph (`LayerView.within`) are
   * view-only and ignored: their node is the unit of placement.
   */
  setTier(layerIds: readonly string[], tier: Tier): void;
}

/** Every layer on the device: how each model opens. */
export const EMPTY_PLACEMENT: Readonly<Record<string, Tier>> = {};

export const createPlacementSlice: StateCreator<Store, [], [], PlacementSlice> = (set, get) => ({
  placement: EMPTY_PLACEMENT,
  setTier: (layerIds, tier) => {
    const { placement: current, index } = get();
    const changed = layerIds.filter(
      (id) => index?.layers.get(id)?.within === undefined && (current[id] ?? DEFAULT_TIER) !== tier,
    );
    if (changed.length === 0) return;
    const moved = new Set(changed);
    // Layers back on the default tier leave the record, so it lists only what was moved off.
    const kept = Object.entries(current).filter(([id]) => !moved.has(id));
    const added = tier === DEFAULT_TIER ? [] : changed.map((id) => [id, tier] as const);
    set({ placement: Object.fromEntries([...kept, ...added]) });
  },
});
