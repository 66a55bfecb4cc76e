/** What a topology change did to the placement, in a sentence for the notice. */
import { TIER_TITLES, tierOf } from '../../../core/tiers.js';
import type { TierName } from '../../../core/profiles/types.js';

/** What moved when the topology changed: "2 layers on Cloud moved to Edge". */
export function retierNotice(
  before: Readonly<Record<string, TierName>>,
  after: Readonly<Record<string, TierName>>,
  topologyName: string,
): string | null {
  const moves = new Map<string, number>();
  for (const [id, from] of Object.entries(before)) {
    const to = tierOf(after, id);
    if (to === from) continue;
    const key = `${from}>${to}`;
    moves.set(key, (moves.get(key) ?? 0) + 1);
  }
  if (moves.size === 0) return null;
  const parts = [...moves].map(([key, n]) => {
    const [from, to] = key.split('>') as [TierName, TierName];
    return `${n} layer${n === 1 ? '' : 's'} on ${TIER_TITLES[from]} moved to ${TIER_TITLES[to]}`;
  });
  return `${topologyName} has fewer tiers: ${parts.join(', ')} (undo to put them back).`;
}
