/**
 * What dragging a node moves and what the move would make of the design: the pure half of the
 * canvas's node drag (`use-node-drag.ts` feeds it pointer positions).
 */
import type { TierName } from '../../../../core/profiles/types.js';
import { layersOfIds } from '../../design/placement.js';
import type { ModelIndex } from '../../model/model-index.js';
import type { Design } from '../../store/design-types.js';

/** The nodes a drag of `nodeId` carries: the whole selection if the node is in it, else the node. */
export function draggedNodes(nodeId: string, selection: readonly string[]): readonly string[] {
  return selection.includes(nodeId) ? selection : [nodeId];
}

/** The dragged nodes that can leave their lane: all but pinned layers (a block always can). */
export function movableNodes(nodes: readonly string[], pins: readonly string[]): ReadonlySet<string> {
  const pinned = new Set(pins);
  return new Set(nodes.filter((id) => !pinned.has(id)));
}

/**
 * The placement with the layers the dragged nodes stand for (a block: every layer inside) on
 * `tier`, pinned layers left where they are: what the figures preview while the pointer is over
 * that tier's lane. Returns the design's own placement object when nothing would change, so the
 * caller can tell a drag that moves nothing.
 */
export function placementAfterDrag(
  design: Design,
  index: ModelIndex,
  nodes: readonly string[],
  tier: TierName,
): Readonly<Record<string, TierName>> {
  const pinned = new Set(design.pins);
  const current = design.placement;
  const moving = new Set(
    layersOfIds(index, nodes).filter((id) => !pinned.has(id) && (current[id] ?? 'device') !== tier),
  );
  if (moving.size === 0) return current;
  // Only layers off the device are listed.
  const kept = Object.entries(current).filter(([id]) => !moving.has(id));
  const added = tier === 'device' ? [] : [...moving].map((id) => [id, tier] as const);
  return Object.fromEntries([...kept, ...added]);
}
