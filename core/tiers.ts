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

/**
 * `tier` if `available` has it, else the nearest tier below it that does (the device always
 * exists): a design made for three tiers keeps its meaning on two, as data never skips down.
 */
export function nearestTier(available: readonly TierName[], tier: TierName): TierName {
  for (let i = TIER_NAMES.indexOf(tier); i >= 0; i--) {
    if (available.includes(TIER_NAMES[i]!)) return TIER_NAMES[i]!;
  }
  return 'device';
}

/**
 * The tier a placement record gives a layer, the device when it lists none. Own keys only: a
 * layer is named by its ONNX node, which may be `constructor` or `toString`.
 */
export function tierOf(placement: Readonly<Record<string, TierName>>, id: string): TierName {
  return Object.hasOwn(placement, id) ? placement[id]! : 'device';
}
