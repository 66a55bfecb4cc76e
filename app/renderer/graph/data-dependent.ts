/**
 * Which layers are data-dependent (core/costs/data-dependent.ts), read from the open model's
 * partition source, whose units carry the reason: their time depends on the input, so the badges
 * and the details mark their predictions as lower bounds.
 */
import type { PartitionSource } from '../../../core/partition/source-types.js';
import type { Store } from '../store/store.js';

const reasonsOf = new WeakMap<PartitionSource, ReadonlyMap<string, string>>();

function reasonsFor(source: PartitionSource): ReadonlyMap<string, string> {
  let reasons = reasonsOf.get(source);
  if (!reasons) {
    reasons = new Map(
      source.units.flatMap((u) => (u.dataDependent ? [[u.name, u.dataDependent] as const] : [])),
    );
    reasonsOf.set(source, reasons);
  }
  return reasons;
}

/** Why the layer's time depends on its input, or undefined when its cost is static. */
export function selectDataDependent(state: Store, layerId: string): string | undefined {
  const source = state.opened?.partition;
  return source ? reasonsFor(source).get(layerId) : undefined;
}

/** How many layers of the open model are data-dependent (its design's figures are then bounds). */
export function selectDataDependentCount(state: Store): number {
  const source = state.opened?.partition;
  return source ? reasonsFor(source).size : 0;
}

/**
 * The tooltip of a predicted figure that includes data-dependent layers: a time or energy is a
 * lower bound, a rate (throughput) an upper one.
 */
export function dataDependentBoundTitle(layers: number, bound: 'lower' | 'upper' = 'lower'): string {
  return `${layers === 1 ? '1 layer is' : `${layers} layers are`} data-dependent: their time depends on the input, so this is ${bound === 'lower' ? 'a lower' : 'an upper'} bound (run the bundle in the Run tab to measure it)`;
}

/** A figure's text marked as such a bound (`≥ 12 ms`, `≤ 80/s`); unchanged when no layer is data-dependent. */
export function dataDependentBoundText(
  text: string,
  layers: number,
  bound: 'lower' | 'upper' = 'lower',
): string {
  return layers > 0 ? `${bound === 'lower' ? '≥' : '≤'} ${text}` : text;
}
