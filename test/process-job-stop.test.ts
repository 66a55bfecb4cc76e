/**
 * Stopping a `cutline` command always ends: on Windows (no process groups to signal) its stdin is
 * closed, then `taskkill /pid PID /T /F` ends the tree; a command still there after the exit wait
 * is reported as possibly left running instead of the stop waiting forever. The Windows branch
 * runs here with its `taskkill` runner replaced by one that records the argv and kills nothing,
 * which is also a command that outlives its kill. The commands are real child processes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli, taskkillArgv } from '../app/host/cli-process.js';
import { createProcessJobs, type SessionModel } from '../app/host/process-jobs.js';
import { SAMPLES_DIR } from '../app/host/sample-catalog.js';
import type { JobEvent } from '../app/shared/studio-api.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-job-stop-'));
const started: number[] = [];
afterAll(() => {
  // The commands the recording taskkill left running.
  for (const pid of started) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A command that ignores the end of its stdin (and SIGTERM): only a kill ends it. */
const stubborn = path.join(dir, 'stubborn.mjs');
fs.writeFileSync(
  stubborn,
  `process.on('SIGTERM', () => undefined);
process.stdout.write('started\\n');
setInterval(() => undefined, 1000);
`,
);
/** A command that stops when its stdin ends, as `cutline harness` does when the studio started it. */
const polite = path.join(dir, 'polite.mjs');
fs.writeFileSync(
  polite,
  `process.stdin.on('end', () => process.exit(0)).resume();
process.stdout.write('started\\n');
`,
);

const quiet = { onStdoutLine: () => undefined, onStderrLine: () => undefined };

describe('stopping a command', () => {
  it('names the process and its whole tree to taskkill, forcibly', () => {
    expect(taskkillArgv(4242)).toEqual(['/pid', '4242', '/T', '/F']);
  });

  it('on Windows: taskkill after the grace period, and a command that outlives it does not hold the stop', async () => {
    const calls: (readonly string[])[] = [];
    const cli = startCli({
      ...quiet,
      cliEntry: stubborn,
      args: [],
      graceMs: 100,
      exitWaitMs: 200,
      platform: 'win32',
      runTaskkill: async (argv) => void calls.push(argv),
    });
    started.push(cli.pid);
    expect(await cli.stop()).toEqual({ exited: false });
    expect(calls).toEqual([['/pid', String(cli.pid), '/T', '/F']]);
  });

  it('on Windows: a command that stops when its stdin ends needs no taskkill', async () => {
    const calls: (readonly string[])[] = [];
    let onLine: (() => void) | null = null;
    const ready = new Promise<void>((resolve) => (onLine = resolve));
    const cli = startCli({
      onStdoutLine: () => onLine?.(),
      onStderrLine: () => undefined,
      cliEntry: polite,
      args: [],
      graceMs: 10_000,
      platform: 'win32',
      runTaskkill: async (argv) => void calls.push(argv),
    });
    started.push(cli.pid);
    await ready;
    expect(await cli.stop()).toEqual({ exited: true });
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect(calls).toEqual([]);
  });

  it('elsewhere: SIGKILL to the group ends a command that ignores SIGTERM', async () => {
    let onLine: (() => void) | null = null;
    const ready = new Promise<void>((resolve) => (onLine = resolve));
    const cli = startCli({
      onStdoutLine: () => onLine?.(),
      onStderrLine: () => undefined,
      cliEntry: stubborn,
      args: [],
      graceMs: 100,
    });
    started.push(cli.pid);
    // Its SIGTERM handler is in place once it has printed.
    await ready;
    expect(await cli.stop()).toEqual({ exited: true });
    expect((await cli.exited).signal).toBe('SIGKILL');
  });

  it('a job whose command outlives its kill ends CANCELLED, with a log line saying what may be left', async () => {
    const events: JobEvent[] = [];
    const jobs = createProcessJobs(
      {
        cliEntry: stubborn,
        graceMs: 100,
        stopping: { exitWaitMs: 200, platform: 'win32', runTaskkill: async () => undefined },
      },
      (event) => events.push(event),
    );
    const model: SessionModel = {
      path: path.join(SAMPLES_DIR, 'resnet-mini.onnx'),
      fileName: 'resnet-mini.onnx',
      sha256: '0'.repeat(64),
      inputs: {},
    };
    expect(
      jobs.start('job-1', 'session-1', model, { kind: 'profile', args: { runs: 1, warmup: 0 } }),
    ).toBeNull();
    await jobs.cancel('job-1');
    const log = events.find((e) => e.type === 'log' && e.line.includes('did not exit'));
    const pid = Number(/process (\d+)/.exec(log?.type === 'log' ? log.line : '')?.[1]);
    started.push(pid);
    expect(log).toMatchObject({
      line: `The profile command (process ${pid}) did not exit after it was killed; it or the tier processes it started may still be running. End them in the system's task manager if so.`,
    });
    expect(events.at(-1)).toMatchObject({ type: 'failed', jobId: 'job-1', error: { code: 'CANCELLED' } });
    expect(jobs.running).toBe(0);
  });
});
