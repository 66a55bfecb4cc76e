/**
 * One `cutline` command run as a child process of the host, in a process group of its own, so it
 * can be stopped with everything it started (the harness's tier processes): SIGTERM to the whole
 * group first (the harness then stops and reaps its tiers, the profiler removes its traces), and
 * SIGKILL to whatever is left of the group after a grace period.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { STOP_WITH_PARENT_ENV } from '../cli/stop-signals.js';
import { readLines } from './line-reader.js';

/** The repository's `bin/cutline.js` (runs the TypeScript sources through tsx). */
export const DEFAULT_CLI_ENTRY = fileURLToPath(new URL('../../bin/cutline.js', import.meta.url));

/** How long a stopped command has to end by itself before its process group is killed. */
export const STOP_GRACE_MS = 5_000;

export interface CliExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface CliProcess {
  readonly pid: number;
  /** Settles when the command's process has exited and its output has been read. */
  readonly exited: Promise<CliExit>;
  /** Stops the command and every process of its group; resolves once they are gone. */
  stop(): Promise<void>;
}

export interface CliRun {
  readonly cliEntry: string;
  readonly args: readonly string[];
  readonly onStdoutLine: (line: string) => void;
  readonly onStderrLine: (line: string) => void;
  readonly graceMs?: number;
}

/** Sends `signal` to the process group `pgid`; false when no process of it is left. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Whether any process of group `pgid` is still there. */
export const groupAlive = (pgid: number): boolean => signalGroup(pgid, 0);

export function startCli(run: CliRun): CliProcess {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // In Electron, process.execPath is the Electron binary: this makes it a plain Node.
  if (process.versions.electron !== undefined) env.ELECTRON_RUN_AS_NODE = '1';
  // stdin stays open while the host lives: if the host dies, it closes and a harness or profile
  // run stops itself (app/cli/stop-signals.ts) rather than outliving it in its own group.
  env[STOP_WITH_PARENT_ENV] = '1';
  const child = spawn(process.execPath, [run.cliEntry, ...run.args], {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
    env,
  });
  // A command that exits breaks the pipe; the host must not fail over it.
  child.stdin!.on('error', () => undefined);
  const pid = child.pid ?? -1;
  const exited = new Promise<CliExit>((resolve) => {
    // 'close' comes after 'exit' once stdout and stderr are drained, so no line is lost.
    child.once('close', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  const tooLong = (stream: 'stdout' | 'stderr') => (chars: number) =>
    run.onStderrLine(
      `cutline: Dropped a ${stream} line of ${chars} characters (over 1 MB); the studio reads no line that long.`,
    );
  readLines(child.stdout!, { onLine: run.onStdoutLine, onTooLong: tooLong('stdout') });
  readLines(child.stderr!, { onLine: run.onStderrLine, onTooLong: tooLong('stderr') });

  let stopping: Promise<void> | null = null;
  const graceMs = run.graceMs ?? STOP_GRACE_MS;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (pid < 0) return;
      signalGroup(pid, 'SIGTERM');
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
      if ((await Promise.race([exited, late])) === 'late') signalGroup(pid, 'SIGKILL');
      clearTimeout(timer);
      await exited;
      // The command is gone; anything of its group still there (a tier it could not stop) goes too.
      if (groupAlive(pid)) signalGroup(pid, 'SIGKILL');
      // Bounded: a killed orphan stays in the group until whoever adopted it reaps it.
      for (let waited = 0; groupAlive(pid) && waited < graceMs; waited += 20)
        await new Promise((resolve) => setTimeout(resolve, 20));
    })());
  return { pid, exited, stop };
}
