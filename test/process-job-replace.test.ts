/**
 * An export that would replace the bundle folder a harness job is running is refused: the run's
 * tiers read their sub-models from it. The harness is a stand-in command that runs until stopped,
 * started as the host starts `cutline` (its own process group, real pipes).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SAMPLES_DIR } from '../app/host/sample-catalog.js';
import { createProcessJobs, type SessionModel } from '../app/host/process-jobs.js';
import type { ExportArgs, JobEvent } from '../app/shared/studio-api.js';
import { loadTopology } from '../core/profiles/load.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-job-replace-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const cliEntry = path.join(dir, 'fake-cutline.mjs');
fs.writeFileSync(
  cliEntry,
  `process.stdout.write(JSON.stringify({ event: 'tier', tier: 'device', url: 'http://127.0.0.1:1', pid: 1 }) + '\\n');
setInterval(() => undefined, 1000);
`,
);

const model: SessionModel = {
  path: path.join(SAMPLES_DIR, 'resnet-mini.onnx'),
  fileName: 'resnet-mini.onnx',
  sha256: '0'.repeat(64),
  inputs: {},
};

const exportArgs = (outDir: string): ExportArgs => ({
  topology: loadTopology('n2-wifi-i7'),
  placement: {},
  pins: [],
  inputs: {},
  objective: 'latency',
  outDir,
  zip: false,
  force: true,
  onUnreachable: 'local',
  verify: true,
});

describe('export into a running bundle', () => {
  it('is refused BUSY while a harness job runs that bundle, and allowed once it is stopped', async () => {
    const bundleDir = path.join(dir, 'bundle');
    fs.mkdirSync(bundleDir);
    fs.writeFileSync(path.join(bundleDir, 'manifest.json'), '{}');
    const listFile = path.join(dir, 'exported-bundles.json');
    fs.writeFileSync(
      listFile,
      JSON.stringify({ version: 1, bundles: [{ dir: bundleDir, exportedAt: new Date().toISOString() }] }),
    );
    const events: JobEvent[] = [];
    let onPartial: (() => void) | null = null;
    const jobs = createProcessJobs({ cliEntry, exportedBundlesFile: listFile, maxRunning: 4 }, (event) => {
      events.push(event);
      if (event.type === 'partial') onPartial?.();
    });
    const listening = new Promise<void>((resolve) => (onPartial = resolve));
    const harness = { bundleDir, runs: 1, stream: 0, emulateLinks: false, calibrate: false };
    expect(jobs.start('run-1', 'session-1', null, { kind: 'harness', args: harness })).toBeNull();
    await listening;

    // The same folder, also spelled with a trailing separator and a `..` detour.
    for (const outDir of [bundleDir, `${bundleDir}${path.sep}`, path.join(dir, 'x', '..', 'bundle')]) {
      expect(
        jobs.start(`export-${outDir}`, 'session-1', model, { kind: 'export', args: exportArgs(outDir) }),
      ).toEqual({
        code: 'BUSY',
        message: 'A run is using this bundle; stop it first, then export again.',
      });
    }
    expect(fs.existsSync(path.join(bundleDir, 'manifest.json'))).toBe(true);
    expect(jobs.running).toBe(1);

    await jobs.cancel('run-1');
    expect(events.at(-1)).toMatchObject({ type: 'failed', jobId: 'run-1', error: { code: 'CANCELLED' } });
    // Nothing runs it now: the export starts (the stand-in then runs until the close below stops it).
    expect(
      jobs.start('export-after', 'session-1', model, { kind: 'export', args: exportArgs(bundleDir) }),
    ).toBeNull();
    await jobs.close({ code: 'SESSION_CLOSED', message: 'done' });
  });
});
