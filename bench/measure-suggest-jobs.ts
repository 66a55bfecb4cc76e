/**
 * How long the studio's solve, cut-points and sweep jobs take through the real host and session
 * worker (job start → result event), on the samples, a 1,004-layer model and the 10k-node bench
 * model. A measurement to read, not a test: `npx tsx bench/measure-suggest-jobs.ts [--big]`.
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

async function timeJob(host: StudioHost, sessionId: string, request: JobRequest): Promise<string> {
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
  const ms = performance.now() - start;
  return end.type === 'done' ? `${ms.toFixed(0)} ms` : `failed after ${ms.toFixed(0)} ms (${end.error.code})`;
}

const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-measure-'));
const host = createStudioHost({ configDir, analysis: { timeoutMs: 600_000 } });
const models: { name: string; bytes: () => Uint8Array }[] = [
  ...fs
    .readdirSync(SAMPLES_DIR)
    .filter((f) => f.endsWith('.onnx'))
    .map((f) => ({ name: f, bytes: () => fs.readFileSync(path.join(SAMPLES_DIR, f)) })),
  { name: 'deep1k (1,004 layers)', bytes: deepModelBytes },
];
if (process.argv.includes('--big')) {
  const cached = await ensureModel(findBenchModel('deep10k-narrow')!);
  models.push({ name: 'deep10k-narrow', bytes: () => fs.readFileSync(cached.path) });
}
const three = loadTopology('pi4-wifi-edge-wan-cloud');
const two = loadTopology('n2-wifi-i7');
for (const model of models) {
  const opened = await host.openBytes(model.name, model.bytes());
  if (!opened.ok) throw new Error(opened.error.message);
  const { sessionId, view } = opened.model;
  const layers = opened.model.partition.units.length;
  const solve = (topology = three, pareto = false): JobRequest => ({
    kind: 'solve',
    args: { topology, objective: 'latency', constraints: [], solvers: [], pareto },
  });
  const rows = {
    'solve (3 tiers, 4 solvers)': await timeJob(host, sessionId, solve()),
    'solve + pareto (3 tiers)': await timeJob(host, sessionId, solve(three, true)),
    'solve + pareto (2 tiers)': await timeJob(host, sessionId, solve(two, true)),
    'cut-points (cloud, 50 rows)': await timeJob(host, sessionId, {
      kind: 'cut-points',
      args: { topology: three, serverTier: 2, limit: 50 },
    }),
    'cut-points (cloud, every row)': await timeJob(host, sessionId, {
      kind: 'cut-points',
      args: { topology: three, serverTier: 2, limit: Math.min(10_000, layers + 1) },
    }),
    'sweep (WiFi, 25 steps)': await timeJob(host, sessionId, {
      kind: 'sweep',
      args: { topology: three, hop: 0, fromMbps: 0.1, toMbps: 1000, steps: 25, placement: {} },
    }),
  };
  process.stdout.write(`${model.name}: ${layers} layers, ${view.summary.nodeCount} nodes\n`);
  for (const [job, time] of Object.entries(rows)) process.stdout.write(`  ${job.padEnd(32)} ${time}\n`);
  host.closeSession(sessionId);
}
await host.close();
fs.rmSync(configDir, { recursive: true, force: true });
