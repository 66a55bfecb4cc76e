/**
 * The tier server's bounds against peers that tie up resources, over real sockets on 127.0.0.1
 * with short timeouts and small limits: silent and idle connections are closed, connections past
 * `maxConnections` are refused while open ones are served, request bodies past the shared byte
 * budget get a 503 OIP error, a request whose client left while queued is never run, a full queue
 * gets a 503, and what Node's HTTP parser refuses is answered with an OIP error body.
 */
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterEach, describe, expect, it } from 'vitest';
import { createRandom } from '../core/onnx/random.js';
import { createTierClient } from '../core/runtime/oip/client.js';
import type { TierModel } from '../core/runtime/oip/model.js';
import { createOnnxModel } from '../core/runtime/oip/onnx-model.js';
import { createTierServer, type TierServer, type TierServerOptions } from '../core/runtime/oip/server.js';
import type { OipTensor } from '../core/runtime/oip/tensor.js';

const SAMPLE = path.resolve(import.meta.dirname, '../samples/resnet-mini.onnx');
const TOKEN = 'tier-limits-token-0123456789';
/** Generous: only how long a test waits for something that must happen, never a speed claim. */
const DEADLINE_MS = 10_000;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(options: Omit<TierServerOptions, 'token'>): Promise<TierServer> {
  const server = await createTierServer({ token: TOKEN, drainTimeoutMs: 500, ...options });
  cleanups.push(() => server.close());
  return server;
}

/** An echo model that records the id of every request it runs and waits for `open()` to answer. */
function gatedModel(maxConcurrency = 1): TierModel & { readonly ran: string[]; open(): void } {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const ran: string[] = [];
  return {
    inputs: [{ name: 'x', datatype: 'FP32', shape: [-1] }],
    outputs: [{ name: 'x', datatype: 'FP32', shape: [-1] }],
    maxConcurrency,
    ran,
    open: () => open(),
    async infer(inputs, _parameters, context) {
      ran.push(context.id ?? '?');
      await gate;
      return { outputs: [inputs[0]!] };
    },
  };
}

/** A socket connected to the server, with everything it receives and whether it has closed. */
interface Peer {
  readonly socket: net.Socket;
  readonly received: () => string;
  /** Resolves when the connection closes (by either side), failing the test after `DEADLINE_MS`. */
  readonly closed: Promise<void>;
  /** Resolves with the received text once it contains `count` complete answers. */
  answers(count: number): Promise<string>;
}

function connect(port: number): Promise<Peer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    const waiters: (() => void)[] = [];
    socket.on('data', (data: Buffer) => {
      text += data.toString('latin1');
      waiters.splice(0).forEach((wake) => wake());
    });
    // A refused connection may be reset rather than closed: either way it closes.
    socket.on('error', () => undefined);
    const closed = new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error('the server did not close the connection')), DEADLINE_MS);
      socket.once('close', () => {
        clearTimeout(timer);
        done();
        waiters.splice(0).forEach((wake) => wake());
      });
    });
    closed.catch(() => undefined);
    const peer: Peer = {
      socket,
      received: () => text,
      closed,
      answers: (count) =>
        new Promise((done, fail) => {
          const timer = setTimeout(() => fail(new Error(`no ${count} answers in: ${text}`)), DEADLINE_MS);
          const check = (): void => {
            if (completeAnswers(text) >= count) {
              clearTimeout(timer);
              done(text);
            } else if (socket.destroyed) {
              clearTimeout(timer);
              fail(new Error(`closed after: ${text}`));
            } else waiters.push(check);
          };
          check();
        }),
    };
    socket.once('connect', () => resolve(peer));
    socket.once('error', reject);
  });
}

/** How many whole HTTP answers (status line, headers, Content-Length body) `text` holds. */
function completeAnswers(text: string): number {
  let count = 0;
  let rest = text;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) return count;
    const length = Number(/content-length: *(\d+)/i.exec(rest.slice(0, end))?.[1] ?? 0);
    if (rest.length < end + 4 + length) return count;
    count++;
    rest = rest.slice(end + 4 + length);
  }
}

/** The first HTTP answer in raw text: status, headers (lower-case) and JSON body. */
function parseAnswer(text: string): { status: number; headers: string; json: { error?: string } } {
  const end = text.indexOf('\r\n\r\n');
  expect(end, `an HTTP answer in: ${text}`).toBeGreaterThan(0);
  const head = text.slice(0, end);
  const length = Number(/content-length: *(\d+)/i.exec(head)?.[1]);
  return {
    status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(head)?.[1]),
    headers: head.toLowerCase(),
    json: JSON.parse(text.slice(end + 4, end + 4 + length)),
  };
}

const liveRequest = 'GET /v2/health/live HTTP/1.1\r\nHost: tier\r\n\r\n';

/** One POST of `body` on its own connection through node:http; resolves with the answer. */
function post(
  server: TierServer,
  urlPath: string,
  body: string | Buffer,
  headers: Record<string, string | number> = {},
): { request: http.ClientRequest; answer: Promise<{ status: number; json: { error?: string } }> } {
  const request = http.request({
    host: '127.0.0.1',
    port: server.port,
    method: 'POST',
    path: urlPath,
    agent: false,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
  });
  const answer = new Promise<{ status: number; json: { error?: string } }>((resolve, reject) => {
    request.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, json: JSON.parse(Buffer.concat(chunks).toString()) }),
      );
    });
    request.on('error', reject);
  });
  answer.catch(() => undefined);
  request.end(body);
  return { request, answer };
}

const inferBody = (id: string): string =>
  JSON.stringify({ id, inputs: [{ name: 'x', datatype: 'FP32', shape: [2], data: [1, 2] }] });

describe('tier server connection limits', () => {
  it('closes a connection that sends nothing, and an idle kept-alive one, but serves a long inference', async () => {
    const slow: TierModel = {
      inputs: [{ name: 'x', datatype: 'FP32', shape: [-1] }],
      outputs: [{ name: 'x', datatype: 'FP32', shape: [-1] }],
      // Silent on the wire for several headers timeouts: must not be cut as an idle connection.
      infer: (inputs) =>
        new Promise((resolve) => setTimeout(() => resolve({ outputs: [inputs[0]!] }), 1_200)),
    };
    const server = await serve({
      headersTimeoutMs: 500,
      requestTimeoutMs: 2_000,
      keepAliveTimeoutMs: 500,
      models: new Map([['slow', slow]]),
    });

    // Node's headers timeout counts a first request from the connection's opening.
    const silent = await connect(server.port);
    await silent.closed;
    const timedOut = parseAnswer(silent.received());
    expect(timedOut.status).toBe(408);
    expect(timedOut.json.error).toMatch(/did not arrive in time: headers are allowed 500 ms/);

    // Two requests on one connection (kept alive), then silence: closed by the keep-alive timeout.
    const kept = await connect(server.port);
    kept.socket.write(liveRequest);
    await kept.answers(1);
    kept.socket.write(liveRequest);
    const both = await kept.answers(2);
    expect(both.match(/HTTP\/1\.1 200 /g)).toHaveLength(2);
    expect(both.toLowerCase()).toContain('keep-alive: timeout=');
    await kept.closed;
    expect(server.stats().connectionsOpened).toBe(2);

    const long = post(server, '/v2/models/slow/infer', inferBody('long'));
    expect(await long.answer).toMatchObject({ status: 200 });
    console.log(`silent and idle connections closed; stats ${JSON.stringify(server.stats())}`);
  });

  it('answers headers that dribble in past the headers timeout with a 408 OIP error and closes', async () => {
    const server = await serve({ headersTimeoutMs: 300, requestTimeoutMs: 2_000, models: new Map() });
    const dribble = await connect(server.port);
    const head = `GET /v2/health/live HTTP/1.1\r\nX-Pad: ${'a'.repeat(500)}`;
    let i = 0;
    const timer = setInterval(() => dribble.socket.write(head[i++ % head.length]!), 50);
    await dribble.closed;
    clearInterval(timer);
    const answer = parseAnswer(dribble.received());
    expect(answer.status).toBe(408);
    expect(answer.headers).toContain('content-type: application/json');
    expect(answer.json.error).toMatch(/did not arrive in time: headers are allowed 300 ms/);
    expect(server.stats().errors[408]).toBe(1);
  });

  it('refuses connections past maxConnections while the open ones are still answered', async () => {
    const server = await serve({ maxConnections: 2, models: new Map() });
    const first = await connect(server.port);
    const second = await connect(server.port);
    await expect.poll(() => server.stats().connectionsOpened, { timeout: DEADLINE_MS }).toBe(2);

    const third = await connect(server.port);
    await third.closed;
    expect(third.received()).toBe('');
    expect(server.stats().connectionsRefused).toBe(1);

    for (const peer of [first, second]) {
      peer.socket.write(liveRequest);
      expect(parseAnswer(await peer.answers(1))).toMatchObject({ status: 200, json: { live: true } });
    }
    // A place freed is taken again.
    first.socket.destroy();
    await first.closed;
    await expect
      .poll(
        async () => {
          const next = await connect(server.port);
          next.socket.write(liveRequest);
          const answered = await next.answers(1).then(
            (text) => parseAnswer(text).status,
            () => null,
          );
          next.socket.destroy();
          return answered;
        },
        { timeout: DEADLINE_MS },
      )
      .toBe(200);
    second.socket.destroy();
  });
});

describe('tier server request body budget', () => {
  it('answers bodies past the shared budget with 503 and serves normally once it frees', async () => {
    const model = await createOnnxModel(SAMPLE);
    cleanups.push(() => model.release());
    const maxRequestBytes = 64 * 1024;
    const server = await serve({
      maxRequestBytes,
      maxBodyBytesInFlight: 2 * maxRequestBytes,
      // Both holders come from 127.0.0.1: let one address hold the whole budget here.
      maxBodyBytesPerClient: 2 * maxRequestBytes,
      models: new Map<string, TierModel>([['resnet', model]]),
    });
    // Two uploads that declare the largest body and stop after one byte hold the whole budget.
    const holders = await Promise.all([connect(server.port), connect(server.port)]);
    for (const holder of holders) {
      holder.socket.write(
        `POST /v2/models/resnet/infer HTTP/1.1\r\nHost: tier\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Length: ${maxRequestBytes}\r\n\r\n{`,
      );
    }
    await expect
      .poll(() => server.stats().bodyBytesInFlight, { timeout: DEADLINE_MS })
      .toBe(2 * maxRequestBytes);

    const declared = post(server, '/v2/models/resnet/infer', Buffer.alloc(1000, 0x20));
    const declaredAnswer = await declared.answer;
    expect(declaredAnswer.status).toBe(503);
    expect(declaredAnswer.json.error).toMatch(
      /^This tier is busy: request bodies being received already hold 131072 of the 131072 bytes .*; retry shortly\.$/,
    );
    const chunked = post(server, '/v2/models/resnet/infer', Buffer.alloc(1000, 0x20), {
      'transfer-encoding': 'chunked',
    });
    expect(await chunked.answer).toMatchObject({
      status: 503,
      json: { error: expect.stringMatching(/busy/) },
    });
    expect(server.stats().errors[503]).toBe(2);

    for (const holder of holders) holder.socket.destroy();
    await expect.poll(() => server.stats().bodyBytesInFlight, { timeout: DEADLINE_MS }).toBe(0);

    // resnet-mini's 48 KiB input fits again, and its answer equals a direct onnxruntime run.
    const data = createRandom(11).uniformFloat32(3 * 64 * 64, -1, 1);
    const input: OipTensor = { name: 'input', datatype: 'FP32', shape: [1, 3, 64, 64], data };
    const client = createTierClient({ baseUrl: server.url, token: TOKEN });
    cleanups.push(() => client.close());
    const result = await client.infer('resnet', [input]);
    const reference = await ort.InferenceSession.create(SAMPLE);
    const expected = (await reference.run({ input: new ort.Tensor('float32', data, [1, 3, 64, 64]) }))[
      'logits'
    ]!.data as Float32Array;
    await reference.release();
    const served = result.outputs[0]!.data as Float32Array;
    let maxDiff = 0;
    for (let k = 0; k < expected.length; k++)
      maxDiff = Math.max(maxDiff, Math.abs(served[k]! - expected[k]!));
    console.log(
      `body budget ${2 * maxRequestBytes} B: 2 held uploads, 2 refused 503; then resnet-mini served, max |served − direct| = ${maxDiff}`,
    );
    expect(maxDiff).toBeLessThanOrEqual(1e-6);
    expect(server.stats().bodyBytesInFlight).toBe(0);
  });
});

describe('tier server model queue', () => {
  it('does not run a request whose client left while queued, and answers a full queue with 503', async () => {
    const model = gatedModel(1);
    const server = await serve({ maxWaitingPerModel: 2, models: new Map([['gated', model]]) });
    const infer = (id: string): ReturnType<typeof post> =>
      post(server, '/v2/models/gated/infer', inferBody(id));
    const waiting = (): number => server.stats().waiting['gated']!;

    const a = infer('A');
    await expect.poll(() => model.ran, { timeout: DEADLINE_MS }).toEqual(['A']);
    const b = infer('B');
    await expect.poll(waiting, { timeout: DEADLINE_MS }).toBe(1);
    b.request.destroy();
    await expect.poll(() => server.stats().errors[499], { timeout: DEADLINE_MS }).toBe(1);
    expect(waiting()).toBe(0);

    const c = infer('C');
    const d = infer('D');
    await expect.poll(waiting, { timeout: DEADLINE_MS }).toBe(2);
    const full = await infer('E').answer;
    expect(full.status).toBe(503);
    expect(full.json.error).toBe(
      'Model "gated" is busy: 2 requests are already waiting for it; retry shortly.',
    );

    model.open();
    for (const done of [a, c, d]) expect(await done.answer).toMatchObject({ status: 200 });
    expect(model.ran).toEqual(['A', 'C', 'D']);
    console.log(`queue bound 2: ran ${model.ran.join(', ')}; stats ${JSON.stringify(server.stats().errors)}`);
  });
});

describe('tier server malformed HTTP', () => {
  it('answers what the HTTP parser refuses with a 400 (431) OIP error body, closes, and keeps serving', async () => {
    const server = await serve({ models: new Map() });
    const cases: [string, number, RegExp][] = [
      ['NOT-A-METHOD / HTTP/1.1\r\nHost: tier\r\n\r\n', 400, /not valid HTTP\/1\.1 \(HPE_INVALID_METHOD/],
      ['GET / HTTP/1.1\r\nHost: tier\r\nBad header line\r\n\r\n', 400, /not valid HTTP\/1\.1 \(HPE_/],
      [
        'POST /v2/models/m/infer HTTP/1.1\r\nHost: tier\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n',
        400,
        /not valid HTTP\/1\.1 \(HPE_/,
      ],
      // Past Node's 16 KiB header limit.
      [`GET /v2 HTTP/1.1\r\nX-Pad: ${'a'.repeat(20_000)}\r\n\r\n`, 431, /headers are larger than this tier/],
    ];
    for (const [bytes, status, message] of cases) {
      const peer = await connect(server.port);
      peer.socket.write(bytes);
      await peer.closed;
      const answer = parseAnswer(peer.received());
      expect(answer.status).toBe(status);
      expect(answer.headers).toContain('content-type: application/json');
      expect(answer.headers).toContain('connection: close');
      expect(answer.json.error).toMatch(message);
      console.log(`${JSON.stringify(bytes.slice(0, 24))}… → ${status} ${answer.json.error}`);
    }
    expect(server.stats().errors).toEqual({ 400: 3, 431: 1 });
    const next = await connect(server.port);
    next.socket.write(liveRequest);
    expect(parseAnswer(await next.answers(1)).status).toBe(200);
    next.socket.destroy();
  });
});
