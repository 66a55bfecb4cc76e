/**
 * The Run tab's summary table as rows of text (figure, measured, predicted on this machine,
 * predicted by the plan), as `cutline harness` prints them: a tier running a data-dependent layer
 * predicts a lower bound (`≥`), and so does the end to end.
 */
import { isTierName, TIER_TITLES } from '../../../core/tiers.js';
import type { HarnessSummary } from '../../shared/studio-api.js';
import { formatBytes, formatMs } from '../util/format.js';

export type SummaryRow = readonly [label: string, measured: string, thisMachine: string, plan: string];

const ms = (value: number | null | undefined): string =>
  value === null || value === undefined ? '–' : value === 0 ? '0' : formatMs(value);
const tierTitle = (tier: string): string => (isTierName(tier) ? TIER_TITLES[tier] : tier);
const atLeast = (text: string, bound: boolean): string => (bound && text !== '–' ? `≥ ${text}` : text);

export function summaryRows(summary: HarnessSummary): SummaryRow[] {
  const { measured, predicted } = summary;
  const bounded = predicted.dataDependentPerTier ?? [];
  const anyBound = bounded.some((reason) => reason);
  return [
    [
      'End to end (median)',
      ms(measured.latencyMs),
      atLeast(ms(predicted.hostLatencyMs), anyBound),
      atLeast(ms(predicted.planLatencyMs), anyBound),
    ],
    ...summary.tiers.map((tier, t): SummaryRow => [
      `Compute on the ${tierTitle(tier).toLowerCase()}`,
      ms(measured.computeMsPerTier[t]),
      atLeast(ms(predicted.hostComputeMsPerTier?.[t]), Boolean(bounded[t])),
      atLeast(ms(predicted.planComputeMsPerTier[t]), Boolean(bounded[t])),
    ]),
    ...summary.hops.map((hop): SummaryRow => [
      `Link ${tierTitle(hop.from)} ↔ ${tierTitle(hop.to)} (${formatBytes(hop.bytes)})`,
      ms(hop.measuredMs),
      hop.emulatedMs === null ? 'not emulated' : `emulated ${ms(hop.emulatedMs)}`,
      ms(hop.predictedMs),
    ]),
  ];
}
