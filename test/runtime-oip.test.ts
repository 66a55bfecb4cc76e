/**
 * The tier runtime's Open Inference Protocol server and client over real sockets on 127.0.0.1,
 * serving samples/resnet-mini.onnx with onnxruntime-node: answers equal a direct onnxruntime run,
 * the token is enforced, every bad request gets an OIP error body and the server goes on serving,
 * oversized bodies are refused unread, unreachable tiers are reported by URL, 1,000 requests
 * from 8 kept-alive clients all succeed, and close() lets requests in flight finish.
 */
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CutlineError } from '../core/errors.js';
import { createRandom } from '../core/onnx/random.js';
import { createTierClient, type TierClient } from '../core/runtime/oip/client.js';
import { TierError } from '../core/runtime/oip/errors.js';
import type { TierModel } from '../core/runtime/oip/model.js';
import { createOnnxModel, type OnnxTierModel } from '../core/runtime/oip/onnx-model.js';
import { createTierServer, type TierServer } from '../core/runtime/oip/server.js';
import type { OipTensor } from '../core/runtime/oip/tensor.js';

const SAMPLE = path.resolve(import.meta.dirname, '../samples/resnet-mini.onnx');
const TOKEN = 'tier-shared-token-0123456789';
const MAX_REQUEST_BYTES = 1024 * 1024;

let model: OnnxTierModel;
let server: TierServer;
let client: TierClient;
let input: OipTensor;
let expected: Float32Array;
/** Resolves the slow model's pending inferences. */
let releaseSlow: () => void = () => undefined;
/** Called when the slow model starts an inference. */
let slowStarted: () => void = () => undefined;

const logits: { name: string; datatype: 'FP32'; shape: number[] } = {
  name: 'logits',
  datatype: 'FP32',
  shape: [1, 10],
};

/** A model that fails, to see a 500 and the server carry on. */
const broken: TierModel = {
  inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 64, 64] }],
  outputs: [logits],
  infer: () => Promise.reject(new Error('the kernel ran out of memory')),
};

/** A model that answers only when the test lets it (for timeouts and draining). */
function slowModel(): TierModel {
  return {
    inputs: [{ name: 'x', datatype: 'FP32', shape: [-1] }],
    outputs: [{ name: 'x', datatype: 'FP32', shape: [-1] }],
    infer(inputs) {
      return new Promise((resolve) => {
        releaseSlow = () => resolve({ outputs: [inputs[0]!] });
        slowStarted();
      });
    },
  };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

async function goodInfer(): Promise<void> {
  const result = await client.infer('resnet', [input]);
  expect(maxAbsDiff(result.outputs[0]!.data as Float32Array, expected)).toBeLessThanOrEqual(1e-6);
}

interface RawAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly json: { error?: string; [key: string]: unknown };
}

/** One request on its own connection, bypassing the client (to send what the client never would). */
function raw(
  method: string,
  urlPath: string,
  options: { headers?: Record<string, string | number>; body?: Uint8Array | string } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        method,
        path: urlPath,
        headers: options.headers ?? {},
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            json: JSON.parse(Buffer.concat(chunks).toString()),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const auth = { authorization: `Bearer ${TOKEN}` };
const jsonInfer = (body: unknown, modelName = 'resnet'): Promise<RawAnswer> =>
  raw('POST', `/v2/models/${modelName}/infer`, {
    headers: { ...auth, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

async function tierErrorOf(action: Promise<unknown>): Promise<TierError> {
  const error = await action.then(
    () => new Error('expected a TierError'),
    (e: unknown) => e,
  );
  if (!(error instanceof TierError)) throw error;
  return error;
}

async function cutlineErrorOf(action: Promise<unknown>): Promise<CutlineError> {
  const error = await action.then(
    () => new Error('expected a CutlineError'),
    (e: unknown) => e,
  );
  if (!(error instanceof CutlineError)) throw error;
  return error;
}

beforeAll(async () => {
  model = await createOnnxModel(SAMPLE);
  server = await createTierServer({
    host: '127.0.0.1',
    port: 0,
    token: TOKEN,
    maxRequestBytes: MAX_REQUEST_BYTES,
    models: new Map<string, TierModel>([
      ['resnet', model],
      ['broken', broken],
      ['slow', slowModel()],
    ]),
  });
  client = createTierClient({ baseUrl: server.url, token: TOKEN, timeoutMs: 30_000, binary: true });
  const data = createRandom(7).uniformFloat32(3 * 64 * 64, -1, 1);
  input = { name: 'input', datatype: 'FP32', shape: [1, 3, 64, 64], data };
  const reference = await ort.InferenceSession.create(SAMPLE);
  expected = (await reference.run({ input: new ort.Tensor('float32', data, [1, 3, 64, 64]) }))['logits']!
    .data as Float32Array;
  await reference.release();
});

afterAll(async () => {
  releaseSlow();
  client?.close();
  await server?.close();
  await model?.release();
});

describe('tier server and client over loopback', () => {
  it('serves resnet-mini as JSON and binary, equal to a direct onnxruntime run', async () => {
    for (const binary of [false, true]) {
      const result = await client.infer('resnet', [input], { binary, id: `req-${binary}` });
      expect(result.modelName).toBe('resnet');
      expect(result.id).toBe(`req-${binary}`);
      const [out] = result.outputs;
      expect(out).toMatchObject({ name: 'logits', datatype: 'FP32', shape: [1, 10] });
      const diff = maxAbsDiff(out!.data as Float32Array, expected);
      const server = result.timings.server!;
      for (const ms of [
        server.receiveMs,
        server.decodeMs,
        server.queueMs,
        server.computeMs,
        server.encodeMs,
      ]) {
        expect(ms).toBeGreaterThanOrEqual(0);
      }
      console.log(
        `${binary ? 'binary' : 'JSON  '}: max |served − direct| = ${diff}; request ${result.timings.requestBytes} B, response ${result.timings.responseBytes} B; server compute ${server.computeMs.toFixed(2)} ms`,
      );
      expect(diff).toBeLessThanOrEqual(1e-6);
    }
    // Binary is the raw 4 bytes per element plus a short header; JSON writes each value as text.
    const binaryBytes = (await client.infer('resnet', [input])).timings.requestBytes;
    expect(binaryBytes).toBeLessThan(3 * 64 * 64 * 4 + 512);
  });

  it('returns only the outputs asked for, in JSON when the output asks so', async () => {
    const answer = await jsonInfer({
      id: 'only-logits',
      inputs: [
        { name: 'input', shape: [1, 3, 64, 64], datatype: 'FP32', data: [...(input.data as Float32Array)] },
      ],
      outputs: [{ name: 'logits', parameters: { binary_data: false } }],
    });
    expect(answer.status).toBe(200);
    expect(answer.json['id']).toBe('only-logits');
    const [out] = answer.json['outputs'] as { name: string; data: number[] }[];
    expect(out!.name).toBe('logits');
    expect(maxAbsDiff(Float32Array.from(out!.data), expected)).toBeLessThanOrEqual(1e-6);
    expect(
      Object.keys((answer.json['parameters'] as Record<string, object>)['cutline_timings']!).sort(),
    ).toEqual(['compute_ms', 'decode_ms', 'encode_ms', 'queue_ms', 'receive_ms']);
  });

  it('answers health, readiness and metadata', async () => {
    const live = await raw('GET', '/v2/health/live');
    expect(live).toMatchObject({ status: 200, json: { live: true } });
    expect(await client.live()).toBe(true);
    expect(await client.ready()).toBe(true);
    expect(await client.ready('resnet')).toBe(true);
    const metadata = await client.metadata('resnet');
    expect(metadata).toEqual({
      name: 'resnet',
      platform: 'onnx_onnxv1',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 3, 64, 64] }],
      outputs: [{ name: 'logits', datatype: 'FP32', shape: [1, 10] }],
    });
    const serverMetadata = await raw('GET', '/v2', { headers: auth });
    expect(serverMetadata.json['extensions']).toContain('binary_tensor_data');
  });

  it('answers a missing or wrong token with 401 and an OIP error, then serves the next good request', async () => {
    const missing = await raw('GET', '/v2/health/ready');
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    expect(missing.json.error).toMatch(/needs an Authorization: Bearer <token> header/);
    for (const token of ['wrong', `${TOKEN.slice(0, -1)}X`, `${TOKEN}-longer`]) {
      const intruder = createTierClient({ baseUrl: server.url, token });
      const error = await tierErrorOf(intruder.infer('resnet', [input]));
      expect(error.status).toBe(401);
      expect(error.code).toBe('TIER_ERROR');
      expect(error.serverMessage).toMatch(/bearer token does not match/);
      expect(error.message).toContain(server.url);
      const metadata = await tierErrorOf(intruder.metadata('resnet'));
      expect(metadata.status).toBe(401);
      intruder.close();
      await goodInfer();
    }
  });

  it('answers malformed requests with 4xx OIP errors naming the fault, and keeps serving', async () => {
    const header = JSON.stringify({
      inputs: [
        { name: 'input', shape: [1, 3, 64, 64], datatype: 'FP32', parameters: { binary_data_size: 49152 } },
      ],
    });
    const binaryBody = (bytes: number): Buffer => Buffer.concat([Buffer.from(header), Buffer.alloc(bytes)]);
    const cases: [string, () => Promise<RawAnswer>, number, RegExp][] = [
      ['malformed JSON', () => jsonInfer('{"inputs": [{"name": '), 400, /not valid JSON/],
      [
        'too few binary bytes',
        () =>
          raw('POST', '/v2/models/resnet/infer', {
            headers: { ...auth, 'inference-header-content-length': header.length },
            body: binaryBody(1000),
          }),
        400,
        /Input "input" declares binary_data_size 49152, but only 1000 bytes/,
      ],
      [
        'more binary bytes than declared',
        () =>
          raw('POST', '/v2/models/resnet/infer', {
            headers: { ...auth, 'inference-header-content-length': header.length },
            body: binaryBody(49152 + 3),
          }),
        400,
        /49155 bytes of binary tensor data after its JSON, but the inputs declare 49152/,
      ],
      [
        'a header length that is not a number',
        () =>
          raw('POST', '/v2/models/resnet/infer', {
            headers: { ...auth, 'inference-header-content-length': 'lots' },
            body: binaryBody(49152),
          }),
        400,
        /Inference-Header-Content-Length header must be a whole number/,
      ],
      [
        'a wrong shape',
        () =>
          jsonInfer({
            inputs: [{ name: 'input', shape: [1, 3, 2, 2], datatype: 'FP32', data: new Array(12).fill(0) }],
          }),
        400,
        /Input "input" has shape \[1, 3, 2, 2\], but model "resnet" takes \[1, 3, 64, 64\]/,
      ],
      [
        'a wrong datatype',
        () =>
          jsonInfer({
            inputs: [
              { name: 'input', shape: [1, 3, 64, 64], datatype: 'FP64', data: new Array(12288).fill(0) },
            ],
          }),
        400,
        /Input "input" is FP64, but model "resnet" takes FP32/,
      ],
      ['a missing input', () => jsonInfer({ inputs: [] }), 400, /needs input "input"/],
      [
        'an input the model does not have',
        () =>
          jsonInfer({
            inputs: [
              { name: 'input', shape: [1, 3, 64, 64], datatype: 'FP32', data: new Array(12288).fill(0) },
              { name: 'mask', shape: [1], datatype: 'BOOL', data: [true] },
            ],
          }),
        400,
        /Model "resnet" has no input "mask"; its inputs are "input"/,
      ],
      [
        'an output the model does not have',
        () =>
          jsonInfer({
            inputs: [
              { name: 'input', shape: [1, 3, 64, 64], datatype: 'FP32', data: new Array(12288).fill(0) },
            ],
            outputs: [{ name: 'features' }],
          }),
        400,
        /Model "resnet" has no output "features"; its outputs are "logits"/,
      ],
      [
        'an unknown model',
        () => jsonInfer({ inputs: [] }, 'vgg'),
        404,
        /serves no model "vgg"; it serves "resnet", "broken", "slow"/,
      ],
      [
        'an unknown version',
        () => raw('GET', '/v2/models/resnet/versions/9', { headers: auth }),
        404,
        /no version "9"/,
      ],
      [
        'an unknown path',
        () => raw('GET', '/v3/models', { headers: auth }),
        404,
        /No Open Inference Protocol route/,
      ],
      [
        'the wrong method',
        () => raw('GET', '/v2/models/resnet/infer', { headers: auth }),
        405,
        /takes POST, not GET/,
      ],
    ];
    for (const [what, send, status, message] of cases) {
      const answer = await send();
      expect({ what, status: answer.status }).toEqual({ what, status });
      expect(answer.headers['content-type']).toBe('application/json');
      expect(answer.json.error).toMatch(message);
      await goodInfer();
    }
    // The client's own bad tensor (wrong shape) arrives as a TierError with the server's sentence.
    const wrong = await tierErrorOf(client.infer('resnet', [{ ...input, shape: [3, 64, 64] }]));
    expect(wrong.status).toBe(400);
    expect(wrong.serverMessage).toMatch(/Input "input" has shape \[3, 64, 64\]/);
    await goodInfer();
  });

  it('answers a failing model with a 500 carrying its message, and keeps serving', async () => {
    const error = await tierErrorOf(client.infer('broken', [input]));
    expect(error.status).toBe(500);
    expect(error.serverMessage).toBe('Model "broken" failed: the kernel ran out of memory');
    await goodInfer();
  });

  it('refuses an oversized body with 413 without reading it, and closes that connection', async () => {
    const before = server.stats().errors[413] ?? 0;
    // Declared too large: answered from the headers, and the connection is closed (no hanging socket).
    const declared = await exchangeOnSocket(
      `POST /v2/models/resnet/infer HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: ${64 * MAX_REQUEST_BYTES}\r\n\r\n`,
      () => Buffer.alloc(64 * 1024),
    );
    expect(declared.response).toMatch(/^HTTP\/1\.1 413 /);
    expect(declared.response).toMatch(
      /"error":"The request body is 67108864 bytes; this tier accepts at most 1048576\./,
    );
    expect(declared.closedByServer).toBe(true);
    // Chunked, no length: counted while streaming and refused as soon as it passes the limit.
    const chunked = await exchangeOnSocket(
      `POST /v2/models/resnet/infer HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nTransfer-Encoding: chunked\r\n\r\n`,
      () => Buffer.concat([Buffer.from('10000\r\n'), Buffer.alloc(0x10000), Buffer.from('\r\n')]),
    );
    expect(chunked.response).toMatch(/^HTTP\/1\.1 413 /);
    expect(chunked.response).toMatch(
      /"error":"The request body is at least \d+ bytes; this tier accepts at most 1048576\./,
    );
    expect(chunked.closedByServer).toBe(true);
    // The answer came before the sender had pushed its whole body (it stops sending on the answer).
    expect(declared.sentBytes).toBeLessThan(64 * MAX_REQUEST_BYTES);
    console.log(
      `413: answered while the sender had written ${declared.sentBytes} of ${64 * MAX_REQUEST_BYTES} declared bytes (chunked: ${chunked.sentBytes}); limit ${MAX_REQUEST_BYTES}`,
    );
    // Through the client: a 2 MiB tensor.
    const big: OipTensor = {
      name: 'x',
      datatype: 'FP32',
      shape: [512 * 1024],
      data: new Float32Array(512 * 1024),
    };
    const error = await tierErrorOf(client.infer('slow', [big]));
    expect(error.status).toBe(413);
    expect(server.stats().errors[413]).toBe(before + 3);
    await goodInfer();
  });

  it('reports a refused, reset or silent tier as TIER_UNREACHABLE naming its URL', async () => {
    const closed = await freePort();
    const refused = createTierClient({ baseUrl: `http://127.0.0.1:${closed}`, token: TOKEN });
    const refusal = await cutlineErrorOf(refused.infer('resnet', [input]));
    expect(refusal.code).toBe('TIER_UNREACHABLE');
    expect(refusal.message).toBe(
      `The tier at http://127.0.0.1:${closed} refused the connection (ECONNREFUSED). Check that it is running and listening at that address.`,
    );
    await expect(refused.ready()).rejects.toMatchObject({ code: 'TIER_UNREACHABLE' });
    refused.close();

    const resetter = net.createServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    await new Promise<void>((resolve) => resetter.listen(0, '127.0.0.1', resolve));
    const resetPort = (resetter.address() as net.AddressInfo).port;
    const reset = createTierClient({ baseUrl: `http://127.0.0.1:${resetPort}`, token: TOKEN });
    const resetError = await cutlineErrorOf(reset.infer('resnet', [input]));
    expect(resetError.code).toBe('TIER_UNREACHABLE');
    expect(resetError.message).toMatch(
      new RegExp(
        `^The tier at http://127\\.0\\.0\\.1:${resetPort} closed the connection before answering \\(ECONNRESET\\)`,
      ),
    );
    reset.close();
    await new Promise((resolve) => resetter.close(resolve));

    const impatient = createTierClient({ baseUrl: server.url, token: TOKEN, timeoutMs: 300 });
    const x: OipTensor = { name: 'x', datatype: 'FP32', shape: [2], data: Float32Array.of(1, 2) };
    const timeout = await cutlineErrorOf(impatient.infer('slow', [x]));
    expect(timeout.code).toBe('TIER_UNREACHABLE');
    expect(timeout.message).toBe(`The tier at ${server.url} did not answer within 300 ms.`);
    releaseSlow();
    impatient.close();
    await goodInfer();
  });

  it('completes 1,000 requests from 8 concurrent kept-alive clients with zero errors', async () => {
    const clients = Array.from({ length: 8 }, () => createTierClient({ baseUrl: server.url, token: TOKEN }));
    const connectionsBefore = server.stats().connectionsOpened;
    const perClient = 125;
    let errors = 0;
    let worstDiff = 0;
    const started = performance.now();
    await Promise.all(
      clients.map(async (c, k) => {
        for (let i = 0; i < perClient; i++) {
          try {
            const result = await c.infer('resnet', [input], { id: `${k}-${i}` });
            if (result.id !== `${k}-${i}`) errors++;
            worstDiff = Math.max(worstDiff, maxAbsDiff(result.outputs[0]!.data as Float32Array, expected));
          } catch {
            errors++;
          }
        }
      }),
    );
    const wallMs = performance.now() - started;
    const connections = server.stats().connectionsOpened - connectionsBefore;
    console.log(
      `1000 requests, 8 clients: ${wallMs.toFixed(0)} ms wall, ${(1000 / (wallMs / 1000)).toFixed(0)} requests/s, ${connections} connections, ${errors} errors, max |served − direct| = ${worstDiff}`,
    );
    clients.forEach((c) => c.close());
    expect(errors).toBe(0);
    expect(worstDiff).toBeLessThanOrEqual(1e-6);
    // Kept alive: each client reuses its connection instead of opening one per request.
    expect(connections).toBeLessThanOrEqual(16);
  });
});

describe('closing a tier server', () => {
  it('lets a request in flight finish, then refuses new connections', async () => {
    const tier = await createTierServer({ token: TOKEN, models: new Map([['slow', slowModel()]]) });
    const peer = createTierClient({ baseUrl: tier.url, token: TOKEN });
    const x: OipTensor = { name: 'x', datatype: 'FP32', shape: [3], data: Float32Array.of(1, 2, 3) };
    const started = new Promise<void>((resolve) => (slowStarted = resolve));
    const pending = peer.infer('slow', [x]);
    await started;
    const closed = tier.close();
    releaseSlow();
    const result = await pending;
    expect([...(result.outputs[0]!.data as Float32Array)]).toEqual([1, 2, 3]);
    await closed;
    const after = await cutlineErrorOf(peer.infer('slow', [x]));
    expect(after.code).toBe('TIER_UNREACHABLE');
    peer.close();
  });
});

/**
 * Writes `head`, then bodies from `more()` until the server answers; reads the answer and
 * whether the server closed the connection.
 */
function exchangeOnSocket(
  head: string,
  more: () => Buffer,
): Promise<{ response: string; closedByServer: boolean; sentBytes: number }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1');
    let response = '';
    let sentBytes = 0;
    let answered = false;
    const pump = (): void => {
      // Keep sending, as a large upload does, until the answer arrives or the socket closes.
      while (!answered && !socket.destroyed && sentBytes < 64 * MAX_REQUEST_BYTES) {
        const chunk = more();
        sentBytes += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
    };
    socket.on('connect', () => {
      socket.write(head);
      pump();
    });
    socket.on('data', (data: Buffer) => {
      answered = true;
      response += data.toString('latin1');
    });
    let closedByServer = false;
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // After its answer the server may reset a connection we were still sending on: closed too.
      // A write can fail (EPIPE) before the answer already received has been read: closed too,
      // and the answer is checked by the caller.
      if ((answered && error.code === 'ECONNRESET') || error.code === 'EPIPE') closedByServer = true;
      else reject(error);
    });
    socket.on('end', () => {
      closedByServer = true;
      socket.end();
    });
    socket.on('close', () => resolve({ response, closedByServer, sentBytes }));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
