/**
 * When a split's output counts as equal to the whole model's: element by element, as
 * `numpy.allclose` does, `|split − whole| ≤ atol + rtol · |whole|`.
 *
 * The sub-models run the same fp32 operators as the whole model, but onnxruntime fuses and orders
 * them differently on either side of a cut, so results differ by rounding, which grows with the
 * values the model computes, not with each element: a logit near 0 of an output whose logits
 * reach 1e7 carries the rounding of the 1e7-sized sums it came from. On a 1,000-logit model
 * reaching 3e7 the split is off by about 2e-7 of the largest logit everywhere (onnxruntime itself,
 * between optimisation levels, by 4e-7), which near-zero logits under `rtol` 1e-4 with an absolute
 * `atol` of 1e-5 only just passed (0.9997 of their allowance). So the default `atol` is 1e-5
 * absolute for outputs within ±1 and 1e-5 of the largest |value| above, 25× the rounding seen;
 * an `atol` the user gives is absolute, as numpy's. See docs/prediction.md.
 *
 * NaN equals NaN in the same place (`equal_nan=True`: the split reproduces the whole model,
 * NaN included); ±Infinity equals only the same infinity; integer, boolean and string outputs
 * must be exactly equal (no tolerance applies to them).
 *
 * No imports: the studio's renderer, the CLI and the harness use the same rule.
 */

/** The tolerance a split's outputs are held to. */
export interface Tolerance {
  /** Relative to each element of the whole model's output. */
  readonly rtol: number;
  /**
   * Absolute; null for the default, 1e-5 · max(1, the output's largest finite |value|)
   * (`DEFAULT_ATOL_SCALE`), set per output.
   */
  readonly atol: number | null;
}

export const DEFAULT_RTOL = 1e-4;
/** The default `atol` in units of the output's largest finite |value| (at least 1). */
export const DEFAULT_ATOL_SCALE = 1e-5;
export const DEFAULT_TOLERANCE: Tolerance = { rtol: DEFAULT_RTOL, atol: null };

/** What a report from before tolerances were reported was held to: 1e-4 absolute. */
export const LEGACY_TOLERANCE = 1e-4;

/**
 * The absolute term an output is held to: the user's `atol`, else `1e-5 · max(1, maxAbsExpected)`
 * where `maxAbsExpected` is the largest finite |value| of the whole model's output.
 */
export function atolFor(tolerance: Tolerance, maxAbsExpected: number): number {
  if (tolerance.atol !== null) return tolerance.atol;
  const scale = Number.isFinite(maxAbsExpected) ? Math.abs(maxAbsExpected) : 1;
  return DEFAULT_ATOL_SCALE * Math.max(1, scale);
}

/** What an element whose whole-model value is `expected` may differ by: `atol + rtol · |expected|`. */
export function allowanceFor(expected: number, rtol: number, atol: number): number {
  return atol + rtol * Math.abs(expected);
}

/** Whether a difference is within an allowance (`Infinity` or NaN never is). */
export function withinTolerance(diff: number, allowance: number): boolean {
  return diff <= allowance;
}

/** A difference and what it is allowed to be (an element's, an output's worst, a request's worst). */
export interface ToleranceCheck {
  readonly maxAbsDiff: number;
  readonly tolerance: number;
}

/** How far over its allowance a check is (> 1 fails; a NaN difference is infinitely far). */
export function allowanceRatio(check: ToleranceCheck): number {
  if (Number.isNaN(check.maxAbsDiff)) return Infinity;
  if (check.maxAbsDiff === 0) return 0;
  return check.tolerance > 0 ? check.maxAbsDiff / check.tolerance : Infinity;
}

/**
 * The check furthest off relative to its own allowance (largest `maxAbsDiff / tolerance`; the
 * larger difference on a tie), or null for none. Every check passes iff this one does, so a
 * report of its difference and allowance never contradicts the verdict.
 */
export function worstCheck<C extends ToleranceCheck>(checks: Iterable<C>): C | null {
  let worst: C | null = null;
  let worstRatio = -1;
  for (const check of checks) {
    const ratio = allowanceRatio(check);
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

/** A number as the tolerance's words print it: `1e-4`, `2.8e+2`, `0`. */
export function formatTolerance(value: number): string {
  if (value === 0) return '0';
  const [mantissa, exponent] = value.toExponential(1).split('e');
  return `${mantissa!.replace(/\.0$/, '')}e${exponent!}`;
}

/**
 * "rtol 1e-4 + atol 1e-5", the rule's words in every report; an `atol` of null (the default, not
 * yet set for an output) reads "atol 1e-5 × the output's largest |value| (at least 1)".
 */
export function toleranceWords(rtol: number, atol: number | null): string {
  const absolute =
    atol === null
      ? `${formatTolerance(DEFAULT_ATOL_SCALE)} × the output's largest |value| (at least 1)`
      : formatTolerance(atol);
  return `rtol ${formatTolerance(rtol)} + atol ${absolute}`;
}
