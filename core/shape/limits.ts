/**
 * Bounds on what a file can make a shape rule allocate or loop over. A rank or an output count
 * comes from the file (a shape input declared as [2147483647], `num_outputs`), and a rule that
 * builds an array of that length would hang or run out of memory; real models stay far below
 * these limits (ranks under 10, Split into at most a few thousand pieces).
 *
 * The rules throw `ShapeLimitError` without knowing the node; the inference driver turns it into
 * a `SHAPE_LIMIT` CutlineError naming the node (see `shapeLimitFailure`).
 */
import { CutlineError } from '../errors.js';
import { plainName, quoteName } from '../text/quote-name.js';

/** Largest rank a rule builds a shape for (ONNX sets none; onnxruntime models stay under 10). */
export const MAX_RANK = 1024;

/** Largest number of pieces Split (or any rule with a count of outputs) makes. */
export const MAX_PIECES = 65536;

/** A count from the file beyond a limit; `what` completes "Node … (Op) {what}". */
export class ShapeLimitError extends Error {
  override readonly name = 'ShapeLimitError';
  constructor(
    readonly what: string,
    readonly limit: number,
  ) {
    super(`${what}: more than Cutline analyses (limit ${limit})`);
  }
}

/** `rank` unchanged when within MAX_RANK (or unknown); else a ShapeLimitError. */
export function boundedRank(
  rank: number | undefined,
  describe: (rank: number) => string = (n) => `has an output of rank ${n}`,
): number | undefined {
  if (rank !== undefined && rank > MAX_RANK) throw new ShapeLimitError(describe(rank), MAX_RANK);
  return rank;
}

/** `count` unchanged when within MAX_PIECES; else a ShapeLimitError saying what it counts. */
export function boundedPieces(count: number, describe: (count: number) => string): number {
  if (count > MAX_PIECES) throw new ShapeLimitError(describe(count), MAX_PIECES);
  return count;
}

/** The SHAPE_LIMIT error for `error` raised while inferring node `name` of type `opType`. */
export function shapeLimitFailure(error: ShapeLimitError, name: string, opType: string): CutlineError {
  // Both names come from the file: quoted, escaped and cut (issue 13, point 4).
  const shown = name === '' ? '(unnamed)' : quoteName(name);
  return new CutlineError(
    'SHAPE_LIMIT',
    `Node ${shown} (${plainName(opType)}) ${error.message}; this model cannot be analysed.`,
    { cause: error },
  );
}
