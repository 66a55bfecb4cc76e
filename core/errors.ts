/**
 * Every failure Cutline reports to a user carries a stable code and a sentence that says what is
 * wrong and what to do about it. The CLI prints `code: message`; the studio shows the message.
 */
export type ErrorCode =
  | 'NOT_A_FILE'
  | 'FILE_UNREADABLE'
  | 'NOT_ONNX'
  | 'TRUNCATED'
  | 'UNSUPPORTED_OPSET'
  | 'EXTERNAL_DATA_MISSING'
  | 'EXTERNAL_DATA_OUTSIDE_MODEL_DIR'
  | 'EXTERNAL_DATA_OUT_OF_RANGE'
  /** An external-data file shrank, vanished or was replaced after its model was opened: open it again. */
  | 'EXTERNAL_DATA_CHANGED'
  | 'GRAPH_CYCLE'
  | 'GRAPH_INVALID'
  | 'BAD_INPUT_BINDING'
  | 'SHAPE_MISMATCH'
  /** A node asks for a rank, count or size beyond what Cutline analyses (a hostile or corrupt file). */
  | 'SHAPE_LIMIT'
  /** Analysis ran past the time limit it was given (`timeLimitMs`, `--time-limit`): the message names the node reached. */
  | 'ANALYSIS_TIME_LIMIT'
  | 'PROFILE_NOT_FOUND'
  | 'BAD_PROFILE'
  | 'BAD_TOPOLOGY'
  | 'BAD_PLACEMENT'
  | 'BAD_CONSTRAINT'
  | 'INFEASIBLE'
  | 'PROFILING_FAILED'
  | 'BAD_OIP_MESSAGE'
  | 'TIER_UNREACHABLE'
  | 'TIER_ERROR'
  | 'EXPORT_FAILED'
  /** A run (the harness) would need more memory than this machine has free: the message gives the sizes. */
  | 'NOT_ENOUGH_MEMORY'
  | 'BAD_BUNDLE'
  /** A project file that is corrupt, of an unknown version, or has a bad field: the message names it. */
  | 'BAD_PROJECT'
  /** A project's model is not where the project says: give its path (or locate it in the studio). */
  | 'MODEL_MISSING'
  /** A project's model file differs from the one it was saved with (SHA-256): open the original. */
  | 'MODEL_CHANGED'
  /** A long run (the harness) stopped on request: nothing is wrong. */
  | 'CANCELLED';

export class CutlineError extends Error {
  override readonly name = 'CutlineError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isCutlineError(error: unknown): error is CutlineError {
  return error instanceof CutlineError;
}
