/** Placement helpers the design slice and the canvas share: which layers an id stands for, tier names. */
import { TIER_TITLES, type TierName } from '../../../core/tiers.js';
import type { ModelIndex } from '../model/model-index.js';

export const tierTitleOf = (tier: TierName): string => TIER_TITLES[tier];

/**
 * The placeable layers `ids` stand for, in first-seen order without repeats: a layer id itself,
 * a block id every layer inside at any depth. View-only layers of a control-flow node's
 * sub-graphs are left out (their node is the unit of placement).
 */
export function layersOfIds(index: ModelIndex, ids: readonly string[]): string[] {
  const out = new Set<string>();
  const visitBlock = (blockId: string): void => {
    const block = index.blocks.get(blockId);
    if (!block) return;
    for (const layer of block.layers) addLayer(layer);
    for (const child of block.blocks) visitBlock(child);
  };
  const addLayer = (id: string): void => {
    const layer = index.layers.get(id);
    if (layer && layer.within === undefined) out.add(id);
  };
  for (const id of ids) {
    if (index.layers.has(id)) addLayer(id);
    else visitBlock(id);
  }
  return [...out];
}
