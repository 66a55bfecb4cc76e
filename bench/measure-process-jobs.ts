/**
 * How long the studio's export, harness and profile jobs take through the real host (job start →
 * result event; each is a `cutline` child process), on the samples and a 1,004-layer model. Each
 * model is uploaded as bytes (the host keeps a copy for these jobs) and split in three: its first
 * third of layers on the device, the second on the edge, the rest in the cloud.
 * A measurement to read, not a test: `npx tsx bench/measure-process-jobs.ts [NAME]`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SAMPLES_DIR } from '../app/host/sample-catalog.js';
import { createStudioHost, type StudioHost } from '../app/host/studio-host.js';
import type { JobEvent, JobRequest, TierName } from '../app/shared/studio-api.js';
import { loadTopology } from '../core/profiles/load.js';
import { deepModelBytes } from '../test/e2e/support/deep-model.js';

async function timeJob(
  host: StudioHost,
  sessionId: string,
  request: JobRequest,
): Promise<{ text: string; end: JobEvent }> {
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
  const text =
    end.type === 'done'
      ? `${ms.toFixed(0)} ms`
      : `failed after ${ms.toFixed(0)} ms (${end.error.code}: ${end.error.message})`;
  return { text, end };
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-measure-'));
const host = createStudioHost({
  configDir: path.join(work, 'config'),
  exportsDir: path.join(work, 'bundles'),
});
const models: { name: string; bytes: () => Uint8Array; inputs: Record<string, string> }[] = [
  ...fs
    .readdirSync(SAMPLES_DIR)
    .filter((f) => f.endsWith('.onnx'))
    .map((f) => ({
      name: f,
      bytes: () => fs.readFileSync(path.join(SAMPLES_DIR, f)),
      inputs: f.startsWith('ocr-det') ? { x: '1x3x64x64' } : {},
    })),
  { name: 'deep1k.onnx', bytes: deepModelBytes, inputs: {} },
];
const topology = loadTopology('pi4-wifi-edge-wan-cloud');
// `npx tsx bench/measure-process-jobs.ts deep1k`: only the models whose name contains the word.
const only = process.argv[2];
for (const model of models.filter((m) => only === undefined || m.name.includes(only))) {
  const opened = await host.openBytes(model.name, model.bytes());
  if (!opened.ok) throw new Error(opened.error.message);
  const { sessionId, view, partition } = opened.model;
  const names = partition.units.map((unit) => unit.name);
  const third = Math.floor(names.length / 3);
  const placement: Record<string, TierName> = Object.fromEntries([
    ...names.slice(third, 2 * third).map((name) => [name, 'edge' as const]),
    ...names.slice(2 * third).map((name) => [name, 'cloud' as const]),
  ]);
  const outDir = await host.suggestExportDir(sessionId);
  const exportJob = (verify: boolean, force: boolean): Promise<{ text: string; end: JobEvent }> =>
    timeJob(host, sessionId, {
      kind: 'export',
      args: {
        topology,
        placement,
        pins: [],
        inputs: model.inputs,
        objective: 'latency',
        outDir,
        zip: false,
        force,
        onUnreachable: 'fail',
        verify,
      },
    });
  let exported = await exportJob(true, false);
  const rows: Record<string, string> = { 'export (3 segments, verified)': exported.text };
  if (exported.end.type === 'failed') {
    // Verification failed (the split's outputs differ): still time the export without it.
    exported = await exportJob(false, true);
    rows['export (3 segments, not verified)'] = exported.text;
  }
  const harness = (emulateLinks: boolean, calibrate: boolean): JobRequest => ({
    kind: 'harness',
    args: { bundleDir: outDir, runs: 10, stream: 10, emulateLinks, calibrate },
  });
  if (exported.end.type === 'done') {
    rows['harness (10 + 10 requests, links emulated)'] = (
      await timeJob(host, sessionId, harness(true, false))
    ).text;
    rows['harness (10 + 10, no emulation)'] = (await timeJob(host, sessionId, harness(false, false))).text;
    rows['harness (10 + 10, emulated, calibrated)'] = (
      await timeJob(host, sessionId, harness(true, true))
    ).text;
  }
  rows['profile (20 runs, 5 warm-up)'] = (
    await timeJob(host, sessionId, { kind: 'profile', args: { runs: 20, warmup: 5 } })
  ).text;
  rows['profile (5 runs, 1 warm-up)'] = (
    await timeJob(host, sessionId, { kind: 'profile', args: { runs: 5, warmup: 1 } })
  ).text;
  process.stdout.write(`${model.name}: ${names.length} layers, ${view.summary.nodeCount} nodes\n`);
  for (const [job, time] of Object.entries(rows)) process.stdout.write(`  ${job.padEnd(44)} ${time}\n`);
  await host.closeSession(sessionId);
}
await host.close();
fs.rmSync(work, { recursive: true, force: true });
