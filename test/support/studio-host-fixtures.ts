/** Models, web hosts and raw requests shared by the host tests (test/host*.test.ts, test/web-host.test.ts). */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { createStudioHost, type StudioHost, type StudioHostOptions } from '../../app/host/studio-host.js';
import { startWebHost, type WebHost, type WebHostOptions } from '../../app/host/web/server.js';
import type { OpenResult } from '../../app/shared/studio-api.js';
import { createWebStudioClient, type WebStudioClient } from '../../app/shared/web-client.js';
import { graph, model, node, tensorFromFloat32, valueInfo } from '../../core/onnx/builder.js';
import { encodeModelProto } from '../../core/onnx/codec.js';
import { DataType } from '../../core/onnx/dtype.js';

/** x → Add(w) → Relu → y (layers `add`, `relu`); `w` optionally stored externally at `location`. */
export function tinyModel(location?: string): Uint8Array {
  const w = tensorFromFloat32('w', [4], [1, 2, 3, 4]);
  if (location !== undefined) {
    delete w.rawData;
    w.dataLocation = 1;
    w.externalData = [{ key: 'location', value: location }];
  }
  return encodeModelProto(
    model({
      graph: graph({
        name: 'tiny',
        nodes: [node('Add', ['x', 'w'], ['a'], [], 'add'), node('Relu', ['a'], ['y'], [], 'relu')],
        inputs: [valueInfo('x', DataType.FLOAT, [4])],
        outputs: [valueInfo('y', DataType.FLOAT, [4])],
        initializers: [w],
      }),
    }),
  );
}

/**
 * A chain of `count` alternating Add/Relu nodes in name scopes of 100. At 300,000 nodes its
 * analysis takes seconds and far more than 64 MB of heap: a model to cancel, or to exhaust a
 * worker with.
 */
export function chainModel(count: number): Uint8Array {
  const nodes = [];
  let previous = 'x';
  for (let i = 0; i < count; i++) {
    const output = `t${i}`;
    const add = i % 2 === 0;
    const inputs = add ? [previous, 'w'] : [previous];
    nodes.push(node(add ? 'Add' : 'Relu', inputs, [output], [], `/block${Math.floor(i / 100)}/n${i}`));
    previous = output;
  }
  return encodeModelProto(
    model({
      graph: graph({
        name: 'chain',
        nodes,
        inputs: [valueInfo('x', DataType.FLOAT, [1, 8])],
        outputs: [valueInfo(previous, DataType.FLOAT, [1, 8])],
        initializers: [tensorFromFloat32('w', [1, 8], new Float32Array(8))],
      }),
    }),
  );
}

export function expectOpened(result: OpenResult | null): Extract<OpenResult, { ok: true }>['model'] {
  if (!result?.ok) throw new Error(`expected an opened model, got ${JSON.stringify(result)}`);
  return result.model;
}

/**
 * A temp folder for one test file (removed after all its tests) and `newHost`, which makes a
 * StudioHost with a fresh config folder under it; hosts are closed after each test so no worker
 * outlives the test that started it.
 */
export function studioHostHarness(prefix: string): {
  dir: string;
  newHost(options?: Partial<StudioHostOptions>): StudioHost;
} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const hosts: StudioHost[] = [];
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => {
    await Promise.all(hosts.splice(0).map((host) => host.close()));
  });
  return {
    dir,
    newHost(options = {}) {
      const host = createStudioHost({ configDir: fs.mkdtempSync(path.join(dir, 'config-')), ...options });
      hosts.push(host);
      return host;
    },
  };
}

export type StartOptions = Omit<Partial<WebHostOptions>, 'studio'> & { studio?: Partial<StudioHostOptions> };

export interface StartedWebHost {
  readonly web: WebHost;
  readonly client: WebStudioClient;
  readonly configDir: string;
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
}

/** Starts web hosts with a fresh config folder under `dir` each (unless given) and stops them all. */
export function webHostHarness(dir: () => string) {
  const running = new Set<StartedWebHost>();
  return {
    async start(options: StartOptions = {}): Promise<StartedWebHost> {
      const configDir = options.studio?.configDir ?? fs.mkdtempSync(path.join(dir(), 'config-'));
      const web = await startWebHost({ ...options, studio: { ...options.studio, configDir } });
      const origin = `http://127.0.0.1:${web.port}`;
      const started = {
        web,
        client: createWebStudioClient({ baseUrl: origin, token: web.token }),
        configDir,
        origin,
      };
      running.add(started);
      return started;
    },
    async stop(started: StartedWebHost): Promise<void> {
      running.delete(started);
      started.client.close();
      await started.web.close();
    },
    async stopAll(): Promise<void> {
      await Promise.all([...running].map((started) => this.stop(started)));
    },
  };
}

/** A request with full control of the headers (fetch forbids setting Host) and of the path (no normalising). */
export function rawRequest(
  port: number,
  options: { path: string; method?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const { path: requestPath, method = 'GET', headers, body } = options;
    const request = http.request(
      { host: '127.0.0.1', port, path: requestPath, method, headers },
      (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
