/** Checks that a synchronous call fails with a CutlineError of a given code. */
import { expect } from 'vitest';
import { CutlineError, type ErrorCode } from '../../core/errors.js';

/** The CutlineError `fn` throws, checked to carry `code`; fails the test when nothing is thrown. */
export function expectCode(fn: () => unknown, code: ErrorCode): CutlineError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CutlineError);
    expect((error as CutlineError).code).toBe(code);
    return error as CutlineError;
  }
  throw new Error(`expected ${code}, but nothing was thrown`);
}
