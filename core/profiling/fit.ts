/**
 * Fitting the roofline to measured kernel times. For one operator class, with the peak P and the
 * bandwidth B fixed, the model of node i is
 *
 *   tᵢ ≈ max(aᵢ / e, mᵢ) + o,   aᵢ = flopsᵢ / P (ms at full efficiency),  mᵢ = bytesᵢ / B (ms)
 *
 * and (e, o) minimise the squared relative error Σ ((predᵢ − tᵢ) / tᵢ)², with 0 < e ≤ 1 and o ≥ 0.
 * Relative error, because a model's operators span four decades of time and a plain least-squares
 * fit would serve only the largest convolutions. For a fixed e the best o is closed-form (a weighted
 * mean of the residuals, clipped at 0); e is searched on a log scale (`minimizeLog`).
 */
import { minimizeLog } from './minimize.js';

/** A node's demands in roofline units for a given P and B, and its measured time. */
export interface FitPoint {
  /** ms at 100% of peak FLOP/s. */
  readonly computeMs: number;
  /** ms at the memory bandwidth. */
  readonly memoryMs: number;
  readonly measuredMs: number;
}

export interface ClassFit {
  /** null when no point is compute-bound at the optimum: the data say nothing about efficiency. */
  readonly efficiency: number | null;
  readonly overheadMs: number;
  /** Σ ((pred − t) / t)² at the fit. */
  readonly squaredError: number;
}

/** Lowest efficiency searched: 0.01% of peak, below any kernel worth modelling. */
const MIN_EFFICIENCY = 1e-4;

/** Best overhead for fixed efficiency and the squared relative error it leaves. */
export function fitOverhead(
  points: readonly FitPoint[],
  efficiency: number,
): { overheadMs: number; squaredError: number } {
  let weightSum = 0;
  let residualSum = 0;
  for (const p of points) {
    const w = 1 / (p.measuredMs * p.measuredMs);
    weightSum += w;
    residualSum += w * (p.measuredMs - Math.max(p.computeMs / efficiency, p.memoryMs));
  }
  const overheadMs = Math.max(0, residualSum / weightSum);
  let squaredError = 0;
  for (const p of points) {
    const r = (Math.max(p.computeMs / efficiency, p.memoryMs) + overheadMs - p.measuredMs) / p.measuredMs;
    squaredError += r * r;
  }
  return { overheadMs, squaredError };
}

/**
 * Efficiency and overhead of one class. When `fallbackEfficiency` is given and the data leave the
 * efficiency unidentified, the overhead is refitted at the fallback (the device's default).
 */
export function fitClass(points: readonly FitPoint[], fallbackEfficiency?: number): ClassFit {
  // Searched as the slowdown 1/e ∈ [1, 1/MIN_EFFICIENCY], so "as fast as peak" is the low end.
  const slowdown = minimizeLog((s) => fitOverhead(points, 1 / s).squaredError, 1, 1 / MIN_EFFICIENCY);
  const efficiency = 1 / slowdown;
  const computeBound = points.some((p) => p.computeMs / efficiency > p.memoryMs);
  if (computeBound) return { efficiency, ...fitOverhead(points, efficiency) };
  return { efficiency: null, ...fitOverhead(points, fallbackEfficiency ?? 1) };
}
