/**
 * What goes wrong on the wire. A tier answers every bad request with the OIP error object
 * `{"error": "<sentence>"}` and the HTTP status an `OipError` carries; the client turns a peer's
 * error answer into a `TierError` and a failed connection into `TIER_UNREACHABLE`.
 */
import { CutlineError } from '../../errors.js';
import { LINE_LIMIT, oneLine } from '../../text/quote-name.js';

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
  /** The peer's own sentence (its `error` field), made one escaped line of at most LINE_LIMIT. */
  readonly serverMessage: string;

  constructor(
    readonly url: string,
    readonly status: number,
    serverMessage: string,
  ) {
    // A peer is another program: its sentence may carry anything, and it ends up in logs.
    const sentence = oneLine(serverMessage, LINE_LIMIT);
    super('TIER_ERROR', `The tier at ${url} answered ${status}: ${sentence}`);
    this.serverMessage = sentence;
  }
}

/**
 * The OIP error body for any failure: the sentence of a CutlineError, else the thrown message, as
 * one line of at most LINE_LIMIT characters with control characters escaped. Names in messages
 * are quoted and cut where they are written; this is the last guard for whatever else a message
 * picked up (a model's own error text, a parser's snippet of the body).
 */
export function oipErrorBody(error: unknown): { error: string } {
  return { error: oneLine(error instanceof Error ? error.message : String(error), LINE_LIMIT) };
}
