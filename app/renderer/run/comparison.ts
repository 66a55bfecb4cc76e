/**
 * Measured next to predicted, one row per tier's compute and per link, as the harness's summary
 * table has them: measured (medians so far, the summary's once it is there), predicted with this
 * machine's profile (when the run calibrated one; for a link, what its emulation should take),
 * and the plan's prediction on the topology's own devices and links.
 */
import { isTierName, TIER_TITLES } from '../../../core/tiers.js';
import type { HarnessRun, RunFigures } from './harness-run.js';
import { runTierNames } from './harness-run.js';

export interface ComparisonRow {
  readonly key: string;
  readonly label: string;
  readonly kind: 'tier' | 'link';
  readonly measuredMs: number | null;
  readonly thisMachineMs: number | null;
  readonly planMs: number | null;
  /**
   * Why the row's predictions are only lower bounds (`<layer>: <reason>` of a data-dependent
   * layer the tier runs, core/costs/data-dependent.ts); absent when they are predictions.
   */
  readonly lowerBound?: string;
}

const at = (values: readonly (number | null)[] | null | undefined, i: number): number | null =>
  values?.[i] ?? null;

export function comparisonRows(run: HarnessRun, figures: RunFigures): ComparisonRow[] {
  const { summary, predicted } = run;
  const tiers = runTierNames(run);
  const tierRows = tiers.map((tier, t): ComparisonRow => ({
    key: `tier:${tier}`,
    label: `${titleOf(tier)} compute`,
    kind: 'tier',
    measuredMs: summary ? at(summary.measured.computeMsPerTier, t) : at(figures.computeMsPerTier, t),
    thisMachineMs: at(summary?.predicted.hostComputeMsPerTier ?? predicted?.hostComputeMsPerTier, t),
    planMs: at(summary?.predicted.planComputeMsPerTier ?? predicted?.planComputeMsPerTier, t),
    ...lowerBoundOf(summary?.predicted.dataDependentPerTier ?? predicted?.dataDependentPerTier, t),
  }));
  const hopCount = Math.max(run.links.length, summary?.hops.length ?? 0);
  const linkRows = Array.from({ length: hopCount }, (_, h): ComparisonRow => {
    const link = run.links.find((l) => l.hop === h);
    const hop = summary?.hops[h];
    const from = hop?.from ?? link?.from ?? tiers[h] ?? `tier ${h}`;
    const to = hop?.to ?? link?.to ?? tiers[h + 1] ?? `tier ${h + 1}`;
    return {
      key: `link:${h}`,
      label: `${titleOf(from)} ↔ ${titleOf(to)} link`,
      kind: 'link',
      measuredMs: hop ? hop.measuredMs : at(figures.hopMs, h),
      // Over loopback without emulation nothing predicts this machine's link time.
      thisMachineMs: run.args.emulateLinks && hop ? hop.emulatedMs : null,
      planMs: at(predicted?.planHopMs, h) ?? hop?.predictedMs ?? null,
    };
  });
  return [...tierRows, ...linkRows];
}

const lowerBoundOf = (reasons: readonly (string | null)[] | undefined, t: number): { lowerBound?: string } =>
  reasons?.[t] ? { lowerBound: reasons[t] } : {};

const titleOf = (tier: string): string => (isTierName(tier) ? TIER_TITLES[tier] : tier);
