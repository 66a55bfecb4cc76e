/**
 * What goes wrong on the wire. A tier answers every bad request with the OIP error object
 * `{"error": "<sentence>"}` and the HTTP status an `OipError` carries; the client turns a peer's
 * error answer into a `TierError` and a failed connection into `TIER_UNREACHABLE`.
 */
import { CutlineError } from '../../errors.js';

/** A message that breaks the protocol (or a request the tier refuses), with the status to answer. */
export class OipError extends CutlineError {
  constructor(
    message: string,
    readonly status = 400,
    options?: { cause?: unknown },
  ) {
    super('BAD_OIP_MESSAGE', message, options);
  }
}

/**
 * Status a tier answers when the tier above it cannot be reached (504 Gateway Timeout covers
 * "upstream did not answer"): the device tells it from other failures to decide on fallback.
 */
export const UNREACHABLE_STATUS = 504;

/** A peer tier answered with an OIP error object (or another non-success status). */
export class TierError extends CutlineError {
  constructor(
    readonly url: string,
    readonly status: number,
    /** The peer's own sentence (its `error` field), as it sent it. */
    readonly serverMessage: string,
  ) {
    super('TIER_ERROR', `The tier at ${url} answered ${status}: ${serverMessage}`);
  }
}

/** The OIP error body for any failure: the sentence of a CutlineError, else the thrown message. */
export function oipErrorBody(error: unknown): { error: string } {
  return { error: error instanceof Error ? error.message : String(error) };
}
