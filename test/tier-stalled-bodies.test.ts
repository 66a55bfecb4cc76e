/**
 * The tier server against stalled and slow uploads, over real sockets on 127.0.0.1: bodies are
 * reserved in the shared budget as they arrive (not as declared), so four peers that declare the
 * largest body and stall cannot starve a valid request; a body that stops arriving is cut with a
 * 408 and gives its bytes back; a slow but steady sender above the minimum rate is served.
 */
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
const TOKEN = 'tier-stalled-token-0123456789';
const MIB = 1024 * 1024;
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

/** A raw connection: what it received, and a promise that resolves when it closes. */
async function connect(
  port: number,
  localAddress = '127.0.0.1',
): Promise<{ socket: net.Socket; text: () => string; closed: Promise<void> }> {
  const socket = net.connect({ port, host: '127.0.0.1', localAddress });
  cleanups.push(() => void socket.destroy());
  let text = '';
  socket.on('data', (data: Buffer) => (text += data.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not closed; received: ${text}`)), DEADLINE_MS);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  closed.catch(() => undefined);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  return { socket, text: () => text, closed };
}

const inferHead = (model: string, contentLength: number): string =>
  `POST /v2/models/${model}/infer HTTP/1.1\r\nHost: tier\r\nAuthorization: Bearer ${TOKEN}\r\n` +
  `Content-Type: application/json\r\nContent-Length: ${contentLength}\r\n\r\n`;

/** The status and JSON body of the first HTTP answer in raw text. */
function parseAnswer(text: string): { status: number; json: Record<string, unknown> } {
  const end = text.indexOf('\r\n\r\n');
  expect(end, `an HTTP answer in: ${text}`).toBeGreaterThan(0);
  const head = text.slice(0, end);
  const length = Number(/content-length: *(\d+)/i.exec(head)?.[1]);
  return {
    status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(head)?.[1]),
    json: JSON.parse(text.slice(end + 4, end + 4 + length)) as Record<string, unknown>,
  };
}

const echo: TierModel = {
  inputs: [{ name: 'x', datatype: 'FP32', shape: [-1] }],
  outputs: [{ name: 'x', datatype: 'FP32', shape: [-1] }],
  infer: (inputs) => Promise.resolve({ outputs: [inputs[0]!] }),
};

describe('tier server under stalled and slow uploads', () => {
  it('answers a valid request while four maximum-size bodies stall, with the right output', async () => {
    const model = await createOnnxModel(SAMPLE);
    cleanups.push(() => model.release());
    // The defaults: 64 MiB requests, a budget of four of them.
    const server = await serve({ models: new Map<string, TierModel>([['resnet', model]]) });
    const stalled = await Promise.all([0, 1, 2, 3].map(() => connect(server.port)));
    for (const peer of stalled) peer.socket.write(`${inferHead('resnet', 64 * MIB)}{"inp`);
    await expect.poll(() => server.stats().bodyBytesInFlight, { timeout: DEADLINE_MS }).toBeGreaterThan(0);
    const held = server.stats().bodyBytesInFlight;

    const data = createRandom(13).uniformFloat32(3 * 64 * 64, -1, 1);
    const input: OipTensor = { name: 'input', datatype: 'FP32', shape: [1, 3, 64, 64], data };
    // A bounded wait: a tier starved by the stalled bodies fails this instead of hanging the test.
    const client = createTierClient({ baseUrl: server.url, token: TOKEN, timeoutMs: 5_000 });
    cleanups.push(() => client.close());
    const result = await client.infer('resnet', [input]);

    const reference = await ort.InferenceSession.create(SAMPLE);
    const expected = (await reference.run({ input: new ort.Tensor('float32', data, [1, 3, 64, 64]) }))[
      'logits'
    ]!.data as Float32Array;
    await reference.release();
    const served = result.outputs[0]!.data as Float32Array;
    expect(served.length).toBe(expected.length);
    let maxDiff = 0;
    for (let k = 0; k < expected.length; k++)
      maxDiff = Math.max(maxDiff, Math.abs(served[k]! - expected[k]!));
    console.log(
      `4 stalled 64 MiB bodies held ${held} B of ${256 * MIB}; resnet-mini served, max |served − direct| = ${maxDiff}`,
    );
    expect(maxDiff).toBeLessThanOrEqual(1e-6);
    expect(held).toBeLessThan(MIB);
    expect(server.stats().errors[503]).toBeUndefined();
  });

  it('cuts a body that stops arriving with a 408 OIP error and frees its bytes', async () => {
    const server = await serve({
      minBodyBytesPerS: 16 * 1024,
      bodyRateWindowMs: 300,
      models: new Map([['echo', echo]]),
    });
    const peer = await connect(server.port);
    peer.socket.write(`${inferHead('echo', 1 * MIB)}{"inputs": [`);
    await expect.poll(() => server.stats().bodyBytesInFlight, { timeout: DEADLINE_MS }).toBeGreaterThan(0);
    await peer.closed;
    const answer = parseAnswer(peer.text());
    expect(answer.status).toBe(408);
    expect(answer.json['error']).toMatch(
      /^The request body arrived too slowly: 12 of 1048576 bytes, less than 16384 bytes\/s over the last 300 ms; send it without pauses\.$/,
    );
    expect(server.stats().errors[408]).toBe(1);
    expect(server.stats().bodyBytesInFlight).toBe(0);
  });

  it('serves a slow but steady sender above the minimum rate', async () => {
    const server = await serve({
      minBodyBytesPerS: 16 * 1024,
      bodyRateWindowMs: 300,
      models: new Map([['echo', echo]]),
    });
    const values = [1.5, -2, 3.25];
    const json = JSON.stringify({
      id: 'slow',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [3], data: values }],
    });
    // Padded with JSON whitespace to 48 KiB, sent 4 KiB every 100 ms (40 KiB/s): several windows.
    const body = Buffer.from(json.padEnd(48 * 1024, ' '));
    const peer = await connect(server.port);
    peer.socket.write(inferHead('echo', body.length));
    for (let offset = 0; offset < body.length; offset += 4096) {
      peer.socket.write(body.subarray(offset, offset + 4096));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await expect.poll(() => peer.text().includes('\r\n\r\n'), { timeout: DEADLINE_MS }).toBe(true);
    await expect
      .poll(() => {
        try {
          return parseAnswer(peer.text()).status;
        } catch {
          return null;
        }
      })
      .toBe(200);
    const answer = parseAnswer(peer.text());
    expect(answer.json).toMatchObject({
      id: 'slow',
      outputs: [{ name: 'x', datatype: 'FP32', shape: [3], data: values }],
    });
    expect(server.stats().errors[408]).toBeUndefined();
    expect(server.stats().bodyBytesInFlight).toBe(0);
  });

  it('keeps one address within its share of the budget while another is served', async () => {
    const maxRequestBytes = 64 * 1024;
    const server = await serve({
      maxRequestBytes,
      maxBodyBytesInFlight: 4 * maxRequestBytes,
      models: new Map([['echo', echo]]),
    });
    // Half the budget by default: two bodies from 127.0.0.1 fill its share, the third is refused.
    const holders = await Promise.all([0, 1].map(() => connect(server.port)));
    for (const holder of holders) holder.socket.write(`${inferHead('echo', maxRequestBytes)}{"inputs": [`);
    await expect
      .poll(() => server.stats().bodyBytesInFlight, { timeout: DEADLINE_MS })
      .toBe(2 * maxRequestBytes);
    const third = await connect(server.port);
    third.socket.write(`${inferHead('echo', maxRequestBytes)}{"inputs": [`);
    await third.closed;
    const refused = parseAnswer(third.text());
    expect(refused.status).toBe(503);
    expect(refused.json['error']).toMatch(
      /^This tier is busy with your requests: bodies being received from 127\.0\.0\.1 already hold 131072 of the 131072 bytes one client may hold at once; retry shortly or send fewer requests at once\.$/,
    );

    // Another address still has the other half.
    const json = JSON.stringify({
      id: 'other',
      inputs: [{ name: 'x', datatype: 'FP32', shape: [1], data: [7] }],
    });
    const other = await connect(server.port, '127.0.0.2');
    other.socket.write(`${inferHead('echo', Buffer.byteLength(json))}${json}`);
    await expect
      .poll(
        () => {
          try {
            return parseAnswer(other.text()).status;
          } catch {
            return null;
          }
        },
        { timeout: DEADLINE_MS },
      )
      .toBe(200);
    expect(parseAnswer(other.text()).json).toMatchObject({ id: 'other', outputs: [{ data: [7] }] });
    for (const holder of holders) holder.socket.destroy();
    await expect.poll(() => server.stats().bodyBytesInFlight, { timeout: DEADLINE_MS }).toBe(0);
  });
});
