/**
 * The processes sessions run in: starting them (with their heap limit), keeping one idle process
 * started ahead so an open does not wait for start-up, and handing an open request to one.
 *
 * Each session's analysis is a child process, not a worker thread: V8 can abort the whole
 * process from a worker (a huge single allocation, heap exhaustion in GC), and a ~100-byte model
 * once took the studio host down that way (issue 13). `AnalysisChild` gives the child the
 * message API the session runner used with workers (postMessage, 'message', 'error', 'exit',
 * terminate, unref).
 *
 * The default script is worker/bootstrap.js, which registers tsx's loader and imports
 * worker/analysis-worker.ts. A packaged build that compiles the analysis to JavaScript passes its
 * own `workerUrl` instead, started as is. In Electron, process.execPath is the Electron binary:
 * ELECTRON_RUN_AS_NODE makes the child a plain Node, as cli-process.ts does for the CLI.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { prebuiltWorker } from './prebuilt-worker.js';
import type { HostMessage, WorkerMessage } from './worker/protocol.js';

export interface WorkerPoolOptions {
  /** The analysis script; when given it is started as is, without the tsx bootstrap. */
  readonly workerUrl?: URL;
  /** V8 heap limit of each analysis process (`--max-old-space-size`, default 4096 MB). */
  readonly heapMb?: number;
  /** Start one analysis process ahead of the first open (default true). */
  readonly prewarm?: boolean;
  /** Variables added to the analysis processes' environment (tests: worker/test-hooks.ts). */
  readonly childEnv?: Readonly<Record<string, string>>;
}

export const DEFAULT_HEAP_MB = 4096;

/** How an analysis process ended. */
export interface ChildEnd {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** V8 ran out of heap or hit an allocation limit (it says so on stderr, then aborts). */
  readonly outOfMemory: boolean;
  /** The host ended it (terminate): closed, cancelled, or past its time budget. */
  readonly terminated: boolean;
}

export interface AnalysisChildEvents {
  message: [message: WorkerMessage];
  error: [error: Error];
  exit: [end: ChildEnd];
}

export interface AnalysisChild {
  readonly pid: number | undefined;
  postMessage(message: HostMessage): void;
  on<E extends keyof AnalysisChildEvents>(
    event: E,
    listener: (...args: AnalysisChildEvents[E]) => void,
  ): this;
  once<E extends keyof AnalysisChildEvents>(
    event: E,
    listener: (...args: AnalysisChildEvents[E]) => void,
  ): this;
  off<E extends keyof AnalysisChildEvents>(
    event: E,
    listener: (...args: AnalysisChildEvents[E]) => void,
  ): this;
  /** Kills the process (SIGKILL: a busy analysis reads no message); resolves once it has exited. */
  terminate(): Promise<void>;
  /** The process no longer keeps the host's event loop alive. */
  unref(): void;
}

export interface WorkerPool {
  /** A started process (the idle one when there is one); another is started ahead for the next. */
  take(): AnalysisChild;
  /** A taken process that holds nothing (its open failed cleanly): it becomes the idle one. */
  giveBack(child: AnalysisChild): void;
  /** Stops the idle process and starts no more. */
  close(): Promise<void>;
}

const BOOTSTRAP_PATH = fileURLToPath(new URL('./worker/bootstrap.js', import.meta.url));
const ENTRY_URL = new URL('./worker/analysis-worker.ts', import.meta.url);
/** How long terminate() waits for a killed process to exit. */
const TERMINATE_WAIT_MS = 5_000;
/** Enough of the child's last stderr to see V8's "heap out of memory" line. */
const STDERR_TAIL_CHARS = 4096;

/** Every analysis process alive, killed if the host exits with them still running. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function killOnHostExit(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const running of live) running.kill('SIGKILL');
  });
}

class ForkedAnalysis extends EventEmitter implements AnalysisChild {
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private terminated = false;
  private stderrTail = '';

  constructor(options: WorkerPoolOptions) {
    super();
    // An 'error' with no listener would throw; the runner's listeners come and go with opens.
    this.on('error', () => undefined);
    const env: NodeJS.ProcessEnv = { ...process.env, ...options.childEnv };
    if (process.versions.electron !== undefined) env.ELECTRON_RUN_AS_NODE = '1';
    // Cutline's own build brings its worker built (prebuilt-worker.ts): no tsx to bootstrap.
    const workerUrl = options.workerUrl ?? prebuiltWorker() ?? undefined;
    const script = workerUrl ? fileURLToPath(workerUrl) : BOOTSTRAP_PATH;
    const args = workerUrl ? [] : [ENTRY_URL.href];
    this.child = fork(script, args, {
      execArgv: [`--max-old-space-size=${options.heapMb ?? DEFAULT_HEAP_MB}`],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env,
    });
    killOnHostExit(this.child);
    const stderr = this.child.stderr as Socket | null;
    stderr?.setEncoding('utf8');
    stderr?.on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-STDERR_TAIL_CHARS);
    });
    this.child.on('message', (message: WorkerMessage) => this.emit('message', message));
    this.exited = new Promise((resolve) => {
      let ended = false;
      const end = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (ended) return;
        ended = true;
        // V8 says why before it aborts; an abort without those words (a native library's assert,
        // say) is not called a lack of memory.
        const outOfMemory = !this.terminated && V8_OUT_OF_MEMORY.test(this.stderrTail);
        this.emit('exit', { code, signal, outOfMemory, terminated: this.terminated } satisfies ChildEnd);
        resolve();
      };
      // 'close' comes once stderr is drained too, so V8's last words are in the tail.
      this.child.once('close', end);
      this.child.on('error', (error) => {
        this.emit('error', error);
        // A process that could not be started has no exit to wait for.
        if (this.child.pid === undefined) end(null, null);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  postMessage(message: HostMessage): void {
    if (!this.child.connected) return; // it has exited: its 'exit' tells the runner
    // A send that fails means the process is going; its exit is reported the same way.
    this.child.send(message, (error) => void error);
  }

  terminate(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.terminated = true;
      this.child.kill('SIGKILL');
    }
    // Bounded: a process stuck in the kernel (a hung network file system) exits only when it
    // returns, and an open or a close must not wait on that.
    // An idle process is unref'd; whoever awaits its end must keep the event loop alive until it
    // comes, or a host closing on Ctrl+C finds the loop empty mid-await and exits with code 13.
    this.child.ref();
    (this.child.stderr as Socket | null)?.ref();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, TERMINATE_WAIT_MS);
    });
    return Promise.race([this.exited, late]).finally(() => clearTimeout(timer));
  }

  unref(): void {
    this.child.unref();
    this.child.channel?.unref();
    (this.child.stderr as Socket | null)?.unref();
  }
}

export function startAnalysisChild(options: WorkerPoolOptions): AnalysisChild {
  return new ForkedAnalysis(options);
}

export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  let idle: AnalysisChild | undefined;
  let closed = false;

  const dropIdle = (): void => {
    idle = undefined;
  };
  const keepIdle = (child: AnalysisChild): void => {
    // An idle process must not keep the host alive, and its failure only means the next open
    // starts a fresh one.
    child.unref();
    child.once('error', dropIdle);
    child.once('exit', dropIdle);
    idle = child;
  };
  const startIdle = (): void => {
    if (closed || idle) return;
    keepIdle(startAnalysisChild(options));
  };
  if (options.prewarm ?? true) startIdle();

  return {
    take() {
      const child = idle;
      idle = undefined;
      if (child) {
        child.off('error', dropIdle);
        child.off('exit', dropIdle);
      }
      const taken = child ?? startAnalysisChild(options);
      startIdle();
      return taken;
    },
    giveBack(child) {
      if (closed) {
        void child.terminate();
        return;
      }
      // It is ready now; the idle one started by take() may still be starting.
      const starting = idle;
      idle = undefined;
      if (starting) {
        starting.off('error', dropIdle);
        starting.off('exit', dropIdle);
        void starting.terminate();
      }
      keepIdle(child);
    },
    async close() {
      closed = true;
      const spare = idle;
      idle = undefined;
      await spare?.terminate();
    },
  };
}

/** What V8 prints when a heap or an allocation limit aborts the process. */
const V8_OUT_OF_MEMORY =
  /heap out of memory|Reached heap limit|Fatal process out of memory|invalid (array|table|size) (length|size|error)/i;

/** Why an analysis process stopped, as part of a sentence. */
export function childFailure(end: ChildEnd, heapMb: number): string {
  if (end.outOfMemory) return `it ran out of memory (the analysis may use ${heapMb} MB)`;
  if (end.signal === 'SIGABRT' || end.code === 134) return 'it aborted (SIGABRT)';
  return end.signal !== null ? `it was killed (${end.signal})` : `it exited (exit code ${end.code})`;
}
