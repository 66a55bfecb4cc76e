/**
 * How figures built on data-dependent layers (data-dependent.ts) are marked: a tier, segment or
 * plan that runs one has a predicted time that is only a lower bound, since the static cost
 * counted every run-time size as 1. The solvers still take the number (they need one); the
 * text around it says "≥" and why.
 */

/** What a figure needs to know of a layer (a partition unit, a layer of the view). */
export interface FlaggableLayer {
  readonly name: string;
  /** Why its time depends on its input (the reason, or the layer view's record); absent when it does not. */
  readonly dataDependent?: string | { readonly reason: string };
  /**
   * Per tier, whether a measurement costs it there (core/partition/measured-units.ts): measured
   * on that machine, or scaled from it to the tier's device; null or absent: the lower bound stands.
   */
  readonly measured?: { readonly perTier: readonly ('measured' | 'scaled' | null)[] };
}

/**
 * Per tier (`tiers` of them): why its figure is a lower bound (`<layer>: <reason>` of the first
 * data-dependent layer placed on it), or null when every layer it runs has a static cost.
 */
export function dataDependentPerTier(
  layers: readonly FlaggableLayer[],
  tierOf: (layer: FlaggableLayer, index: number) => number,
  tiers: number,
): (string | null)[] {
  const reasons = new Array<string | null>(tiers).fill(null);
  layers.forEach((layer, i) => {
    const tier = tierOf(layer, i);
    const why = typeof layer.dataDependent === 'string' ? layer.dataDependent : layer.dataDependent?.reason;
    // A layer costed from a measurement on this tier is no longer a bare lower bound.
    if (layer.measured?.perTier[tier]) return;
    if (why && tier >= 0 && tier < tiers && reasons[tier] === null) reasons[tier] = `${layer.name}: ${why}`;
  });
  return reasons;
}

/**
 * Per tier (`tiers` of them): whether its figure rests on a data-dependent layer costed from a
 * measurement, `measured` (the tier runs the measuring machine) or `scaled` (from that
 * measurement to the tier's device; wins when the tier has both), or null when it has none.
 */
export function measuredPerTier(
  layers: readonly FlaggableLayer[],
  tierOf: (layer: FlaggableLayer, index: number) => number,
  tiers: number,
): ('measured' | 'scaled' | null)[] {
  const marks = new Array<'measured' | 'scaled' | null>(tiers).fill(null);
  layers.forEach((layer, i) => {
    const tier = tierOf(layer, i);
    const mark = layer.measured?.perTier[tier];
    if (!mark || tier < 0 || tier >= tiers) return;
    if (marks[tier] !== 'scaled') marks[tier] = mark;
  });
  return marks;
}

/** A predicted time, ms, as text: `1.45`, or `≥ 1.45` when it is a lower bound. */
export function predictedMsText(ms: number, lowerBound: boolean, digits = 2): string {
  return `${lowerBound ? '≥ ' : ''}${ms.toFixed(digits)}`;
}

/** The operator of a layer's dependence, read from its reason (`sized by what NonZero …`). */
export interface DataDependentLayer {
  readonly name: string;
  /** The operator that decides the size at run time (NonMaxSuppression, …). */
  readonly sourceOp: string;
}

/**
 * The one line that explains the "≥" marks, or undefined when no layer is data-dependent:
 * `3 layers are data-dependent (NonMaxSuppression and what it sizes): their time depends on the
 * input; figures marked ≥ are lower bounds. …`
 */
export function dataDependentNote(layers: readonly DataDependentLayer[]): string | undefined {
  if (layers.length === 0) return undefined;
  const ops = [...new Set(layers.map((l) => l.sourceOp))];
  const count = layers.length === 1 ? '1 layer is' : `${layers.length} layers are`;
  return (
    `${count} data-dependent (${ops.join(', ')} and what ${ops.length === 1 ? 'it sizes' : 'they size'}): ` +
    'their time depends on the input, so figures marked ≥ are lower bounds; ' +
    'measure them (cutline profile MODEL --save P.json, then --measured P.json; cutline harness; ' +
    'or cutline profile --from-ort-profile) for a real figure.'
  );
}

/**
 * The line under a per-tier table whose figures `perTier` (see `dataDependentPerTier`) marks as
 * lower bounds, or undefined when none is: which tiers, and why.
 */
export function lowerBoundTiersNote(
  tiers: readonly string[],
  perTier: readonly (string | null)[],
): string | undefined {
  const marked = tiers.flatMap((tier, t) => (perTier[t] ? [`the ${tier} runs ${perTier[t]}`] : []));
  if (marked.length === 0) return undefined;
  return (
    `Predicted figures marked ≥ are lower bounds: ${marked.join('; ')}. ` +
    'Their time depends on the input; the measured figure is the one to trust.'
  );
}
