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
  setTier(layerIds: readonly string[], tier: Tier): void;
}

/** Every layer on the device: how each model opens. */
export const EMPTY_PLACEMENT: Readonly<Record<string, Tier>> = {};

export const createPlacementSlice: StateCreator<Store, [], [], PlacementSlice> = (set, get) => ({
  placement: EMPTY_PLACEMENT,
  setTier: (layerIds, tier) => {
    const current = get().placement;
    const changed = layerIds.filter((id) => (current[id] ?? DEFAULT_TIER) !== tier);
    if (changed.length === 0) return;
    const moved = new Set(changed);
    // Layers back on the default tier leave the record, so it lists only what was moved off.
    const kept = Object.entries(current).filter(([id]) => !moved.has(id));
    const added = tier === DEFAULT_TIER ? [] : changed.map((id) => [id, tier] as const);
    set({ placement: Object.fromEntries([...kept, ...added]) });
  },
});
