/**
 * The one vocabulary of tiers: where a layer can run. Every other declaration (profiles, the
 * view, the studio's validators) imports these, so adding or renaming a tier happens here only.
 * The order is the order data flows in: a topology's tiers are a prefix-ordered subset of it.
 */
export const TIER_NAMES = ['device', 'edge', 'cloud'] as const;
export type TierName = (typeof TIER_NAMES)[number];

/** What a tier is called where a person reads it (lane labels, tables). */
export const TIER_TITLES: Readonly<Record<TierName, string>> = {
  device: 'Device',
  edge: 'Edge',
  cloud: 'Cloud',
};

export function isTierName(value: unknown): value is TierName {
  return typeof value === 'string' && (TIER_NAMES as readonly string[]).includes(value);
}
