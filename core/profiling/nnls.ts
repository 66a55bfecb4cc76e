/**
 * Non-negative weighted least squares for a handful of unknowns: minimise Σ wᵢ (xᵀfᵢ − yᵢ)² over
 * x ≥ 0. With at most a few features, every subset of free variables is solved by its normal
 * equations and the best feasible one is kept: exact (the optimum of a convex problem over the
 * orthant has some set of zero coordinates) and free of the step rules of Lawson–Hanson.
 */

export interface NnlsRow {
  readonly features: readonly number[];
  readonly target: number;
  readonly weight: number;
}

/** The coefficients (length = features per row) and the weighted squared error at them. */
export function solveNnls(rows: readonly NnlsRow[], featureCount: number): { x: number[]; error: number } {
  let best = {
    x: new Array<number>(featureCount).fill(0),
    error: weightedError(rows, new Array<number>(featureCount).fill(0)),
  };
  for (let mask = 1; mask < 1 << featureCount; mask++) {
    const free = [...Array(featureCount).keys()].filter((j) => (mask >> j) & 1);
    const solved = solveSubset(rows, free);
    if (!solved || solved.some((v) => v < 0 || !Number.isFinite(v))) continue;
    const x = new Array<number>(featureCount).fill(0);
    free.forEach((j, i) => (x[j] = solved[i]!));
    const error = weightedError(rows, x);
    if (error < best.error) best = { x, error };
  }
  return best;
}

function weightedError(rows: readonly NnlsRow[], x: readonly number[]): number {
  return rows.reduce((sum, r) => {
    const residual = r.features.reduce((s, f, j) => s + f * x[j]!, 0) - r.target;
    return sum + r.weight * residual * residual;
  }, 0);
}

/** Normal equations on the `free` columns, by Gaussian elimination with partial pivoting. */
function solveSubset(rows: readonly NnlsRow[], free: readonly number[]): number[] | null {
  const n = free.length;
  const a = Array.from({ length: n }, () => new Array<number>(n + 1).fill(0));
  for (const r of rows) {
    for (let i = 0; i < n; i++) {
      const fi = r.features[free[i]!]! * r.weight;
      for (let j = 0; j < n; j++) a[i]![j]! += fi * r.features[free[j]!]!;
      a[i]![n]! += fi * r.target;
    }
  }
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++)
      if (Math.abs(a[row]![col]!) > Math.abs(a[pivot]![col]!)) pivot = row;
    if (Math.abs(a[pivot]![col]!) < 1e-300) return null;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    for (let row = 0; row < n; row++) {
      if (row === col) continue;
      const factor = a[row]![col]! / a[col]![col]!;
      for (let k = col; k <= n; k++) a[row]![k]! -= factor * a[col]![k]!;
    }
  }
  return a.map((row, i) => row[n]! / row[i]!);
}
