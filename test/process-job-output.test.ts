/**
 * The host reads its process jobs' output defensively: a command whose answer has another shape
 * ends its job as failed (not a rejection in the exit handler that leaves the job running), and
 * stdout lines that are not harness events (not JSON, JSON of another shape, a last line cut
 * short) are never streamed to the page. An export whose verification skipped the whole-model
 * comparison reaches the page as skipped, with its reason in the studio's words, and one that
 * does not say whether it compared is not read as compared. The commands are small stand-in
 * scripts run as the host runs `cutline`: a real child process in its own group, its real pipes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SAMPLES_DIR } from '../app/host/sample-catalog.js';
import {
  createProcessJobs,
  type ProcessJobs,
  type ProcessJobsOptions,
  type SessionModel,
} from '../app/host/process-jobs.js';
import type { JobEvent } from '../app/shared/studio-api.js';
import { loadTopology } from '../core/profiles/load.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-job-output-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A `cutline` stand-in: `export` answers JSON missing its fields, `harness` prints odd lines. */
const cliEntry = path.join(dir, 'fake-cutline.mjs');
fs.writeFileSync(
  cliEntry,
  `const [command] = process.argv.slice(2);
if (command === 'export') {
  process.stdout.write(JSON.stringify({ bundle: '/somewhere' }) + '\\n');
  process.exit(0);
}
process.stdout.write('not json at all\\n');
process.stdout.write('null\\n');
process.stdout.write('[1, 2, 3]\\n');
process.stdout.write(JSON.stringify({ event: 5 }) + '\\n');
process.stdout.write(JSON.stringify({ event: 'tier', tier: 5, url: 'x', pid: 1 }) + '\\n');
process.stdout.write(JSON.stringify({ event: 'request', index: 'first' }) + '\\n');
process.stdout.write(JSON.stringify({ event: 'bogus' }) + '\\n');
process.stdout.write('x'.repeat(200000) + '\\n');
process.stdout.write(JSON.stringify({ event: 'tier', tier: 'device', url: 'http://127.0.0.1:1', pid: 1 }) + '\\n');
process.stdout.write('{"event":"summ', () => process.exit(1));
`,
);

const model: SessionModel = {
  path: path.join(SAMPLES_DIR, 'resnet-mini.onnx'),
  fileName: 'resnet-mini.onnx',
  sha256: '0'.repeat(64),
  inputs: {},
};

/** An export answer as `cutline export --json` prints it, varied by the --out folder's name. */
const exportEntry = path.join(dir, 'fake-export-cutline.mjs');
fs.writeFileSync(
  exportEntry,
  `const args = process.argv.slice(2);
const out = args[args.indexOf('--out') + 1];
const kind = out.slice(out.lastIndexOf('/') + 1);
const segment = (id, tier, data) => ({ id, tier, file: tier + '/' + id + '.onnx', bytes: 5000, data, inputs: ['x'], outputs: ['y'] });
const verification = {
  maxAbsDiff: 0,
  outputs: [],
  tolerance: 0.0001,
  ok: true,
  ...(kind === 'unsaid' ? {} : { wholeModel: 'skipped', skippedBecause: 'the whole model needs about 3.1 GB of memory and this machine has 1.0 GB free (pass --verify-whole to compare anyway)' }),
};
process.stdout.write(JSON.stringify({
  bundle: out,
  zip: null,
  segments: [segment('device-0', 'device', { file: 'device/device-0.onnx.data', bytes: 1048576 }), segment('cloud-1', 'cloud', null)],
  crossings: [{ tensor: 'h', direction: 'up', hop: 0 }],
  bindings: {},
  predicted: { latencyMs: 3, deviceEnergyMj: 1, linkBytes: 64 },
  verification,
}) + '\\n');
`,
);

/** Process jobs whose events are all kept, and the end of the (first) job to finish. */
function recordingJobs(options: ProcessJobsOptions): {
  jobs: ProcessJobs;
  events: JobEvent[];
  ended: Promise<JobEvent>;
} {
  const events: JobEvent[] = [];
  let onEnd: ((event: JobEvent) => void) | null = null;
  const ended = new Promise<JobEvent>((resolve) => (onEnd = resolve));
  const jobs = createProcessJobs(options, (event) => {
    events.push(event);
    if (event.type === 'done' || event.type === 'failed') onEnd?.(event);
  });
  return { jobs, events, ended };
}

/** A bundle folder (a manifest only) listed as exported, as the harness job requires. */
function listedBundle(name: string): { bundleDir: string; listFile: string } {
  const bundleDir = path.join(dir, name);
  fs.mkdirSync(bundleDir);
  fs.writeFileSync(path.join(bundleDir, 'manifest.json'), '{}');
  const listFile = path.join(dir, `${name}.json`);
  fs.writeFileSync(
    listFile,
    JSON.stringify({ version: 1, bundles: [{ dir: bundleDir, exportedAt: new Date().toISOString() }] }),
  );
  return { bundleDir, listFile };
}

/** Runs the export stand-in into `outDir` and returns how its job ended. */
async function exportEnd(outDir: string): Promise<JobEvent> {
  const { jobs, ended } = recordingJobs({ cliEntry: exportEntry });
  expect(
    jobs.start('job-x', 'session-1', model, {
      kind: 'export',
      args: {
        topology: loadTopology('n2-wifi-i7'),
        placement: {},
        pins: [],
        inputs: {},
        objective: 'latency',
        outDir,
        zip: false,
        force: false,
        onUnreachable: 'fail',
        verify: true,
        externalDataAboveBytes: 1024,
      },
    }),
  ).toBeNull();
  const end = await ended;
  await jobs.close({ code: 'SESSION_CLOSED', message: 'done' });
  return end;
}

describe('process job output', () => {
  it('an export that skipped the whole-model comparison is skipped for the page, with its data files', async () => {
    const end = await exportEnd(path.join(dir, 'skipped'));
    expect(end.type).toBe('done');
    const result = end.type === 'done' && end.result.kind === 'export' ? end.result.value : null;
    expect(result?.segments.map((s) => s.data)).toEqual([
      { file: 'device/device-0.onnx.data', bytes: 1048576 },
      null,
    ]);
    expect(result?.verification).toMatchObject({ wholeModel: 'skipped', ok: true, outputs: [] });
    // The CLI's flag in the tab's words.
    expect(result?.verification?.skippedBecause).toBe(
      'the whole model needs about 3.1 GB of memory and this machine has 1.0 GB free (tick "Compare with the whole model" under Advanced to compare anyway)',
    );
  });

  it('an export answer that does not say whether it compared with the whole model fails the job', async () => {
    const end = await exportEnd(path.join(dir, 'unsaid'));
    expect(end).toMatchObject({ type: 'failed', error: { code: 'INTERNAL' } });
  });

  it('an export answer of another shape fails the job', async () => {
    const { jobs, ended } = recordingJobs({ cliEntry });
    const refused = jobs.start('job-1', 'session-1', model, {
      kind: 'export',
      args: {
        topology: loadTopology('n2-wifi-i7'),
        placement: {},
        pins: [],
        inputs: {},
        objective: 'latency',
        outDir: path.join(dir, 'bundle'),
        zip: false,
        force: false,
        onUnreachable: 'local',
        verify: true,
      },
    });
    expect(refused).toBeNull();
    const end = await ended;
    expect(end).toMatchObject({ type: 'failed', error: { code: 'INTERNAL' } });
    expect(end.type === 'failed' && end.error.message).toMatch(/without an answer the studio could read/);
    expect(jobs.running).toBe(0);
    await jobs.close({ code: 'SESSION_CLOSED', message: 'done' });
  });

  it('streams only harness events to the page and fails a run with no readable summary', async () => {
    const { bundleDir, listFile } = listedBundle('exported');
    const { jobs, events, ended } = recordingJobs({ cliEntry, exportedBundlesFile: listFile });
    expect(
      jobs.start('job-2', 'session-1', null, {
        kind: 'harness',
        args: { bundleDir, runs: 1, stream: 0, emulateLinks: false, calibrate: false },
      }),
    ).toBeNull();
    const end = await ended;
    expect(end).toMatchObject({ type: 'failed', error: { code: 'INTERNAL' } });
    const partials = events.flatMap((e) => (e.type === 'partial' ? [e.partial.value] : []));
    expect(partials).toEqual([{ event: 'tier', tier: 'device', url: 'http://127.0.0.1:1', pid: 1 }]);
    const logs = events.flatMap((e) => (e.type === 'log' ? [e.line] : []));
    // The six JSON lines of another shape (null, an array, a number or unknown event, bad fields)
    // are each logged, not drawn.
    const skipped = logs.filter((line) => line.startsWith('Skipped a harness line of an unknown shape'));
    expect(skipped).toHaveLength(6);
    await jobs.close({ code: 'SESSION_CLOSED', message: 'done' });
  });

  it('drops a stdout line over 1 MB with a log line, and reads the answer from the last 50 lines', async () => {
    // A harness stand-in: a 3 MB line written in pieces, its summary, then 60 more event lines.
    const entry = path.join(dir, 'fake-long-cutline.mjs');
    fs.writeFileSync(
      entry,
      `const piece = 'x'.repeat(64 * 1024);
for (let i = 0; i < 48; i++) process.stdout.write(piece);
process.stdout.write('\\n' + JSON.stringify({ event: 'summary', summary: { requests: 1 } }) + '\\n');
for (let i = 0; i < 60; i++) process.stdout.write(JSON.stringify({ event: 'error', message: 'line ' + i }) + '\\n');
`,
    );
    const { bundleDir, listFile } = listedBundle('exported-long');
    const { jobs, events, ended } = recordingJobs({ cliEntry: entry, exportedBundlesFile: listFile });
    expect(
      jobs.start('job-3', 'session-1', null, {
        kind: 'harness',
        args: { bundleDir, runs: 1, stream: 0, emulateLinks: false, calibrate: false },
      }),
    ).toBeNull();
    const end = await ended;
    const logs = events.flatMap((e) => (e.type === 'log' ? [e.line] : []));
    expect(logs).toContain(
      `Dropped a stdout line of ${48 * 64 * 1024} characters (over 1 MB); the studio reads no line that long.`,
    );
    // Every event line was streamed, but only the last 50 lines were kept: the summary is not among them.
    expect(events.filter((e) => e.type === 'partial')).toHaveLength(60);
    expect(end).toMatchObject({ type: 'failed', error: { code: 'INTERNAL' } });
    await jobs.close({ code: 'SESSION_CLOSED', message: 'done' });
  });
});
