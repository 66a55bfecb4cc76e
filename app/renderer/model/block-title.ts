/** How a block is named on screen. */
import type { BlockView } from '../../../core/view/types.js';
import type { ModelIndex } from './model-index.js';

export const BLOCK_KIND_TITLE: Readonly<Record<BlockView['kind'], string>> = {
  scope: 'Block',
  subgraph: 'Sub-graph',
  section: 'Section',
};

/** A section is named after the block it splits (`stage0 · section 1 of 2`); others by their own name. */
export function blockTitle(index: ModelIndex, block: BlockView): string {
  if (block.kind !== 'section' || block.parent === null) return block.name;
  const parent = index.blocks.get(block.parent);
  return parent ? `${parent.name} · ${block.name}` : block.name;
}
