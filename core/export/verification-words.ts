/**
 * The verification's verdict in words, the same in the CLI, the harness and the studio: the rule
 * (rtol and atol), the largest difference (absolute and relative, and where), and when it fails
 * the element that fails. The element furthest off relative to its allowance decides, so the
 * words never contradict the verdict.
 */
import { plainName } from '../text/quote-name.js';
import { formatTolerance, toleranceWords } from './tolerance.js';

/** An element of a named output and its difference from the whole model's. */
export interface NamedDifference {
  readonly output: string;
  /** Flat (row-major) index; -1 when no element differs. */
  readonly element: number;
  readonly diff: number;
  /** `diff / |whole|` (`Infinity` where the whole model's value is 0). */
  readonly relDiff: number;
}

/** What a verification found, as its words need it. */
export interface VerificationFigures {
  readonly ok: boolean;
  readonly rtol: number;
  /**
   * The absolute term a pass is said with: a number, or null for the default scaled by each
   * output's largest |value| when several outputs used different ones.
   */
  readonly atol: number | null;
  /** The deciding element, its allowance and the absolute term its output used. */
  readonly worst: NamedDifference & { readonly allowance: number; readonly atol: number };
  /** The largest absolute difference. */
  readonly largestAbs: NamedDifference;
}

/** A difference in exponent form, "0" when there is none. */
export const formatDifference = (value: number): string =>
  value === 0 ? '0' : Number.isFinite(value) ? value.toExponential(1) : 'unbounded';

/** "output logits, element 350" (the output's name made safe to print). */
export const elementWords = (d: NamedDifference): string =>
  `output ${plainName(d.output)}${d.element >= 0 ? `, element ${d.element}` : ''}`;

/**
 * Passed: "within rtol 1e-4 + atol 1e-5 (largest difference 3.2e-3 = 2.1e-8 relative, output
 * logits)". Failed: "output logits, element 350 differs by 5.2e+3 (1.1e-1 relative), above its
 * allowance 1.4e+0 (rtol 1e-4 + atol 2.8e+2)".
 */
export function verificationWords(f: VerificationFigures): string {
  if (f.ok) {
    const rule = toleranceWords(f.rtol, f.atol);
    const d = f.largestAbs;
    if (d.diff === 0) return `within ${rule} (every element identical)`;
    return `within ${rule} (largest difference ${formatDifference(d.diff)} = ${formatRelative(d.relDiff)} relative, output ${plainName(d.output)})`;
  }
  const w = f.worst;
  const how = Number.isFinite(w.diff)
    ? `differs by ${formatDifference(w.diff)} (${formatRelative(w.relDiff)} relative)`
    : 'differs in shape, type, NaN or infinity';
  return `${elementWords(w)} ${how}, above its allowance ${formatTolerance(w.allowance)} (${toleranceWords(f.rtol, w.atol)})`;
}

/**
 * A check by its element furthest off relative to its allowance: "furthest off: 6.0e+0 where
 * 3.1e+2 is allowed, output logits, element 189" ("every element identical" for none).
 */
export function checkWords(
  diff: number,
  allowance: number,
  output: string | null,
  element: number | null,
): string {
  if (diff === 0) return 'every element identical';
  const where =
    output === null ? '' : `, ${elementWords({ output, element: element ?? -1, diff, relDiff: 0 })}`;
  return `furthest off: ${formatDifference(diff)} where ${formatTolerance(allowance)} is allowed${where}`;
}

const formatRelative = (value: number): string =>
  Number.isFinite(value) ? formatDifference(value) : 'unbounded (the whole model has 0 there)';
