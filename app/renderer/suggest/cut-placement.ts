/** A single cut as a placement: the first layers (problem unit order) on the device, the rest on one tier. */
import type { PartitionProblem } from '../../../core/partition/problem.js';
import { isTierName, type TierName } from '../../../core/tiers.js';

/**
 * The placement record (off-device layers only) of "the first `deviceLayers` units on the
 * device, every other unit on tier `serverTier`", as `cutline`'s single-split solver and the
 * cut-points job count them.
 */
export function singleCutRecord(
  problem: PartitionProblem,
  deviceLayers: number,
  serverTier: number,
): Record<string, TierName> {
  const tier = problem.tiers[serverTier];
  if (!isTierName(tier)) throw new RangeError(`The topology has no tier ${serverTier}.`);
  const record: Record<string, TierName> = {};
  if (tier === 'device') return record;
  for (let u = Math.max(0, deviceLayers); u < problem.units.length; u++)
    record[problem.units[u]!.name] = tier;
  return record;
}

const cache = new WeakMap<PartitionProblem, Map<string, Readonly<Record<string, TierName>>>>();

/**
 * `singleCutRecord`, one object per (problem, cut): a row hovered again finds its figures
 * already evaluated (they are memoised by the record) and its marks unchanged.
 */
export function cachedSingleCutRecord(
  problem: PartitionProblem,
  deviceLayers: number,
  serverTier: number,
): Readonly<Record<string, TierName>> {
  let records = cache.get(problem);
  if (!records) cache.set(problem, (records = new Map()));
  const key = `${serverTier}:${deviceLayers}`;
  let record = records.get(key);
  if (!record) records.set(key, (record = singleCutRecord(problem, deviceLayers, serverTier)));
  return record;
}
