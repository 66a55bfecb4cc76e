/**
 * The web host's request bodies (issue 13, point 3): a body's buffer grows with the bytes that
 * arrive, not with the Content-Length a client declares, and the bodies in flight share one
 * budget, so stalled uploads cannot make the host allocate without bound. Real web host, real
 * sockets on loopback.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { INITIAL_BODY_BYTES } from '../app/host/web/request-body.js';
import { tinyModel, webHostHarness, type StartedWebHost } from './support/studio-host-fixtures.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-upload-budget-'));
const hosts = webHostHarness(() => dir);
afterEach(() => hosts.stopAll());
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const KiB = 1024;

/** An openBytes upload over a raw socket that declares `declaredBytes` and sends `sent` of them, then waits. */
function stalledUpload(started: StartedWebHost, declaredBytes: number, sent: Uint8Array): net.Socket {
  const socket = net.connect(started.web.port, '127.0.0.1');
  socket.on('error', () => undefined); // the host may close it: that is an answer too
  socket.write(
    [
      'POST /api/openBytes?name=stalled.onnx HTTP/1.1',
      `Host: 127.0.0.1:${started.web.port}`,
      `X-Cutline-Token: ${started.web.token}`,
      'Content-Type: application/octet-stream',
      `Content-Length: ${declaredBytes}`,
      '',
      '',
    ].join('\r\n'),
  );
  socket.write(sent);
  return socket;
}

/** The status line and body of what the host answered on `socket` (read until it closes or a body ends). */
function answerOn(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      if (/\r\n\r\n[\s\S]*\}$/.test(text)) resolve(text);
    });
    socket.on('close', () => resolve(text));
  });
}

describe('a request body', () => {
  it('declaring 1 GB and sending 10 bytes holds one small buffer, not 1 GB', async () => {
    const started = await hosts.start();
    const before = process.memoryUsage().arrayBuffers;
    const socket = stalledUpload(started, 1_000_000_000, new Uint8Array(10).fill(7));
    await expect.poll(() => started.web.bodyBytesHeld).toBe(INITIAL_BODY_BYTES);
    // Nothing near the declared size was allocated anywhere in this process.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 ** 2);
    // The host still answers while the body waits, and a client that goes frees its share.
    expect(await started.client.hostInfo()).toMatchObject({ version: started.web.host.version });
    socket.destroy();
    await expect.poll(() => started.web.bodyBytesHeld).toBe(0);
  });
});

describe('concurrent uploads', () => {
  it('share one budget: one that would pass it gets 503 BUSY, a small one still opens', async () => {
    const started = await hosts.start({ maxUploadBytes: 1024 * KiB, bodyBudgetBytes: 1024 * KiB });
    // A stalled upload of 900 KiB, 600 KiB of it sent: its buffer is capped at the declared 900 KiB.
    const stalled = stalledUpload(started, 900 * KiB, new Uint8Array(600 * KiB));
    await expect.poll(() => started.web.bodyBytesHeld).toBe(900 * KiB);

    // A second one of 900 KiB, sent whole: it cannot grow past the 124 KiB left.
    const second = stalledUpload(started, 900 * KiB, new Uint8Array(900 * KiB));
    const refused = await answerOn(second);
    expect(refused).toMatch(/^HTTP\/1\.1 503 /);
    const body = JSON.parse(refused.slice(refused.indexOf('\r\n\r\n') + 4)) as unknown;
    expect(body).toEqual({
      ok: false,
      error: {
        code: 'BUSY',
        message:
          'Other uploads in progress fill what the host receives at once (1 MB); try again when they have finished.',
      },
    });
    // Its share went back: only the stalled one holds the budget.
    await expect.poll(() => started.web.bodyBytesHeld).toBe(900 * KiB);

    // A small model still fits beside the stalled upload, and opens.
    const small = await started.client.openBytes('tiny.onnx', tinyModel());
    expect(small).toMatchObject({ ok: true, model: { fileName: 'tiny.onnx' } });
    expect(await started.client.hostInfo()).toMatchObject({ version: started.web.host.version });

    stalled.destroy();
    await expect.poll(() => started.web.bodyBytesHeld).toBe(0);
  });
});
