/**
 * Reading request bodies into memory with a size limit, without trusting Content-Length: the
 * buffer grows with the bytes that arrive (a request that declares 1 GB and sends 10 bytes holds
 * 64 KiB, not 1 GB), and every body in flight draws its buffer from one shared budget, so
 * concurrent uploads together hold at most the budget.
 */
import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`The request body is larger than ${limitBytes} bytes.`);
  }
}

/** The bodies in flight already hold the whole budget. */
export class BodyBudgetExhaustedError extends Error {
  constructor(readonly budgetBytes: number) {
    super(`The request bodies in flight hold the whole budget of ${budgetBytes} bytes.`);
  }
}

/** Bytes the buffers of the bodies in flight may hold together. */
export interface BodyBudget {
  readonly totalBytes: number;
  readonly heldBytes: number;
  /** Takes `bytes` from the budget; false (taking nothing) when they do not fit. */
  take(bytes: number): boolean;
  give(bytes: number): void;
}

export function createBodyBudget(totalBytes: number): BodyBudget {
  let held = 0;
  return {
    totalBytes,
    get heldBytes() {
      return held;
    },
    take(bytes) {
      if (held + bytes > totalBytes) return false;
      held += bytes;
      return true;
    },
    give(bytes) {
      held = Math.max(0, held - bytes);
    },
  };
}

/** The first buffer of a body; it doubles from there as bytes arrive. */
export const INITIAL_BODY_BYTES = 64 * 1024;

/**
 * A body's buffer: it grows (doubling, at most to `maxBytes`) only as bytes are appended, and
 * holds its capacity in `budget` until released.
 */
export class GrowingBody {
  private buffer = new Uint8Array(0);
  private length = 0;
  private released = false;

  constructor(
    private readonly maxBytes: number,
    private readonly budget: BodyBudget,
  ) {}

  /** Bytes the buffer holds now (what the budget is charged), not the bytes received. */
  get capacity(): number {
    return this.buffer.byteLength;
  }

  get received(): number {
    return this.length;
  }

  /** Throws BodyTooLargeError past `maxBytes`, BodyBudgetExhaustedError when the budget is full. */
  append(chunk: Uint8Array): void {
    const needed = this.length + chunk.byteLength;
    if (needed > this.maxBytes) throw new BodyTooLargeError(this.maxBytes);
    if (needed > this.buffer.byteLength) this.grow(needed);
    this.buffer.set(chunk, this.length);
    this.length = needed;
  }

  /** The bytes received: a view of the buffer, which is exactly their size when the length was declared. */
  bytes(): Uint8Array {
    return this.length === this.buffer.byteLength ? this.buffer : this.buffer.subarray(0, this.length);
  }

  /** Gives the buffer's share back to the budget (once); the bytes stay readable. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.budget.give(this.buffer.byteLength);
  }

  private grow(needed: number): void {
    const next = Math.min(this.maxBytes, Math.max(needed, INITIAL_BODY_BYTES, 2 * this.buffer.byteLength));
    if (!this.budget.take(next - this.buffer.byteLength))
      throw new BodyBudgetExhaustedError(this.budget.totalBytes);
    const grown = new Uint8Array(next);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}

/**
 * Reads the whole body into a GrowingBody whose budget share the caller releases once it is
 * done with the bytes. Throws BodyTooLargeError as soon as the declared or received size passes
 * `limitBytes`, BodyBudgetExhaustedError when the bodies in flight fill `budget`; either way
 * this body's share is given back before the error is thrown.
 */
export async function receiveBody(
  request: IncomingMessage,
  limitBytes: number,
  budget: BodyBudget,
): Promise<GrowingBody> {
  const declared = Number(request.headers['content-length']);
  const hasLength =
    request.headers['content-length'] !== undefined && Number.isSafeInteger(declared) && declared >= 0;
  if (hasLength && declared > limitBytes) throw new BodyTooLargeError(limitBytes);
  // A declared length caps the buffer (so a complete body fills it exactly: one copy of a model
  // in memory, no final trim) but allocates nothing by itself.
  const body = new GrowingBody(hasLength ? declared : limitBytes, budget);
  try {
    for await (const chunk of request as AsyncIterable<Buffer>) {
      // More than declared is the client's error: the same answer as a body over the limit.
      if (hasLength && body.received + chunk.byteLength > declared) throw new BodyTooLargeError(limitBytes);
      body.append(chunk);
    }
  } catch (error) {
    body.release();
    throw error;
  }
  return body;
}

/** The whole body (a budget of its own: for callers that do not share one). */
export async function readBody(
  request: IncomingMessage,
  limitBytes: number,
  budget: BodyBudget = createBodyBudget(limitBytes),
): Promise<Uint8Array> {
  const body = await receiveBody(request, limitBytes, budget);
  body.release();
  return body.bytes();
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A JSON body; `undefined` for an empty one. Throws SyntaxError/TypeError when malformed. */
export async function readJsonBody(
  request: IncomingMessage,
  limitBytes: number,
  budget?: BodyBudget,
): Promise<unknown> {
  const bytes = await readBody(request, limitBytes, budget);
  if (bytes.length === 0) return undefined;
  return JSON.parse(utf8.decode(bytes)) as unknown;
}
