/** Reading request bodies into memory with a size limit, without trusting Content-Length. */
import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`The request body is larger than ${limitBytes} bytes.`);
  }
}

/**
 * The whole body as one Uint8Array that owns its buffer (so it can be transferred to a worker).
 * Throws BodyTooLargeError as soon as the declared or received size passes `limitBytes`.
 */
export async function readBody(request: IncomingMessage, limitBytes: number): Promise<Uint8Array> {
  const declared = Number(request.headers['content-length']);
  const hasLength =
    request.headers['content-length'] !== undefined && Number.isSafeInteger(declared) && declared >= 0;
  if (hasLength && declared > limitBytes) throw new BodyTooLargeError(limitBytes);
  // With a declared length the body is written straight into its final buffer: one copy of a
  // model in memory, not two.
  const target = hasLength ? new Uint8Array(declared) : undefined;
  const chunks: Uint8Array[] = [];
  let received = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    if (received + chunk.length > (target ? target.length : limitBytes))
      throw new BodyTooLargeError(limitBytes);
    if (target) target.set(chunk, received);
    else chunks.push(chunk);
    received += chunk.length;
  }
  if (target) return received === target.length ? target : target.slice(0, received);
  const body = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.length;
  }
  return body;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A JSON body; `undefined` for an empty one. Throws SyntaxError/TypeError when malformed. */
export async function readJsonBody(request: IncomingMessage, limitBytes: number): Promise<unknown> {
  const bytes = await readBody(request, limitBytes);
  if (bytes.length === 0) return undefined;
  return JSON.parse(utf8.decode(bytes)) as unknown;
}
