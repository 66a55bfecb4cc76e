/**
 * Least-squares polynomial fit, as RoaD-RuNNer fits network latency and energy against message
 * size (a 4th-order trendline per device).
 *
 * Message sizes reach 10⁸ bytes, so raw powers (10³² for x⁴) would make the Vandermonde matrix
 * hopelessly ill-conditioned. The fit maps x onto [-1, 1] first and solves with Householder QR,
 * which never forms AᵀA and so keeps the conditioning of A itself.
 */

export interface PolynomialFit {
  /** The fitted polynomial at x (in the original units). */
  readonly predict: (x: number) => number;
  /** Degree used: the one asked for, lowered when there are too few distinct x. */
  readonly degree: number;
  /** √(mean squared residual) over the points fitted, in y's units. */
  readonly residualRms: number;
}

export function fitPolynomial(xs: readonly number[], ys: readonly number[], degree: number): PolynomialFit {
  if (xs.length !== ys.length)
    throw new RangeError(`fitPolynomial: ${xs.length} x values but ${ys.length} y values.`);
  if (xs.length === 0) throw new RangeError('fitPolynomial: no points to fit.');
  const distinct = new Set(xs).size;
  const used = Math.max(0, Math.min(Math.floor(degree), distinct - 1));
  const low = Math.min(...xs);
  const high = Math.max(...xs);
  const centre = (low + high) / 2;
  const halfSpan = high > low ? (high - low) / 2 : 1;
  const scale = (x: number): number => (x - centre) / halfSpan;

  const rows = xs.map((x) => powers(scale(x), used));
  const coefficients = solveLeastSquares(rows, [...ys]);
  const predict = (x: number): number => {
    const t = scale(x);
    let y = 0;
    for (let k = used; k >= 0; k--) y = y * t + coefficients[k]!;
    return y;
  };
  const squared = xs.reduce((sum, x, i) => sum + (ys[i]! - predict(x)) ** 2, 0);
  return { predict, degree: used, residualRms: Math.sqrt(squared / xs.length) };
}

function powers(t: number, degree: number): number[] {
  const row = [1];
  for (let k = 1; k <= degree; k++) row.push(row[k - 1]! * t);
  return row;
}

/**
 * Minimises ‖A c − b‖ by Householder QR (Golub & Van Loan, Algorithm 5.3.2): reflect each column
 * below the diagonal to zero, applying the same reflections to b, then back-substitute R c = Qᵀb.
 * `a` (m × n, m ≥ n, full column rank) and `b` are overwritten.
 */
function solveLeastSquares(a: number[][], b: number[]): number[] {
  const m = a.length;
  const n = a[0]!.length;
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += a[i]![k]! ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) continue;
    const alpha = a[k]![k]! > 0 ? -norm : norm;
    const v = new Array<number>(m - k);
    for (let i = k; i < m; i++) v[i - k] = a[i]![k]!;
    v[0] = v[0]! - alpha;
    const vv = v.reduce((s, x) => s + x * x, 0);
    if (vv === 0) continue;
    const reflect = (get: (i: number) => number, set: (i: number, x: number) => void): void => {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k]! * get(i);
      const f = (2 * dot) / vv;
      for (let i = k; i < m; i++) set(i, get(i) - f * v[i - k]!);
    };
    for (let j = k; j < n; j++) {
      reflect(
        (i) => a[i]![j]!,
        (i, x) => (a[i]![j] = x),
      );
    }
    reflect(
      (i) => b[i]!,
      (i, x) => (b[i] = x),
    );
  }
  const c = new Array<number>(n).fill(0);
  for (let k = n - 1; k >= 0; k--) {
    let s = b[k]!;
    for (let j = k + 1; j < n; j++) s -= a[k]![j]! * c[j]!;
    c[k] = s / a[k]![k]!;
  }
  return c;
}
