/**
 * HTTP content codings on the tier's wire (RFC 9110 §8.4): stock OIP clients compress with gzip or
 * deflate (tritonclient's `request_compression_algorithm` / `response_compression_algorithm`).
 * A compressed request body is inflated as a stream, so the tier's body limit and budget count the
 * inflated bytes as they come out and a small body that inflates to gigabytes (a zip bomb) is cut
 * as soon as it passes the limit; the compressed bytes are bounded by the same limit.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { quoteName } from '../../text/quote-name.js';
import { OipError } from './errors.js';

export type ContentCoding = 'gzip' | 'deflate';

/** Status for a body in a coding the tier cannot read (415 Unsupported Media Type, RFC 9110 §15.5.16). */
const UNSUPPORTED_STATUS = 415;

/**
 * The coding of a request body from its Content-Encoding header: null for none (or `identity`).
 *
 * @throws OipError 415 for any other coding, or for more than one.
 */
export function requestCoding(header: string | undefined): ContentCoding | null {
  if (header === undefined) return null;
  const codings = header
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  if (codings.length === 0) return null;
  const [only] = codings;
  // x-gzip is gzip's old name, which RFC 9110 asks recipients to treat as gzip.
  const coding = only === 'x-gzip' ? 'gzip' : only;
  if (codings.length === 1 && (coding === 'gzip' || coding === 'deflate')) return coding;
  throw new OipError(
    `This tier reads request bodies sent with Content-Encoding gzip or deflate (or none), not ${quoteName(header)}; send the body in one of those.`,
    UNSUPPORTED_STATUS,
  );
}

/** A request body's inflated stream, and how to stop reading it once it is refused. */
export interface InflatedBody {
  readonly stream: Readable;
  /** Stops inflating the compressed body and frees the inflater. */
  stop(): void;
  /** The error to answer for the stream's failure: zlib's own (a bad header, a wrong checksum) is a 400. */
  explain(error: Error): OipError;
}

/**
 * Inflates `req`'s body as it arrives. The stream fails with an OipError: 413 once the compressed
 * bytes pass `maxCompressedBytes` (a peer that streams without Content-Length), 400 when the bytes
 * are not valid in their coding (see `explain`), or when the connection closes before the body ends.
 */
export function inflateBody(
  req: IncomingMessage,
  coding: ContentCoding,
  maxCompressedBytes: number,
): InflatedBody {
  const inflater = coding === 'gzip' ? zlib.createGunzip() : zlib.createInflate();
  const fail = (error: OipError): void => {
    req.unpipe(inflater);
    inflater.destroy(error);
  };
  let compressedBytes = 0;
  const onData = (chunk: Buffer): void => {
    compressedBytes += chunk.length;
    if (compressedBytes > maxCompressedBytes) {
      fail(
        new OipError(
          `The compressed request body is at least ${compressedBytes} bytes; this tier accepts at most ${maxCompressedBytes}. Send smaller tensors or raise the tier's request limit.`,
          413,
        ),
      );
    }
  };
  const onClose = (): void => {
    if (!req.complete)
      fail(new OipError('The request body broke off: the connection closed before the body ended.'));
  };
  req.on('data', onData).once('close', onClose);
  req.pipe(inflater);
  return {
    stream: inflater,
    stop() {
      req.off('data', onData).off('close', onClose);
      req.unpipe(inflater);
      // The rest is read and dropped: a kept-alive connection's next request follows it. Where it
      // must not be read (too large, too slow, a busy tier) the server closes the connection.
      req.resume();
      inflater.destroy();
    },
    explain: (error) =>
      error instanceof OipError
        ? error
        : new OipError(
            `The request body is not valid ${coding} data (${error.message}); send it compressed whole, or without Content-Encoding.`,
            400,
            { cause: error },
          ),
  };
}

/**
 * The coding to compress a response in, from the request's Accept-Encoding: gzip when accepted,
 * else deflate, else null (a coding given `q=0` is refused, RFC 9110 §12.5.3).
 */
export function responseCoding(header: string | undefined): ContentCoding | null {
  if (header === undefined) return null;
  const accepted = new Set<string>();
  for (const item of header.split(',')) {
    const [name, ...params] = item.split(';').map((part) => part.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    if (q !== undefined && !(Number(q.slice(2)) > 0)) continue;
    if (name) accepted.add(name === 'x-gzip' ? 'gzip' : name);
  }
  if (accepted.has('gzip')) return 'gzip';
  if (accepted.has('deflate')) return 'deflate';
  return null;
}

/** `chunks` compressed in `coding`, off the event loop's thread (zlib's thread pool). */
export function compress(chunks: readonly Uint8Array[], coding: ContentCoding): Promise<Buffer> {
  const whole = Buffer.concat(chunks);
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, result: Buffer): void => (error ? reject(error) : resolve(result));
    if (coding === 'gzip') zlib.gzip(whole, done);
    else zlib.deflate(whole, done);
  });
}
