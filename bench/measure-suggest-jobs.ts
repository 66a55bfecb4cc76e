/**
 * How long the studio's solve, cut-points and sweep jobs take through the real host and session
 * worker (job start → result event), on the samples, a 1,004-layer model and, with `--big`, the
 * 10k-node bench model. A measurement to read, not a test: `npx tsx bench/measure-suggest-jobs.ts [--big]`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SAMPLES_DIR } from '../app/host/sample-catalog.js';
import { createStudioHost, type StudioHost } from '../app/host/studio-host.js';
import type { JobEvent, JobRequest } from '../app/shared/studio-api.js';
import { loadTopology } from '../core/profiles/load.js';
import { deepModelBytes } from '../test/e2e/support/deep-model.js';
import { ensureModel } from './model-cache.js';
import { findBenchModel } from './models.js';

/** Job start → result event, ms; throws on a failed job. */
async function jobMs(host: StudioHost, sessionId: string, request: JobRequest): Promise<number> {
  let jobId = '';
  const start = performance.now();
  const end = await new Promise<Extract<JobEvent, { type: 'done' | 'failed' }>>((resolve) => {
    const unsubscribe = host.onJob((event) => {
      if (event.jobId === jobId && (event.type === 'done' || event.type === 'failed')) {
        unsubscribe();
        resolve(event);
      }
    });
    const started = host.startJob(sessionId, request);
    if (!started.ok) throw new Error(started.error.message);
    jobId = started.jobId;
  });
  if (end.type === 'failed') throw new Error(`${request.kind}: ${end.error.code} ${end.error.message}`);
  return performance.now() - start;
}

/** Fastest and median of `repeat` runs: the machine is shared, and the fastest run is the least disturbed. */
async function timeJob(
  host: StudioHost,
  sessionId: string,
  request: JobRequest,
  repeat: number,
): Promise<string> {
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) times.push(await jobMs(host, sessionId, request));
  times.sort((a, b) => a - b);
  const fastest = `${times[0]!.toFixed(0)} ms`;
  return repeat === 1 ? fastest : `${fastest} (median ${times[Math.floor(repeat / 2)]!.toFixed(0)})`;
}

interface MeasuredModel {
  readonly name: string;
  readonly bytes: () => Uint8Array;
  readonly repeat: number;
}

const models: MeasuredModel[] = [
  ...fs
    .readdirSync(SAMPLES_DIR)
    .filter((f) => f.endsWith('.onnx'))
    .map((f) => ({ name: f, bytes: () => fs.readFileSync(path.join(SAMPLES_DIR, f)), repeat: 5 })),
  { name: 'deep1k', bytes: deepModelBytes, repeat: 3 },
];
if (process.argv.includes('--big')) {
  const cached = await ensureModel(findBenchModel('deep10k-narrow')!);
  models.push({ name: 'deep10k-narrow', bytes: () => fs.readFileSync(cached.path), repeat: 1 });
}

const three = loadTopology('pi4-wifi-edge-wan-cloud');
const two = loadTopology('n2-wifi-i7');
const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-measure-'));
const host = createStudioHost({ configDir, analysis: { timeoutMs: 600_000 } });
for (const model of models) {
  const opened = await host.openBytes(model.name, model.bytes());
  if (!opened.ok) throw new Error(opened.error.message);
  const { sessionId, view } = opened.model;
  const layers = opened.model.partition.units.length;
  const jobs: Record<string, JobRequest> = {
    'solve (3 tiers, 4 solvers)': {
      kind: 'solve',
      args: { topology: three, objective: 'latency', constraints: [], solvers: [], pareto: false },
    },
    'solve + pareto (3 tiers)': {
      kind: 'solve',
      args: { topology: three, objective: 'latency', constraints: [], solvers: [], pareto: true },
    },
    'solve + pareto (2 tiers)': {
      kind: 'solve',
      args: { topology: two, objective: 'latency', constraints: [], solvers: [], pareto: true },
    },
    'cut-points (cloud, 200 rows)': {
      kind: 'cut-points',
      args: { topology: three, serverTier: 2, limit: 200 },
    },
    'cut-points (cloud, every row)': {
      kind: 'cut-points',
      args: { topology: three, serverTier: 2, limit: Math.min(10_000, layers + 1) },
    },
    'sweep (WiFi, 25 steps)': {
      kind: 'sweep',
      args: { topology: three, hop: 0, fromMbps: 0.1, toMbps: 1000, steps: 25, placement: {} },
    },
  };
  process.stdout.write(`${model.name}: ${layers} layers, ${view.summary.nodeCount} nodes\n`);
  for (const [job, request] of Object.entries(jobs)) {
    process.stdout.write(`  ${job.padEnd(32)} ${await timeJob(host, sessionId, request, model.repeat)}\n`);
  }
  await host.closeSession(sessionId);
}
await host.close();
fs.rmSync(configDir, { recursive: true, force: true });
