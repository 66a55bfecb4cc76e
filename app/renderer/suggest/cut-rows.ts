/** The Cut points table's rows: each single cut with its placement made on demand, and sort keys. */
import type { PartitionProblem } from '../../../core/partition/problem.js';
import type { Placement } from '../../../core/partition/placement.js';
import type { CutPoint } from '../../shared/studio-api.js';
import type { SortKey } from './sort.js';

/** Sort keys of the Cut points table's columns. */
export function cutSortKey(point: CutPoint, column: string): SortKey {
  switch (column) {
    case 'after':
      return point.deviceLayers;
    case 'cut-bytes':
      return point.cutBytes;
    case 'tensors':
      return point.tensors;
    case 'macs-before':
      return point.macsBefore;
    case 'macs-after':
      return point.macsAfter;
    case 'compute-before':
      return point.computeBeforeMs;
    case 'compute-after':
      return point.computeAfterMs;
    case 'latency':
      return point.latencyMs;
    case 'energy':
      return point.deviceEnergyMj;
    case 'raw-input':
      return !point.rawInputLeavesDevice;
  }
  return null;
}

/**
 * The single cut a placement is, if it is one: units [0, k) on the device and [k, n) on one
 * server tier s > 0 (k = n: everything on the device, any s). Marks the applied cut-point row
 * with one pass over the placement instead of building every row's placement.
 */
export function singleCutOf(
  problem: PartitionProblem,
  placement: Placement,
): { readonly deviceLayers: number; readonly serverTier: number | null } | null {
  const n = problem.units.length;
  let k = 0;
  while (k < n && placement[k] === 0) k++;
  if (k === n) return { deviceLayers: n, serverTier: null };
  const server = placement[k]!;
  for (let u = k + 1; u < n; u++) if (placement[u] !== server) return null;
  return { deviceLayers: k, serverTier: server };
}
