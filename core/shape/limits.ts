/**
 * Bounds on what a file can make a shape rule allocate or loop over. A rank or an output count
 * comes from the file (a shape input declared as [2147483647], `num_outputs`), and a rule that
 * builds an array of that length would hang or run out of memory; real models stay far below
 * these limits (ranks under 10, Split into at most a few thousand pieces).
 *
 * Where the file's size is the honest bound, the limit scales with it (`shapeLimitsFor`): every
 * output of a Split is a name the file holds, at least 2 bytes each, so a model may split into
 * max(MAX_PIECES, file bytes / 2) pieces (up to MAX_PIECES_CEILING) and a 100-byte file cannot
 * ask for more than the floor. A rank costs the file nothing (one declared dim of 2³¹−1 asks
 * for it), so MAX_RANK stays fixed; so do the element counts of constant-folded values
 * (MAX_KNOWN_ELEMENTS in types.ts, a floor below what any file's size would allow), and Tile,
 * Expand and ConstantOfShape sizes and loop trip counts, which only multiply figures.
 *
 * The rules throw `ShapeLimitError` without knowing the node; the inference driver turns it into
 * a `SHAPE_LIMIT` CutlineError naming the node (see `shapeLimitFailure`).
 */
import { CutlineError } from '../errors.js';
import { plainName, quoteName } from '../text/quote-name.js';

/** Largest rank a rule builds a shape for (ONNX sets none; onnxruntime models stay under 10). */
export const MAX_RANK = 1024;

/** Pieces any model may split into (Split, SplitToSequence), whatever its size. */
export const MAX_PIECES = 65536;

/** Pieces no model may split into, however large: 2²⁴ outputs is past any exporter. */
export const MAX_PIECES_CEILING = 2 ** 24;

/** The bounds one analysis runs under. */
export interface ShapeLimits {
  readonly maxRank: number;
  readonly maxPieces: number;
}

/** The bounds for a model file of `fileBytes` bytes (its graph; external data does not count). */
export function shapeLimitsFor(fileBytes: number): ShapeLimits {
  const byNames = Math.floor(Math.max(0, fileBytes) / 2);
  return { maxRank: MAX_RANK, maxPieces: Math.min(MAX_PIECES_CEILING, Math.max(MAX_PIECES, byNames)) };
}

/** The floors: what rules run under outside `withShapeLimits` (a rule called on its own). */
export const FLOOR_LIMITS: ShapeLimits = { maxRank: MAX_RANK, maxPieces: MAX_PIECES };

// Inference is synchronous, so the limits of the one running can live here instead of being
// threaded through every rule's context.
let active: ShapeLimits = FLOOR_LIMITS;

/** Runs `infer` with `limits` in force for boundedRank and boundedPieces. */
export function withShapeLimits<T>(limits: ShapeLimits, infer: () => T): T {
  const outer = active;
  active = limits;
  try {
    return infer();
  } finally {
    active = outer;
  }
}

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

/** `rank` unchanged when within the rank limit (or unknown); else a ShapeLimitError. */
export function boundedRank(
  rank: number | undefined,
  describe: (rank: number) => string = (n) => `has an output of rank ${n}`,
): number | undefined {
  if (rank !== undefined && rank > active.maxRank) throw new ShapeLimitError(describe(rank), active.maxRank);
  return rank;
}

/** `count` unchanged when within the pieces limit; else a ShapeLimitError saying what it counts. */
export function boundedPieces(count: number, describe: (count: number) => string): number {
  if (count > active.maxPieces) throw new ShapeLimitError(describe(count), active.maxPieces);
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
