/** Writing OIP bodies to an HTTP response: JSON objects, error objects and encoded infer bodies. */
import { STATUS_CODES, type ServerResponse } from 'node:http';
import { INFERENCE_HEADER_CONTENT_LENGTH, type EncodedBody } from './codec.js';
import { compress, type ContentCoding } from './content-encoding.js';

/** Writes an encoded body: headers, the JSON, then each binary chunk (corked: one write to the socket). */
export function sendBody(res: ServerResponse, status: number, body: EncodedBody): void {
  res.statusCode = status;
  res.setHeader('Content-Type', body.contentType);
  res.setHeader('Content-Length', body.byteLength);
  if (body.headerLength !== null) res.setHeader(INFERENCE_HEADER_CONTENT_LENGTH, body.headerLength);
  res.cork();
  for (const chunk of body.chunks) res.write(chunk);
  res.end();
}

/**
 * Writes an encoded body compressed in `coding` (as `sendBody` when null). The binary extension's
 * Inference-Header-Content-Length stays the JSON's length in the uncompressed body, where the
 * client finds it after inflating.
 */
export async function sendBodyIn(
  res: ServerResponse,
  status: number,
  body: EncodedBody,
  coding: ContentCoding | null,
): Promise<void> {
  if (coding === null) return sendBody(res, status, body);
  const compressed = await compress(body.chunks, coding);
  res.setHeader('Content-Encoding', coding);
  // Caches between client and tier must not hand a compressed answer to a client that did not ask.
  res.setHeader('Vary', 'Accept-Encoding');
  sendBody(res, status, { ...body, chunks: [compressed], byteLength: compressed.length });
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const text = Buffer.from(JSON.stringify(value));
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', text.length);
  res.end(text);
}

/**
 * A whole HTTP/1.1 error answer with an OIP error body, as bytes to write straight to a socket,
 * for failures Node's parser reports before there is a request to answer.
 */
export function rawErrorResponse(status: number, message: string): Buffer {
  const body = JSON.stringify({ error: message });
  return Buffer.from(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
