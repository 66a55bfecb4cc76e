/**
 * One `cutline` command run as a child process of the host, in a process group of its own, so it
 * can be stopped with everything it started (the harness's tier processes): SIGTERM to the whole
 * group first (the harness then stops and reaps its tiers, the profiler removes its traces), and
 * SIGKILL to whatever is left of the group after a grace period. Windows has no process groups to
 * signal: there its stdin is closed (the command then stops its tiers itself, stop-signals.ts) and
 * after the grace period `taskkill /T /F` ends the process tree. Either way the wait for the exit
 * is bounded: a stop always ends, saying whether the command was seen to exit.
 */
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { STOP_WITH_PARENT_ENV } from '../cli/stop-signals.js';
import { readLines } from './line-reader.js';

/** The repository's `bin/cutline.js`: the build in dist/cli/ while it is current, else the sources through tsx. */
export const DEFAULT_CLI_ENTRY = fileURLToPath(new URL('../../bin/cutline.js', import.meta.url));

/** How long a stopped command has to end by itself before its process group is killed. */
export const STOP_GRACE_MS = 5_000;
/** How long a killed command may take to exit before the stop ends without it. */
export const EXIT_WAIT_MS = 10_000;

export interface CliExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface CliProcess {
  readonly pid: number;
  /** Settles when the command's process has exited and its output has been read. */
  readonly exited: Promise<CliExit>;
  /**
   * Stops the command and every process of its group; resolves once they are gone, or once the
   * exit wait is over with `exited: false` (something of it may still run).
   */
  stop(): Promise<CliStopped>;
}

export interface CliStopped {
  readonly exited: boolean;
}

export interface CliRun {
  readonly cliEntry: string;
  readonly args: readonly string[];
  readonly onStdoutLine: (line: string) => void;
  readonly onStderrLine: (line: string) => void;
  readonly graceMs?: number;
  readonly exitWaitMs?: number;
  /** Tests: the platform whose way of stopping to use, and the `taskkill` runner (argv only). */
  readonly platform?: NodeJS.Platform;
  readonly runTaskkill?: (argv: readonly string[]) => Promise<void>;
}

/** `taskkill`'s arguments that end process `pid` and every process it started, forcibly. */
export const taskkillArgv = (pid: number): string[] => ['/pid', String(pid), '/T', '/F'];

/** Runs `taskkill` (no shell); resolves however it ends: a tree already gone is not an error. */
const runTaskkill = (argv: readonly string[]): Promise<void> =>
  new Promise((resolve) => {
    execFile('taskkill', [...argv], { windowsHide: true }, () => resolve());
  });

/** Whether `promise` settles within `ms`. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  const first = await Promise.race([promise, late]);
  clearTimeout(timer);
  return first !== 'late';
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
    // Windows: detached would give it a console window of its own.
    windowsHide: true,
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

  let stopping: Promise<CliStopped> | null = null;
  const graceMs = run.graceMs ?? STOP_GRACE_MS;
  const exitWaitMs = run.exitWaitMs ?? EXIT_WAIT_MS;
  const stopWindows = async (): Promise<CliStopped> => {
    // The command stops itself (and its tiers) when its stdin ends; taskkill if it does not.
    child.stdin!.end();
    if (!(await within(exited, graceMs))) await (run.runTaskkill ?? runTaskkill)(taskkillArgv(pid));
    return { exited: await within(exited, exitWaitMs) };
  };
  const stopPosix = async (): Promise<CliStopped> => {
    signalGroup(pid, 'SIGTERM');
    if (!(await within(exited, graceMs))) signalGroup(pid, 'SIGKILL');
    if (!(await within(exited, exitWaitMs))) return { exited: false };
    // The command is gone; anything of its group still there (a tier it could not stop) goes too.
    if (groupAlive(pid)) signalGroup(pid, 'SIGKILL');
    // Bounded: a killed orphan stays in the group until whoever adopted it reaps it.
    for (let waited = 0; groupAlive(pid) && waited < graceMs; waited += 20)
      await new Promise((resolve) => setTimeout(resolve, 20));
    return { exited: true };
  };
  const stop = (): Promise<CliStopped> =>
    (stopping ??= (async () => {
      if (pid < 0) return { exited: true };
      return (run.platform ?? process.platform) === 'win32' ? stopWindows() : stopPosix();
    })());
  return { pid, exited, stop };
}
