/**
 * Reading an HTTP body into one buffer, bounded: a body that grows past the limit is refused as
 * soon as it does, without reading the rest. The buffer is laid out so that the bytes after
 * `alignFrom` (the binary tensor data after an OIP JSON header) start on an 8-byte boundary, so
 * typed arrays of every element size can be views of it rather than copies. With a budget, the
 * bytes are reserved before they are kept (a declared body's whole size before it is allocated, a
 * chunked one's chunk by chunk), so many bodies at once cannot outgrow a shared bound.
 */
import type { Readable } from 'node:stream';

export interface ReadBodyOptions {
  readonly maxBytes: number;
  /** Content-Length when the sender gave one: the buffer is allocated once, at that size. */
  readonly declaredBytes: number | null;
  /** Offset in the body from which the rest starts 8-byte aligned (0: the body itself). */
  readonly alignFrom: number;
  /** The error to reject with when the body passes `maxBytes` (after `receivedBytes`). */
  readonly tooLarge: (receivedBytes: number) => Error;
  /** The error to reject with when the stream ends, fails or closes early. */
  readonly broken: (reason: string) => Error;
  /** A shared bound on bytes held: nothing is kept that `grow` does not accept. */
  readonly budget?: {
    /** Reserves `bytes` more; false when they do not fit (nothing reserved). */
    readonly grow: (bytes: number) => boolean;
    /** The error to reject with when they do not. */
    readonly exhausted: () => Error;
  };
}

export function readBody(stream: Readable, options: ReadBodyOptions): Promise<Uint8Array> {
  const { maxBytes, declaredBytes, alignFrom } = options;
  const pad = (8 - (alignFrom % 8)) % 8;
  const { budget } = options;
  return new Promise((resolve, reject) => {
    const declaredFits = declaredBytes !== null && declaredBytes <= maxBytes;
    if (declaredFits && budget && !budget.grow(pad + declaredBytes)) {
      // Refused before a byte is read or allocated: the caller answers and closes the connection.
      return reject(budget.exhausted());
    }
    const whole = declaredFits ? new Uint8Array(pad + declaredBytes) : null;
    const chunks: Uint8Array[] = [];
    let received = 0;
    let settled = false;
    const finish = (error: Error | null, body?: Uint8Array): void => {
      if (settled) return;
      settled = true;
      stream.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (error) {
        // Stop reading: the caller answers and closes the connection instead of draining it.
        stream.pause();
        reject(error);
      } else resolve(body!);
    };
    const onData = (chunk: Uint8Array): void => {
      received += chunk.length;
      if (received > maxBytes) return finish(options.tooLarge(received));
      if (whole) {
        if (pad + received > whole.length)
          return finish(options.broken('more bytes than its Content-Length'));
        whole.set(chunk, pad + received - chunk.length);
      } else {
        // The joined copy made at the end is not reserved: the chunks are garbage right after it.
        if (budget && !budget.grow(chunk.length)) return finish(budget.exhausted());
        chunks.push(chunk);
      }
    };
    const onEnd = (): void => {
      if (whole) {
        if (pad + received !== whole.length)
          return finish(options.broken('fewer bytes than its Content-Length'));
        return finish(null, whole.subarray(pad));
      }
      const body = new Uint8Array(pad + received);
      let offset = pad;
      for (const chunk of chunks) {
        body.set(chunk, offset);
        offset += chunk.length;
      }
      finish(null, body.subarray(pad));
    };
    const onError = (error: Error): void => finish(options.broken(error.message));
    const onClose = (): void => finish(options.broken('the connection closed before the body ended'));
    stream.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}
