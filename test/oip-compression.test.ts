/**
 * Compressed bodies on a tier's wire, as stock OIP clients send them (tritonclient with request and
 * response compression on), over real sockets on 127.0.0.1 with node's http client and
 * samples/resnet-mini.onnx served by onnxruntime-node: gzip and deflate requests, JSON and binary
 * tensor data, are answered equal to a direct onnxruntime run; a gzip answer inflates to the plain
 * one; a zip bomb is refused with 413 without being inflated whole; a corrupt body is 400, an
 * unknown coding 415, and the token is still required.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../core/onnx/random.js';
import {
  decodeInferResponse,
  encodeInferRequest,
  INFERENCE_HEADER_CONTENT_LENGTH,
  type EncodedBody,
} from '../core/runtime/oip/codec.js';
import { createOnnxModel, type OnnxTierModel } from '../core/runtime/oip/onnx-model.js';
import { createTierServer, type TierServer } from '../core/runtime/oip/server.js';
import type { OipTensor } from '../core/runtime/oip/tensor.js';

const SAMPLE = path.resolve(import.meta.dirname, '../samples/resnet-mini.onnx');
const TOKEN = 'tier-compression-token-0123456789';
const MIB = 1024 * 1024;
/** The tier's request limit: a resnet-mini request in JSON is well under it. */
const MAX_REQUEST_BYTES = 2 * MIB;

let model: OnnxTierModel;
let server: TierServer;
let input: OipTensor;
let expected: Float32Array;

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /** The body as received (still compressed when Content-Encoding says so). */
  readonly body: Buffer;
}

/**
 * One request, on its own connection unless `agent` is given; a refused upload's write error after
 * the answer is ignored.
 */
function send(
  method: string,
  urlPath: string,
  body: Buffer | null,
  headers: Record<string, string | number> = {},
  agent: http.Agent | false = false,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(
      `${server.url}${urlPath}`,
      { method, agent, headers: { Authorization: `Bearer ${TOKEN}`, ...headers } },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    // The tier answers a refused body early and closes: writing the rest may then fail (EPIPE).
    req.on('error', (error) => (answered ? undefined : reject(error)));
    req.end(body ?? undefined);
  });
}

const joined = (body: EncodedBody): Buffer => Buffer.concat(body.chunks.map((c) => Buffer.from(c)));

/** An infer request for `input` (binary tensor data both ways, or JSON), with its OIP headers. */
function inferRequest(binary: boolean): { bytes: Buffer; headers: Record<string, string | number> } {
  // Binary both ways, as tritonclient's binary_data=True inputs and outputs send it.
  const encoded = encodeInferRequest(
    { id: `req-${binary}`, inputs: [input], ...(binary ? { parameters: { binary_data_output: true } } : {}) },
    { binary },
  );
  return {
    bytes: joined(encoded),
    headers: {
      'Content-Type': encoded.contentType,
      ...(encoded.headerLength !== null ? { [INFERENCE_HEADER_CONTENT_LENGTH]: encoded.headerLength } : {}),
    },
  };
}

/** The logits of an infer answer, inflating it as its Content-Encoding says. */
function logitsOf(answer: Answer): Float32Array {
  expect(answer.status).toBe(200);
  const coding = answer.headers['content-encoding'];
  const body =
    coding === 'gzip'
      ? zlib.gunzipSync(answer.body)
      : coding === 'deflate'
        ? zlib.inflateSync(answer.body)
        : answer.body;
  const headerText = answer.headers[INFERENCE_HEADER_CONTENT_LENGTH];
  const response = decodeInferResponse(
    new Uint8Array(body.buffer, body.byteOffset, body.length),
    headerText === undefined ? null : Number(headerText),
  );
  const [logits] = response.outputs;
  expect(logits).toMatchObject({ name: 'logits', datatype: 'FP32', shape: [1, 10] });
  const data = logits!.data;
  return data instanceof Float32Array ? data : Float32Array.from(data as unknown as number[]);
}

/** A typed array's own bytes (it may be a view into a larger body). */
const bytesOf = (values: Float32Array): Buffer =>
  Buffer.from(values.buffer, values.byteOffset, values.byteLength);

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  return a.reduce((max, value, i) => Math.max(max, Math.abs(value - b[i]!)), 0);
}

function errorOf(answer: Answer): string {
  return (JSON.parse(answer.body.toString('utf8')) as { error: string }).error;
}

beforeAll(async () => {
  model = await createOnnxModel(SAMPLE);
  server = await createTierServer({
    token: TOKEN,
    maxRequestBytes: MAX_REQUEST_BYTES,
    drainTimeoutMs: 500,
    models: new Map([['resnet', model]]),
  });
  const data = createRandom(14).uniformFloat32(3 * 64 * 64, -1, 1);
  input = { name: 'input', datatype: 'FP32', shape: [1, 3, 64, 64], data };
  const reference = await ort.InferenceSession.create(SAMPLE);
  expected = (await reference.run({ input: new ort.Tensor('float32', data, [1, 3, 64, 64]) }))['logits']!
    .data as Float32Array;
  await reference.release();
});

afterAll(async () => {
  await server?.close();
  await model?.release();
});

describe('compressed request and response bodies', () => {
  it('answers gzip and deflate requests, JSON and binary, equal to onnxruntime', async () => {
    for (const binary of [false, true]) {
      const { bytes, headers } = inferRequest(binary);
      for (const [coding, compress] of [
        ['gzip', zlib.gzipSync],
        ['deflate', zlib.deflateSync],
      ] as const) {
        const compressed = compress(bytes);
        expect(compressed.length).toBeLessThan(bytes.length);
        const answer = await send('POST', '/v2/models/resnet/infer', compressed, {
          ...headers,
          'Content-Encoding': coding,
          'Content-Length': compressed.length,
        });
        expect(answer.headers['content-encoding']).toBeUndefined();
        expect(maxAbsDiff(logitsOf(answer), expected)).toBeLessThanOrEqual(1e-6);
      }
    }
  });

  it('compresses the answer when asked, keeping the binary header length of the uncompressed body', async () => {
    const { bytes, headers } = inferRequest(true);
    const plain = await send('POST', '/v2/models/resnet/infer', bytes, headers);
    const gzipped = await send('POST', '/v2/models/resnet/infer', zlib.gzipSync(bytes), {
      ...headers,
      'Content-Encoding': 'gzip',
      'Accept-Encoding': 'gzip',
    });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers['vary']).toBe('Accept-Encoding');
    expect(Number(gzipped.headers['content-length'])).toBe(gzipped.body.length);
    const inflated = zlib.gunzipSync(gzipped.body);
    const headerLength = Number(gzipped.headers[INFERENCE_HEADER_CONTENT_LENGTH]);
    // The JSON header ends where the header says, in the inflated body: the binary logits follow.
    expect(inflated.length).toBe(headerLength + 10 * 4);
    expect(JSON.parse(inflated.subarray(0, headerLength).toString('utf8'))).toMatchObject({
      model_name: 'resnet',
      outputs: [{ name: 'logits', parameters: { binary_data_size: 40 } }],
    });
    // Equal to the plain answer's logits, bit for bit.
    expect(bytesOf(logitsOf(gzipped))).toEqual(bytesOf(logitsOf(plain)));
    expect(plain.headers['content-encoding']).toBeUndefined();

    const deflated = await send('POST', '/v2/models/resnet/infer', bytes, {
      ...headers,
      'Accept-Encoding': 'gzip;q=0, deflate',
    });
    expect(deflated.headers['content-encoding']).toBe('deflate');
    expect(maxAbsDiff(logitsOf(deflated), expected)).toBeLessThanOrEqual(1e-6);
  });

  it('refuses a zip bomb with 413 as soon as it inflates past the limit, without holding it', async () => {
    // 16 gzip members of 64 MiB of zeros each: about 1 MiB that inflates to 1 GiB.
    const member = zlib.gzipSync(Buffer.alloc(64 * MIB), { level: 9 });
    const bomb = Buffer.concat(Array.from({ length: 16 }, () => member));
    expect(bomb.length).toBeLessThan(MAX_REQUEST_BYTES);
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 1);
    let answer: Answer;
    try {
      answer = await send('POST', '/v2/models/resnet/infer', bomb, {
        'Content-Type': 'application/json',
        'Content-Encoding': 'gzip',
        'Content-Length': bomb.length,
      });
    } finally {
      clearInterval(sample);
    }
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    expect(answer.status).toBe(413);
    expect(errorOf(answer)).toMatch(
      /^The request body inflates to at least \d+ bytes; this tier accepts at most 2097152\./,
    );
    // What was inflated is given back, and never more than the limit plus a chunk was held.
    expect(server.stats().bodyBytesInFlight).toBe(0);
    expect(peak - before).toBeLessThan(16 * MIB);
  });

  it('refuses a compressed body streamed past the limit, counting its compressed bytes', async () => {
    // Random bytes do not compress: gzip stores them with block headers, so the compressed bytes
    // pass the limit before (or as) the inflated ones do.
    const noise = randomBytes(3 * MIB);
    const compressed = zlib.gzipSync(noise);
    expect(compressed.length).toBeGreaterThan(noise.length);
    const answer = await send('POST', '/v2/models/resnet/infer', compressed, {
      'Content-Type': 'application/json',
      'Content-Encoding': 'gzip',
      // No Content-Length: the tier learns the size only by reading.
      'Transfer-Encoding': 'chunked',
    });
    expect(answer.status).toBe(413);
    expect(errorOf(answer)).toMatch(
      /^The compressed request body is at least \d+ bytes; this tier accepts at most 2097152\./,
    );
    expect(server.stats().bodyBytesInFlight).toBe(0);
  });

  it('answers 400 for a corrupt gzip body and 415 for a coding it cannot read', async () => {
    const { bytes, headers } = inferRequest(false);
    const gzipped = zlib.gzipSync(bytes);
    // A flipped byte in the deflate data: the stream or its CRC no longer checks.
    const corrupt = Buffer.from(gzipped);
    corrupt[Math.floor(corrupt.length / 2)]! ^= 0xff;
    for (const body of [corrupt, Buffer.from('{"inputs": []} not gzip at all')]) {
      const answer = await send('POST', '/v2/models/resnet/infer', body, {
        ...headers,
        'Content-Encoding': 'gzip',
      });
      expect(answer.status).toBe(400);
      expect(errorOf(answer)).toMatch(
        /^The request body is not valid gzip data \(.+\); send it compressed whole/,
      );
    }
    for (const coding of ['br', 'gzip, gzip', 'compress']) {
      const answer = await send('POST', '/v2/models/resnet/infer', gzipped, {
        ...headers,
        'Content-Encoding': coding,
      });
      expect(answer.status).toBe(415);
      expect(errorOf(answer)).toBe(
        `This tier reads request bodies sent with Content-Encoding gzip or deflate (or none), not "${coding}"; send the body in one of those.`,
      );
    }
    // A kept-alive connection serves on after a large corrupt body: the tier reads past its rest.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const opened = server.stats().connectionsOpened;
      const garbage = zlib.gzipSync(randomBytes(MIB));
      garbage[2] = 0x07; // gzip's compression method byte: only 8 (deflate) exists.
      const refused = await send(
        'POST',
        '/v2/models/resnet/infer',
        garbage,
        { ...headers, 'Content-Encoding': 'gzip' },
        agent,
      );
      expect(refused.status).toBe(400);
      expect(errorOf(refused)).toMatch(/^The request body is not valid gzip data/);
      const next = await send(
        'POST',
        '/v2/models/resnet/infer',
        gzipped,
        { ...headers, 'Content-Encoding': 'gzip' },
        agent,
      );
      expect(maxAbsDiff(logitsOf(next), expected)).toBeLessThanOrEqual(1e-6);
      expect(server.stats().connectionsOpened - opened).toBe(1);
    } finally {
      agent.destroy();
    }
    // The tier serves on after each refusal.
    const ok = await send('POST', '/v2/models/resnet/infer', gzipped, {
      ...headers,
      'Content-Encoding': 'gzip',
    });
    expect(maxAbsDiff(logitsOf(ok), expected)).toBeLessThanOrEqual(1e-6);
  });

  it('still needs the token for a compressed request', async () => {
    const { bytes, headers } = inferRequest(false);
    const answer = await send('POST', '/v2/models/resnet/infer', zlib.gzipSync(bytes), {
      ...headers,
      'Content-Encoding': 'gzip',
      Authorization: 'Bearer wrong-token',
    });
    expect(answer.status).toBe(401);
    expect(errorOf(answer)).toBe('The bearer token does not match this tier’s shared token.');
  });
});
