/**
 * What previewing a suggested placement shows: the record the design would have after applying
 * it (pinned layers stay where they are, as `applyPlacement` keeps them), and the layers that
 * would move, with the blocks holding them, for the canvas to mark.
 */
import type { TierName } from '../../../core/profiles/types.js';
import { tierOf } from '../../../core/tiers.js';
import { diffPlacement, withTiers } from '../design/diff.js';
import { ancestorBlocks, type ModelIndex } from '../model/model-index.js';
import type { Design } from '../store/design-types.js';
import type { SuggestionPreview } from './preview-slice.js';

/**
 * The preview of `placement` (off-device layers only, as the design's) against `design`. The
 * same suggestion against the same design gives the same record object, so the figures, which
 * are memoised by the record, are evaluated once however often a row is hovered.
 */
export function suggestionPreviewOf(
  design: Pick<Design, 'placement' | 'pins'>,
  index: ModelIndex | null,
  placement: Readonly<Record<string, TierName>>,
  label: string,
): SuggestionPreview {
  const record = effectiveRecord(design, placement);
  const { diff } = diffPlacement(design.placement, record, new Set());
  const moves = new Map<string, TierName>();
  const blockMoves = new Map<string, number>();
  for (const [id, [, to]] of Object.entries(diff)) {
    moves.set(id, to);
    if (index)
      for (const block of ancestorBlocks(index, id)) blockMoves.set(block, (blockMoves.get(block) ?? 0) + 1);
  }
  return { placement: record, label, moves, blockMoves };
}

const records = new WeakMap<
  object,
  {
    design: Readonly<Record<string, TierName>>;
    pins: readonly string[];
    record: Readonly<Record<string, TierName>>;
  }
>();

/** `placement` with the pinned layers at their current tiers; kept per (suggestion, design). */
export function effectiveRecord(
  design: Pick<Design, 'placement' | 'pins'>,
  placement: Readonly<Record<string, TierName>>,
): Readonly<Record<string, TierName>> {
  const known = records.get(placement);
  if (known && known.design === design.placement && known.pins === design.pins) return known.record;
  const pinnedChanges = design.pins
    .filter((id) => tierOf(placement, id) !== tierOf(design.placement, id))
    .map((id) => [id, tierOf(design.placement, id)] as const);
  const record = pinnedChanges.length > 0 ? withTiers(placement, pinnedChanges) : placement;
  records.set(placement, { design: design.placement, pins: design.pins, record });
  return record;
}

/** Whether applying `placement` would leave the design as it is (the applied row). */
export function matchesDesign(
  design: Pick<Design, 'placement' | 'pins'>,
  placement: Readonly<Record<string, TierName>>,
): boolean {
  const record = effectiveRecord(design, placement);
  return Object.keys(diffPlacement(design.placement, record, new Set()).diff).length === 0;
}
