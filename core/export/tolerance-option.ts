/** `--rtol X --atol Y` as a user types them, checked before anything runs. */
import { CutlineError } from '../errors.js';
import { quoteName } from '../text/quote-name.js';
import { DEFAULT_TOLERANCE, type Tolerance } from './tolerance.js';

/**
 * The tolerance the flags ask for: each a finite number ≥ 0 (`1e-3`, `0.01`); a flag left out
 * keeps the default (rtol 1e-4; atol 1e-5 scaled by each output's largest |value|).
 *
 * @throws CutlineError BAD_CONSTRAINT naming the flag and the text it was given.
 */
export function parseTolerance(rtol: string | undefined, atol: string | undefined): Tolerance {
  return {
    rtol: rtol === undefined ? DEFAULT_TOLERANCE.rtol : toleranceNumber(rtol, '--rtol'),
    atol: atol === undefined ? DEFAULT_TOLERANCE.atol : toleranceNumber(atol, '--atol'),
  };
}

function toleranceNumber(text: string, flag: string): number {
  const value = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(value) || value < 0) {
    throw new CutlineError(
      'BAD_CONSTRAINT',
      `${flag} takes a finite number of 0 or more, such as 1e-4, not ${quoteName(text)}.`,
    );
  }
  return value;
}
