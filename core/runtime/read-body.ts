/**
 * Reading an HTTP body into one buffer, bounded: a body that grows past the limit is refused as
 * soon as it does, without reading the rest. The buffer is laid out so that the bytes after
 * `alignFrom` (the binary tensor data after an OIP JSON header) start on an 8-byte boundary, so
 * typed arrays of every element size can be views of it rather than copies. With a budget, bytes
 * are reserved as they arrive, never for a declared length up front: a peer that declares a large
 * body and sends a few bytes holds a few bytes, not the declaration. With a minimum rate, a body
 * that stops arriving is cut instead of holding its connection and reservation until the
 * request timeout.
 */
import type { Readable } from 'node:stream';

export interface ReadBodyOptions {
  readonly maxBytes: number;
  /** Content-Length when the sender gave one: the buffer grows toward it and ends at that size. */
  readonly declaredBytes: number | null;
  /** Offset in the body from which the rest starts 8-byte aligned (0: the body itself). */
  readonly alignFrom: number;
  /** The error to reject with when the body passes `maxBytes` (after `receivedBytes`). */
  readonly tooLarge: (receivedBytes: number) => Error;
  /** The error to reject with when the stream ends, fails or closes early. */
  readonly broken: (reason: string) => Error;
  /**
   * The error to reject with when the stream fails with `error`; default `broken(error.message)`.
   * An inflating stream fails with errors that already say what went wrong (a corrupt body).
   */
  readonly failed?: (error: Error) => Error;
  /** A shared bound on bytes held: nothing is kept that `grow` does not accept. */
  readonly budget?: {
    /** Reserves `bytes` more; false when they do not fit (nothing reserved). */
    readonly grow: (bytes: number) => boolean;
    /** The error to reject with when they do not. */
    readonly exhausted: () => Error;
  };
  /** The least rate a body must keep arriving at; a slower one is cut with `tooSlow`. */
  readonly minRate?: MinReceiveRate;
}

export interface MinReceiveRate {
  readonly bytesPerS: number;
  /**
   * The window the rate is measured over, ms: each window must bring `bytesPerS × windowMs / 1000`
   * bytes (the last one excepted). The first window is also the grace a sender has to start.
   */
  readonly windowMs: number;
  /** The error to reject with, given the bytes received so far. */
  readonly tooSlow: (receivedBytes: number) => Error;
}

/**
 * The first buffer a declared body gets, bytes; it doubles as bytes arrive, up to the declared
 * length. Doubling copies each byte at most once more on average and keeps the reservation within
 * twice what has arrived, where allocating the declaration up front let a peer hold it for free.
 */
const FIRST_BUFFER_BYTES = 64 * 1024;

/**
 * A window whose timer fired this many times its length late measured a blocked event loop (a
 * long decode or a garbage collection), not the sender: the bytes waiting in the socket were not
 * yet delivered, so that window is not judged.
 */
const LATE_WINDOW_FACTOR = 1.5;

export function readBody(stream: Readable, options: ReadBodyOptions): Promise<Uint8Array> {
  const { maxBytes, declaredBytes, alignFrom, budget, minRate } = options;
  const pad = (8 - (alignFrom % 8)) % 8;
  return new Promise((resolve, reject) => {
    const declaredFits = declaredBytes !== null && declaredBytes <= maxBytes;
    const wholeBytes = declaredFits ? pad + declaredBytes : 0;
    // A declared body's buffer: grown by doubling, so at most twice what arrived is reserved.
    let whole: Uint8Array | null = null;
    const chunks: Uint8Array[] = [];
    let received = 0;
    let settled = false;
    let windowStart = Date.now();
    let windowBytes = 0;
    const rateTimer =
      minRate === undefined
        ? null
        : setInterval(() => {
            const now = Date.now();
            const elapsed = now - windowStart;
            const late = elapsed > LATE_WINDOW_FACTOR * minRate.windowMs;
            const wanted = (minRate.bytesPerS * minRate.windowMs) / 1000;
            if (!late && windowBytes < wanted) return finish(minRate.tooSlow(received));
            windowStart = now;
            windowBytes = 0;
          }, minRate.windowMs);
    const finish = (error: Error | null, body?: Uint8Array): void => {
      if (settled) return;
      settled = true;
      if (rateTimer) clearInterval(rateTimer);
      stream.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (error) {
        // Stop reading: the caller answers and closes the connection instead of draining it.
        stream.pause();
        reject(error);
      } else resolve(body!);
    };
    /** Makes room for `needed` bytes in the declared body's buffer; false when refused. */
    const ensure = (needed: number): boolean => {
      const capacity = whole?.length ?? 0;
      if (needed <= capacity) return true;
      // Without a budget (a response the caller asked for) the declared size is trusted at once.
      let next = Math.max(capacity, Math.min(wholeBytes, budget ? FIRST_BUFFER_BYTES : wholeBytes));
      while (next < needed) next = Math.min(wholeBytes, next * 2);
      if (budget && !budget.grow(next - capacity)) return false;
      const grown = new Uint8Array(next);
      if (whole) grown.set(whole);
      whole = grown;
      return true;
    };
    const onData = (chunk: Uint8Array): void => {
      const before = received;
      received += chunk.length;
      windowBytes += chunk.length;
      if (received > maxBytes) return finish(options.tooLarge(received));
      if (declaredFits) {
        if (pad + received > wholeBytes) return finish(options.broken('more bytes than its Content-Length'));
        if (!ensure(pad + received)) return finish(budget!.exhausted());
        whole!.set(chunk, pad + before);
      } else {
        // The joined copy made at the end is not reserved: the chunks are garbage right after it.
        if (budget && !budget.grow(chunk.length)) return finish(budget.exhausted());
        chunks.push(chunk);
      }
    };
    const onEnd = (): void => {
      if (declaredFits) {
        if (pad + received !== wholeBytes)
          return finish(options.broken('fewer bytes than its Content-Length'));
        // An empty declared body never grew a buffer.
        if (!whole && !ensure(wholeBytes)) return finish(budget!.exhausted());
        return finish(null, (whole ?? new Uint8Array(wholeBytes)).subarray(pad));
      }
      const body = new Uint8Array(pad + received);
      let offset = pad;
      for (const chunk of chunks) {
        body.set(chunk, offset);
        offset += chunk.length;
      }
      finish(null, body.subarray(pad));
    };
    const onError = (error: Error): void =>
      finish(options.failed ? options.failed(error) : options.broken(error.message));
    const onClose = (): void => finish(options.broken('the connection closed before the body ended'));
    stream.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}
