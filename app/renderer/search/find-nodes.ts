/** Finding layers and blocks by name or op type, for the search box. */
import type { ModelView } from '../../../core/view/types.js';

export interface SearchHit {
  readonly id: string;
  readonly kind: 'layer' | 'block';
  /** What the hit shows: the op type for a layer, the block's kind for a block. */
  readonly detail: string;
}

/**
 * Case-insensitive substring match on the id (the full scoped name) and the op type. An exact
 * op-type match ranks first, then names in model order, so `conv` lists the Conv layers top down.
 */
export function findNodes(view: ModelView, query: string, limit = 50): SearchHit[] {
  const needle = query.trim().toLowerCase();
  if (needle === '') return [];
  const exactOp: SearchHit[] = [];
  const other: SearchHit[] = [];
  for (const layer of view.layers) {
    const op = layer.op.toLowerCase();
    if (op === needle) exactOp.push({ id: layer.id, kind: 'layer', detail: layer.op });
    else if (op.includes(needle) || layer.id.toLowerCase().includes(needle))
      other.push({ id: layer.id, kind: 'layer', detail: layer.op });
  }
  for (const block of view.blocks) {
    if (block.id.toLowerCase().includes(needle))
      other.push({ id: block.id, kind: 'block', detail: block.kind });
  }
  return [...exactOp, ...other].slice(0, limit);
}
