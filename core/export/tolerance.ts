/**
 * When a split's output counts as equal to the whole model's. The sub-models run the same fp32
 * operators as the whole model, but onnxruntime may fuse or order them differently on either side
 * of a cut, so results differ by rounding, which grows with the size of the values: a deep model
 * whose activations reach 1e29 differs by 1e22 from rounding alone. The tolerance is therefore
 * relative to the output's scale, and absolute (1e-4) for outputs within ±1.
 *
 * No imports: the studio's renderer, the CLI and the harness use the same rule.
 */

/** Relative to the largest |value| of the whole model's output (absolute below 1). */
export const RELATIVE_TOLERANCE = 1e-4;

/**
 * The tolerance for an output whose largest finite |value| in the whole model is `maxAbsExpected`:
 * `1e-4 · max(1, maxAbsExpected)`.
 */
export function toleranceFor(maxAbsExpected: number): number {
  return RELATIVE_TOLERANCE * Math.max(1, Number.isFinite(maxAbsExpected) ? Math.abs(maxAbsExpected) : 1);
}

/** Whether a difference is within a tolerance (`Infinity` or NaN never is). */
export function withinTolerance(maxAbsDiff: number, tolerance: number): boolean {
  return maxAbsDiff <= tolerance;
}

/** One output's (or request's) difference and the tolerance it is held to. */
export interface ToleranceCheck {
  readonly maxAbsDiff: number;
  readonly tolerance: number;
}

/**
 * The check furthest off relative to its own tolerance (largest `maxAbsDiff / tolerance`; the
 * larger difference on a tie), or null for none. Every check passes iff this one does, so a
 * report of its difference and tolerance never contradicts the verdict; when every output is
 * within ±1 (one tolerance for all) it is simply the largest difference.
 */
export function worstCheck<C extends ToleranceCheck>(checks: Iterable<C>): C | null {
  let worst: C | null = null;
  let worstRatio = -1;
  for (const check of checks) {
    const ratio = Number.isNaN(check.maxAbsDiff) ? Infinity : check.maxAbsDiff / check.tolerance;
    if (
      worst === null ||
      ratio > worstRatio ||
      (ratio === worstRatio && check.maxAbsDiff > worst.maxAbsDiff)
    ) {
      worst = check;
      worstRatio = ratio;
    }
  }
  return worst;
}
