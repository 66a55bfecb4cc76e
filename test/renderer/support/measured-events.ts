/**
 * The two harness events a measured-figures test needs: the plan's prediction, then one
 * answered request with its compute per tier and transfer per hop (three tiers, two hops).
 */
import type { HarnessEvent } from '../../../core/bundle/harness-types.js';

export function measuredEvents(
  planComputeMsPerTier: readonly number[],
  computeMsPerTier: readonly number[],
  { planHopMs = [0, 0], hopMs = [0, 0] }: { planHopMs?: number[]; hopMs?: number[] } = {},
): HarnessEvent[] {
  return [
    {
      event: 'predicted',
      tiers: ['device', 'edge', 'cloud'],
      planLatencyMs: 10,
      planComputeMsPerTier: [...planComputeMsPerTier],
      planHopMs,
      hostLatencyMs: null,
      hostComputeMsPerTier: null,
    },
    {
      event: 'request',
      index: 0,
      phase: 'latency',
      ok: true,
      latencyMs: 20,
      computeMsPerTier: [...computeMsPerTier],
      hopMs,
      maxAbsDiff: 0,
      fallback: false,
    },
  ];
}
