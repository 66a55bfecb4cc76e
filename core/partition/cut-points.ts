/**
 * Every single cut point of a model, ranked, in the spirit of ONNX-Splitpoint-Tool: the first k
 * units (in the problem's unit order) on the device, the rest on one server tier, for every k
 * from 0 (all on the server) to n (all on the device).
 *
 * Ranking all n + 1 cuts costs O(units + tensors × hops): compute comes from prefix sums per
 * tier, and each tensor adds its crossing latency to the contiguous range of cuts where it
 * crosses (a difference array), since with a prefix cut a tensor produced at unit p and last read
 * at unit c crosses up exactly for p < k ≤ c, and a graph output produced at p comes back down
 * exactly for k ≤ p. Only the rows returned are then evaluated in full (`evaluatePlacement`), so
 * every figure a row shows is the evaluator's own, to the bit.
 */
import { CutlineError } from '../errors.js';
import { evaluatePlacement, type Evaluation } from './evaluate.js';
import type { Placement } from './placement.js';
import type { PartitionProblem } from './problem.js';
import { unitPrefixes } from './split-metrics.js';

/** One single cut: the first `deviceLayers` units on the device, the rest on the server tier. */
export interface CutPoint {
  readonly deviceLayers: number;
  /** The last unit on the device; null when nothing runs there. */
  readonly afterLayer: string | null;
  /** Bytes of the tensors crossing the cut (each counted once, whichever way it goes), and how many. */
  readonly cutBytes: number;
  readonly tensors: number;
  readonly macsBefore: number;
  readonly macsAfter: number;
  /** Predicted compute on the device (before the cut) and on the server tier (after), ms. */
  readonly computeBeforeMs: number;
  readonly computeAfterMs: number;
  readonly latencyMs: number;
  readonly deviceEnergyMj: number;
  readonly rawInputLeavesDevice: boolean;
}

export interface CutPointRanking {
  readonly serverTier: number;
  /** Cut points there are in all: units + 1. */
  readonly total: number;
  /** The best `limit` of them by predicted latency, lowest first (ties: more layers on the device first). */
  readonly points: readonly CutPoint[];
}

export interface CutPointOptions {
  /** Called while the returned rows are evaluated, 0 … 1 (may throw to stop: the studio's cancel). */
  readonly onProgress?: (fraction: number) => void;
}

/** Most cuts evaluated beyond `limit` because their estimates tie with the last row's. */
export const NEAR_TIE_EXTRA = 64;

/** Figures that differ only by rounding (sums in another order) rank as equal. */
const slack = (x: number): number => 1e-9 * Math.max(1, Math.abs(x));

/**
 * The `limit` fastest single cuts onto `serverTier`. `unitMacs[u]` is unit u's multiply-
 * accumulates (the problem itself only knows times). BAD_CONSTRAINT for a server tier the
 * problem lacks or a limit below 1.
 */
export function rankCutPoints(
  problem: PartitionProblem,
  serverTier: number,
  unitMacs: ArrayLike<number>,
  limit: number,
  options: CutPointOptions = {},
): CutPointRanking {
  const n = problem.units.length;
  if (!Number.isInteger(serverTier) || serverTier < 1 || serverTier >= problem.tiers.length) {
    throw new CutlineError(
      'BAD_CONSTRAINT',
      `Tier ${serverTier} cannot take the layers after a cut: the topology's server tiers are 1 to ${problem.tiers.length - 1} (${problem.tiers.slice(1).join(', ')}).`,
    );
  }
  if (!Number.isInteger(limit) || limit < 1) {
    throw new CutlineError('BAD_CONSTRAINT', `Ask for at least one cut point, not ${limit}.`);
  }
  if (unitMacs.length !== n) {
    throw new CutlineError(
      'BAD_PLACEMENT',
      `The MACs list has ${unitMacs.length} entries but the model has ${n} layers.`,
    );
  }
  const estimate = estimatedLatencies(problem, serverTier);
  const order = Array.from({ length: n + 1 }, (_, k) => k).sort(
    (a, b) => estimate[a]! - estimate[b]! || b - a,
  );
  // The rows to evaluate: the best `limit` estimates and any within rounding of the last of them,
  // so rounding cannot push a row that belongs in the table out of it. At most NEAR_TIE_EXTRA of
  // those: a model whose cuts all tie (a run of free layers) would otherwise evaluate every cut.
  const threshold = estimate[order[Math.min(limit, n + 1) - 1]!]!;
  let candidates = Math.min(limit, n + 1);
  const most = Math.min(n + 1, candidates + NEAR_TIE_EXTRA);
  while (candidates < most && estimate[order[candidates]!]! <= threshold + slack(threshold)) candidates++;

  const macsPrefix = new Float64Array(n + 1);
  for (let u = 0; u < n; u++) macsPrefix[u + 1] = macsPrefix[u]! + unitMacs[u]!;
  const placement: Placement = new Uint8Array(n).fill(serverTier);
  let placedOnDevice = 0;
  const rows: CutPoint[] = [];
  for (let i = 0; i < candidates; i++) {
    const k = order[i]!;
    // Move the boundary to k rather than refilling: neighbouring cuts often rank close.
    if (k > placedOnDevice) placement.fill(0, placedOnDevice, k);
    else placement.fill(serverTier, k, placedOnDevice);
    placedOnDevice = k;
    rows.push(cutPointOf(problem, k, serverTier, evaluatePlacement(problem, placement), macsPrefix));
    if (options.onProgress && i % 32 === 31) options.onProgress((i + 1) / candidates);
  }
  rows.sort((a, b) => a.latencyMs - b.latencyMs || b.deviceLayers - a.deviceLayers);
  return { serverTier, total: n + 1, points: rows.slice(0, limit) };
}

/**
 * Latency of every cut k = 0 … n, from prefix sums and a difference array: equal to the
 * evaluator's up to rounding.
 */
export function estimatedLatencies(problem: PartitionProblem, serverTier: number): Float64Array {
  const n = problem.units.length;
  const { ms } = unitPrefixes(problem);
  const device = ms[0]!;
  const server = ms[serverTier]!;
  const crossing = new Float64Array(n + 2);
  const addOver = (from: number, to: number, latencyMs: number): void => {
    if (from > to) return;
    crossing[from]! += latencyMs;
    crossing[to + 1]! -= latencyMs;
  };
  problem.tensors.forEach((tensor, t) => {
    const p = tensor.producer;
    const lastReader = tensor.consumers.length > 0 ? tensor.consumers[tensor.consumers.length - 1]! : -1;
    // Made on the device (p < k) and read on the server (lastReader >= k): it goes up.
    if (lastReader >= 0) addOver(p + 1, lastReader, hopsLatency(problem.up[t]!, serverTier));
    // Made on the server (k <= p), readers after it are there too; an output must come back.
    if (tensor.isOutput && p >= 0) addOver(0, p, hopsLatency(problem.down[t]!, serverTier));
  });
  const latency = new Float64Array(n + 1);
  let transfers = 0;
  for (let k = 0; k <= n; k++) {
    transfers += crossing[k]!;
    latency[k] = device[k]! + server[n]! - server[k]! + transfers;
  }
  return latency;
}

/** Latency of one tensor relayed over hops 0 … tier − 1. */
function hopsLatency(costs: readonly { readonly latencyMs: number }[], tier: number): number {
  let total = 0;
  for (let h = 0; h < tier; h++) total += costs[h]!.latencyMs;
  return total;
}

function cutPointOf(
  problem: PartitionProblem,
  k: number,
  serverTier: number,
  e: Evaluation,
  macsPrefix: Float64Array,
): CutPoint {
  const n = problem.units.length;
  let cutBytes = 0;
  for (const tensor of e.cutTensors) cutBytes += tensor.bytes;
  return {
    deviceLayers: k,
    afterLayer: k > 0 ? problem.units[k - 1]!.name : null,
    cutBytes,
    tensors: e.cutTensors.length,
    macsBefore: macsPrefix[k]!,
    macsAfter: macsPrefix[n]! - macsPrefix[k]!,
    computeBeforeMs: e.computeMsPerTier[0]!,
    computeAfterMs: e.computeMsPerTier[serverTier]!,
    latencyMs: e.latencyMs,
    deviceEnergyMj: e.deviceEnergyMj,
    rawInputLeavesDevice: e.rawInputLeavesDevice,
  };
}
