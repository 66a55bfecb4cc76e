/**
 * Collaborative filtering of layer times (RoaD-RuNNer, seed 003 §III): a sparse matrix of devices
 * (rows) × layer kinds (columns), where each device has timed only a fraction of the layers (~30%
 * in the paper), is completed by matrix factorisation, so a device's time for a layer it never ran
 * is predicted from how similar devices ran it.
 *
 * The model is on log-times, because times span decades and a device is, to a first approximation,
 * a constant factor faster or slower than another:
 *
 *   ln t(r, c) ≈ μ + b_r + b_c + u_r · v_c
 *
 * μ is the mean log-time, b_r and b_c per-row and per-column biases (with rank 0 the model is "this
 * device is k× slower on everything"), u_r, v_c rank-k factors for what the biases miss (a device
 * fast at convolutions but slow at memory-bound layers). Fitted by alternating least squares with
 * weighted-λ regularisation (ALS-WR, Zhou et al., "Large-scale parallel collaborative filtering for
 * the Netflix prize", 2008): with the columns fixed each row's [b_r, u_r] is a ridge regression,
 * solved exactly, and vice versa.
 */
import { createRandom } from '../onnx/random.js';

/** One observed cell: a positive value (a time) at (row, col), both zero-based. */
export interface MatrixEntry {
  readonly row: number;
  readonly col: number;
  readonly value: number;
}

export interface FactorizeOptions {
  /** Number of latent factors; 0 keeps only the biases. */
  readonly rank: number;
  /** Ridge weight per observation (ALS-WR scales it by each row's or column's count). */
  readonly lambda: number;
  /** Alternating sweeps (rows then columns); 20–50 converge on small matrices. */
  readonly iterations: number;
  /** Seed of the factors' initial values; the same seed gives the same fit. Default 1. */
  readonly seed?: number;
}

export interface Factorization {
  readonly rows: number;
  readonly cols: number;
  readonly rank: number;
  /**
   * The predicted value at (row, col). A row or column with no observation has zero bias and
   * factors, so the prediction falls back to what the rest of the matrix says (μ plus the other bias).
   */
  predict(row: number, col: number): number;
  /** Root mean square of ln(predicted / observed) over the training entries. */
  readonly rmse: number;
}

/** Completes the matrix of `entries` (values > 0; size = largest row/col index + 1). */
export function factorize(entries: readonly MatrixEntry[], options: FactorizeOptions): Factorization {
  const { rank, lambda, iterations } = options;
  if (!Number.isInteger(rank) || rank < 0)
    throw new RangeError(`rank must be a whole number ≥ 0, got ${rank}.`);
  if (!(lambda >= 0)) throw new RangeError(`lambda must be ≥ 0, got ${lambda}.`);
  if (entries.length === 0) throw new RangeError('Matrix factorisation needs at least one observed entry.');
  for (const e of entries) {
    if (!(e.value > 0) || !Number.isInteger(e.row) || !Number.isInteger(e.col) || e.row < 0 || e.col < 0)
      throw new RangeError(
        `Entry (${e.row}, ${e.col}) = ${e.value}: indices must be whole numbers ≥ 0 and values > 0.`,
      );
  }
  const rows = Math.max(...entries.map((e) => e.row)) + 1;
  const cols = Math.max(...entries.map((e) => e.col)) + 1;
  const logs = entries.map((e) => ({ row: e.row, col: e.col, y: Math.log(e.value) }));
  const mu = logs.reduce((s, e) => s + e.y, 0) / logs.length;
  const byRow = groupBy(logs, (e) => e.row, rows);
  const byCol = groupBy(logs, (e) => e.col, cols);

  // Small random factors break the symmetry ALS would otherwise keep (all factors equal stay equal).
  const random = createRandom(options.seed ?? 1);
  const scale = 0.1 / Math.sqrt(Math.max(rank, 1));
  const init = (): number[] => Array.from({ length: rank }, () => random.uniform(-scale, scale));
  const rowBias = new Array<number>(rows).fill(0);
  const colBias = new Array<number>(cols).fill(0);
  const rowFactors = Array.from({ length: rows }, init);
  const colFactors = Array.from({ length: cols }, init);

  for (let sweep = 0; sweep < iterations; sweep++) {
    byRow.forEach((cells, r) => {
      const solved = ridge(
        cells.map((e) => colFactors[e.col]!),
        cells.map((e) => e.y - mu - colBias[e.col]!),
        lambda,
      );
      if (solved) [rowBias[r], rowFactors[r]] = solved;
    });
    byCol.forEach((cells, c) => {
      const solved = ridge(
        cells.map((e) => rowFactors[e.row]!),
        cells.map((e) => e.y - mu - rowBias[e.row]!),
        lambda,
      );
      if (solved) [colBias[c], colFactors[c]] = solved;
    });
  }

  const logPredict = (r: number, c: number): number => {
    const u = rowFactors[r];
    const v = colFactors[c];
    let dot = 0;
    if (u && v) for (let k = 0; k < rank; k++) dot += u[k]! * v[k]!;
    return mu + (rowBias[r] ?? 0) + (colBias[c] ?? 0) + dot;
  };
  const squared = logs.reduce((s, e) => s + (logPredict(e.row, e.col) - e.y) ** 2, 0);
  return {
    rows,
    cols,
    rank,
    predict: (row, col) => Math.exp(logPredict(row, col)),
    rmse: Math.sqrt(squared / logs.length),
  };
}

export interface ValidationPoint {
  readonly rank: number;
  readonly lambda: number;
  /** RMS of ln(predicted / observed) on the validation entries. */
  readonly rmse: number;
}

export interface ModelChoice {
  readonly rank: number;
  readonly lambda: number;
  readonly validation: readonly ValidationPoint[];
}

/** Two validation errors this close (relative) are a tie, resolved toward the simpler model. */
const TIE = 0.01;

/**
 * Rank and λ by validation: a share of the observed entries (`validationShare`, 20% by default,
 * drawn with `seed`) is held out, each candidate is fitted on the rest, and the one that predicts
 * the held-out entries best wins; a near-tie goes to the lower rank, then the larger λ. A larger
 * rank always fits the training entries better; only unseen entries show when it fits noise.
 */
export function chooseFactorization(
  entries: readonly MatrixEntry[],
  candidates: {
    readonly ranks: readonly number[];
    readonly lambdas: readonly number[];
    readonly iterations: number;
    readonly seed?: number;
    readonly validationShare?: number;
  },
): ModelChoice {
  const share = candidates.validationShare ?? 0.2;
  const seed = candidates.seed ?? 1;
  const random = createRandom(seed ^ 0x5eed);
  const validate = entries.map(() => random.next() < share);
  const train = entries.filter((_, i) => !validate[i]);
  const held = entries.filter((_, i) => validate[i]);
  if (train.length === 0 || held.length === 0)
    throw new RangeError(
      `Choosing a rank needs entries on both sides of a ${share} validation split; got ${entries.length}.`,
    );
  const validation: ValidationPoint[] = [];
  for (const rank of candidates.ranks) {
    for (const lambda of candidates.lambdas) {
      const fit = factorize(train, { rank, lambda, iterations: candidates.iterations, seed });
      const squared = held.reduce((s, e) => s + Math.log(fit.predict(e.row, e.col) / e.value) ** 2, 0);
      validation.push({ rank, lambda, rmse: Math.sqrt(squared / held.length) });
    }
  }
  const best = Math.min(...validation.map((v) => v.rmse));
  const simplest = validation
    .filter((v) => v.rmse <= best * (1 + TIE))
    .sort((a, b) => a.rank - b.rank || b.lambda - a.lambda)[0]!;
  return { rank: simplest.rank, lambda: simplest.lambda, validation };
}

function groupBy<T>(items: readonly T[], key: (item: T) => number, size: number): T[][] {
  const groups = Array.from({ length: size }, (): T[] => []);
  for (const item of items) groups[key(item)]!.push(item);
  return groups;
}

/**
 * Ridge regression of `targets` on [1, features]: minimises Σ (y − b − f·w)² + λ·n·|w|² (ALS-WR's
 * weighted λ: a row seen often is regularised as much, relative to its data, as one seen rarely).
 * The bias b is not shrunk: it carries the decades-wide spread of layer times, and pulling it toward
 * the mean would bias every prediction of that row or column. Returns [b, w]; undefined for no data
 * (the row or column keeps its current values).
 */
function ridge(
  features: readonly (readonly number[])[],
  targets: readonly number[],
  lambda: number,
): [number, number[]] | undefined {
  const n = targets.length;
  if (n === 0) return undefined;
  const k = (features[0]?.length ?? 0) + 1;
  const a = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const b = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) {
    const x = [1, ...features[i]!];
    for (let p = 0; p < k; p++) {
      b[p]! += x[p]! * targets[i]!;
      for (let q = 0; q < k; q++) a[p]![q]! += x[p]! * x[q]!;
    }
  }
  // A tiny floor keeps the system positive definite when λ = 0 or a row has fewer cells than factors.
  for (let p = 0; p < k; p++) a[p]![p]! += p === 0 ? 1e-9 * n : Math.max(lambda * n, 1e-9);
  const solution = solveSymmetricPositiveDefinite(a, b);
  return [solution[0]!, solution.slice(1)];
}

/** Cholesky factorisation A = LLᵀ, then two triangular solves. */
function solveSymmetricPositiveDefinite(a: readonly (readonly number[])[], b: readonly number[]): number[] {
  const k = b.length;
  const l = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i]![j]!;
      for (let m = 0; m < j; m++) sum -= l[i]![m]! * l[j]![m]!;
      l[i]![j] = i === j ? Math.sqrt(Math.max(sum, 1e-300)) : sum / l[j]![j]!;
    }
  }
  const y = new Array<number>(k).fill(0);
  for (let i = 0; i < k; i++) {
    let sum = b[i]!;
    for (let m = 0; m < i; m++) sum -= l[i]![m]! * y[m]!;
    y[i] = sum / l[i]![i]!;
  }
  const x = new Array<number>(k).fill(0);
  for (let i = k - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let m = i + 1; m < k; m++) sum -= l[m]![i]! * x[m]!;
    x[i] = sum / l[i]![i]!;
  }
  return x;
}
