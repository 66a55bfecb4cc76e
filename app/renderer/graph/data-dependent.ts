/**
 * Which layers are data-dependent (core/costs/data-dependent.ts), read from the open model's
 * partition source, whose units carry the reason: their time depends on the input, so the badges
 * and the details mark their predictions as lower bounds.
 */
import type { PartitionSource } from '../../../core/partition/source-types.js';
import type { Store } from '../store/store.js';

const reasonsOf = new WeakMap<PartitionSource, ReadonlyMap<string, string>>();

/** Why the layer's time depends on its input, or undefined when its cost is static. */
export function selectDataDependent(state: Store, layerId: string): string | undefined {
  const source = state.opened?.partition;
  if (!source) return undefined;
  let reasons = reasonsOf.get(source);
  if (!reasons) {
    reasons = new Map(
      source.units.flatMap((u) => (u.dataDependent ? [[u.name, u.dataDependent] as const] : [])),
    );
    reasonsOf.set(source, reasons);
  }
  return reasons.get(layerId);
}
