/**
 * Tier runtime robustness, found by review: statuses a tier chooses reach its caller, a tier that
 * cannot reach the one above answers 504 so the device can fall back, failed requests are freed on
 * every tier, hostile nesting is a 400, the harness's tiers die with it, and a token mismatch stops
 * a tier at start-up.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleManifest } from '../core/bundle/manifest.js';
import { exportVehicleChain } from './support/vehicle-bundle.js';
import { serveTier, type ServedTier } from '../core/bundle/tier-server.js';
import { createTierClient } from '../core/runtime/oip/client.js';
import { fromOrtTensor } from '../core/runtime/oip/ort-tensor.js';

const ROOT = path.resolve(import.meta.dirname, '..');
let work: string;

async function exportChain(
  name: string,
  onUnreachable: 'fail' | 'local',
): Promise<{ dir: string; manifest: BundleManifest }> {
  const written = await exportVehicleChain(path.join(work, name), 'pi4-wifi-edge-wan-cloud', onUnreachable);
  return { dir: written.dir, manifest: written.manifest };
}

/** The three tiers in this process, top first, each pointing at the one above. */
async function serveChain(dir: string, manifest: BundleManifest): Promise<ServedTier[]> {
  const token = manifest.runtime.token;
  const cloud = await serveTier({ manifest, bundleDir: dir, tier: 2, token });
  const edge = await serveTier({ manifest, bundleDir: dir, tier: 1, token, upUrl: cloud.server.url });
  const device = await serveTier({ manifest, bundleDir: dir, tier: 0, token, upUrl: edge.server.url });
  return [device, edge, cloud];
}

const input = (): ort.Tensor =>
  new ort.Tensor('float32', new Float32Array(3 * 96 * 96).fill(0.25), [1, 3, 96, 96]);

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-robust-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('tier runtime failures', () => {
  it('a cloud that is down: the device falls back with onUnreachable local, and nothing is held anywhere', async () => {
    const { dir, manifest } = await exportChain('local', 'local');
    const [device, edge, cloud] = await serveChain(dir, manifest);
    await cloud!.close();
    const result = await device!.runtime.infer(new Map([['input', input()]]));
    expect(result.fallback).toBe(true);
    expect(result.outputs.get('probabilities')!.dims).toEqual([1, 4]);
    expect(edge!.runtime.openRequests).toBe(0);
    await device!.close();
    await edge!.close();
  });

  it('a cloud that hangs: the edge gives up before the device, which falls back within its caller’s deadline, then stays local a while', async () => {
    const { dir, manifest: exported } = await exportChain('hang', 'local');
    const manifest: BundleManifest = {
      ...exported,
      runtime: { ...exported.runtime, requestTimeoutMs: 1500 },
    };
    // Accepts connections and requests, never answers.
    let reached = 0;
    const blackhole = http.createServer(() => void reached++);
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    const hole = `http://127.0.0.1:${(blackhole.address() as { port: number }).port}`;
    const token = manifest.runtime.token;
    const edge = await serveTier({ manifest, bundleDir: dir, tier: 1, token, upUrl: hole });
    const device = await serveTier({ manifest, bundleDir: dir, tier: 0, token, upUrl: edge.server.url });
    // The caller waits no longer than the bundle's request timeout, as the harness does.
    const client = createTierClient({ baseUrl: device.server.url, token, timeoutMs: 1500 });
    try {
      const first = await client.infer('vehicle', [fromOrtTensor('input', input())]);
      expect(first.parameters.cutline_fallback).toBe(true);
      expect(first.outputs[0]!.shape).toEqual([1, 4]);
      expect(reached).toBe(1);
      // Within the cool-down the device answers alone without waiting on the hung cloud again.
      const second = await client.infer('vehicle', [fromOrtTensor('input', input())]);
      expect(second.parameters.cutline_fallback).toBe(true);
      expect(reached).toBe(1);
    } finally {
      client.close();
      await device.close();
      await edge.close();
      blackhole.closeAllConnections();
      blackhole.close();
    }
  });

  it('a busy cloud (503) reaches the device as 503, not as a gateway error, so the caller may retry', async () => {
    const { dir, manifest } = await exportChain('busy', 'fail');
    const busy = http.createServer((request, response) => {
      request.resume();
      response.writeHead(503, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'This tier is busy; retry shortly.' }));
    });
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const token = manifest.runtime.token;
    const upUrl = `http://127.0.0.1:${(busy.address() as { port: number }).port}`;
    const edge = await serveTier({ manifest, bundleDir: dir, tier: 1, token, upUrl });
    const device = await serveTier({ manifest, bundleDir: dir, tier: 0, token, upUrl: edge.server.url });
    try {
      await expect(device.runtime.infer(new Map([['input', input()]]))).rejects.toMatchObject({
        status: 503,
        message: expect.stringMatching(/busy; retry shortly/),
      });
    } finally {
      await device.close();
      await edge.close();
      busy.closeAllConnections();
      busy.close();
    }
  });

  it('a failed request is released on every tier; the edge reports the cloud as unreachable (504)', async () => {
    const { dir, manifest } = await exportChain('fail', 'fail');
    const [device, edge, cloud] = await serveChain(dir, manifest);
    await cloud!.close();
    await expect(device!.runtime.infer(new Map([['input', input()]]))).rejects.toMatchObject({ status: 504 });
    // The release is sent without waiting: give it a moment to land.
    for (let i = 0; i < 50 && edge!.runtime.openRequests > 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(edge!.runtime.openRequests).toBe(0);
    expect(device!.runtime.openRequests).toBe(0);
    await device!.close();
    await edge!.close();
  });

  it('a step with an empty request id is a 400, and deep nesting is a 400; the tier keeps serving', async () => {
    const { dir, manifest } = await exportChain('bad', 'fail');
    const [device, edge, cloud] = await serveChain(dir, manifest);
    const client = createTierClient({ baseUrl: edge!.server.url, token: manifest.runtime.token });
    const l1 = manifest.segments.find((s) => s.id === 'edge-1')!.inputs[0]!.name;
    const tensor = fromOrtTensor(
      l1,
      new ort.Tensor('float32', new Float32Array(32 * 48 * 48), [1, 32, 48, 48]),
    );
    // Without cutline_request it would be a plain inference of edge-1 (test/oip-stock-client.test.ts).
    await expect(
      client.infer('edge-1', [tensor], { parameters: { cutline_request: '' } }),
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('needs parameters.cutline_request'),
    });
    const deep = await new Promise<number>((resolve) => {
      const request = http.request(`${edge!.server.url}/v2/models/edge-1/infer`, {
        method: 'POST',
        headers: { authorization: `Bearer ${manifest.runtime.token}`, 'content-type': 'application/json' },
      });
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.end(
        `{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":${'['.repeat(200_000)}1${']'.repeat(200_000)}}]}`,
      );
    });
    expect(deep).toBe(400);
    const answer = await createTierClient({
      baseUrl: device!.server.url,
      token: manifest.runtime.token,
    }).infer('vehicle', [fromOrtTensor('input', input())]);
    expect(answer.outputs[0]!.shape).toEqual([1, 4]);
    client.close();
    for (const tier of [device, edge, cloud]) await tier!.close();
  });
});

describe('tier processes', () => {
  it('a tier whose token differs from the tier above stops at start-up, saying so', async () => {
    const { dir, manifest } = await exportChain('token', 'fail');
    const cloud = await serveTier({ manifest, bundleDir: dir, tier: 2, token: 'the-cloud-token-xxxxxxxx' });
    try {
      const child = spawn(
        process.execPath,
        [
          path.join(ROOT, 'bin', 'cutline-tier.js'),
          '--bundle',
          dir,
          '--tier',
          'edge',
          '--port',
          '0',
          '--up',
          cloud.server.url,
        ],
        {
          env: { ...process.env, CUTLINE_TOKEN: 'another-token-yyyyyyyyyy' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(2);
      expect(stderr).toMatch(/refuses this tier's token: CUTLINE_TOKEN must be the same on every tier/);
    } finally {
      await cloud.close();
    }
  });

  it('a tier listening beyond loopback without CUTLINE_TOKEN refuses to start (the lab token is in the manifest)', async () => {
    const { dir } = await exportChain('public-host', 'fail');
    const env: NodeJS.ProcessEnv = { ...process.env, CUTLINE_HOST: '0.0.0.0' };
    delete env.CUTLINE_TOKEN;
    const child = spawn(
      process.execPath,
      [path.join(ROOT, 'bin', 'cutline-tier.js'), '--bundle', dir, '--tier', 'cloud', '--port', '0'],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/Listening on 0\.0\.0\.0 needs CUTLINE_TOKEN set to a shared secret/);
    expect(stdout).not.toMatch(/listening/);
  });

  it('the harness’s tier processes die with it, even when it is killed outright', async () => {
    // With the local fallback the bundle carries the whole model the harness compares with.
    const { dir } = await exportChain('orphans', 'local');
    const harness = spawn(
      process.execPath,
      [
        path.join(ROOT, 'bin', 'cutline.js'),
        'harness',
        dir,
        '--runs',
        '100000',
        '--stream',
        '0',
        '--no-calibrate',
        '--json',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const pids: number[] = [];
    await new Promise<void>((resolve) => {
      readline.createInterface({ input: harness.stdout }).on('line', (line) => {
        const event = JSON.parse(line) as { event: string; pid?: number };
        if (event.event === 'tier' && event.pid) pids.push(event.pid);
        if (event.event === 'request' && pids.length === 3) resolve();
      });
    });
    harness.kill('SIGKILL');
    const alive = (pid: number): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 100 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 50));
    expect(pids.filter(alive)).toEqual([]);
  });
});
