/**
 * Runs model analysis in worker threads so a huge or hostile file never blocks the host's main
 * thread (Electron main or the web host's event loop). One worker per job: cancelling or timing
 * out a job terminates its worker, which stops even a tight loop, and the memory the model took
 * goes with it. One idle worker is kept started ahead so an open does not wait for start-up.
 *
 * Workers run TypeScript: the default script is worker/bootstrap.js, which registers tsx's
 * loader inside the worker and imports worker/analysis-worker.ts. A packaged build that compiles
 * the worker to JavaScript passes its own `workerUrl` instead.
 */
import { Worker } from 'node:worker_threads';
import type { ModelView, StudioError } from '../shared/studio-api.js';
import { studioError } from './host-errors.js';
import type { AnalysisRequest, AnalysisSource, AnalysisStage, WorkerMessage } from './worker/protocol.js';

export interface AnalysisRunnerOptions {
  /** Worker script; when given it is started as is, without the tsx bootstrap. */
  readonly workerUrl?: URL;
  /** A job still running after this long is stopped (default 5 minutes). */
  readonly timeoutMs?: number;
  /** V8 heap limit of each worker, so a hostile model exhausts the worker, not the host (default 4096). */
  readonly heapMb?: number;
  /** Start one worker ahead of the first job (default true). */
  readonly prewarm?: boolean;
}

export type AnalysisOutcome =
  | { readonly ok: true; readonly view: ModelView; readonly sha256: string }
  | { readonly ok: false; readonly error: StudioError };

export type StageListener = (stage: AnalysisStage, message: string) => void;

export interface AnalysisRunner {
  run(jobId: string, source: AnalysisSource, onStage: StageListener): Promise<AnalysisOutcome>;
  /** Stops a running job; its `run` resolves CANCELLED. False when no such job runs. */
  cancel(jobId: string): boolean;
  readonly runningJobs: number;
  /** Stops every job (they resolve CANCELLED) and the idle worker. */
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;
const BOOTSTRAP_URL = new URL('./worker/bootstrap.js', import.meta.url);
const ENTRY_URL = new URL('./worker/analysis-worker.ts', import.meta.url);

interface RunningJob {
  readonly worker: Worker;
  finish(outcome: AnalysisOutcome): void;
}

export function createAnalysisRunner(options: AnalysisRunnerOptions = {}): AnalysisRunner {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const jobs = new Map<string, RunningJob>();
  let idle: Worker | undefined;
  let closed = false;

  const spawn = (): Worker =>
    new Worker(options.workerUrl ?? BOOTSTRAP_URL, {
      workerData: { entry: ENTRY_URL.href },
      resourceLimits: { maxOldGenerationSizeMb: options.heapMb ?? 4096 },
    });

  const dropIdle = (): void => {
    idle = undefined;
  };
  const startIdle = (): void => {
    if (closed || idle) return;
    const worker = spawn();
    // An idle worker must not keep the process alive, and its failure only means the next job
    // starts a fresh one.
    worker.unref();
    worker.once('error', dropIdle);
    worker.once('exit', dropIdle);
    idle = worker;
  };
  const takeWorker = (): Worker => {
    const worker = idle;
    idle = undefined;
    if (!worker) return spawn();
    worker.off('error', dropIdle);
    worker.off('exit', dropIdle);
    worker.ref();
    return worker;
  };

  if (options.prewarm ?? true) startIdle();

  return {
    get runningJobs() {
      return jobs.size;
    },
    run(jobId, source, onStage) {
      if (closed)
        return Promise.resolve({ ok: false, error: studioError('CANCELLED', 'The studio is closing.') });
      const worker = takeWorker();
      startIdle();
      return new Promise<AnalysisOutcome>((resolve) => {
        let done = false;
        const finish = (outcome: AnalysisOutcome): void => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          jobs.delete(jobId);
          // The result has arrived (or is no longer wanted): free the worker's memory now.
          void worker.terminate();
          resolve(outcome);
        };
        const timer = setTimeout(() => {
          const minutes = (timeoutMs / 60_000).toPrecision(2);
          finish({
            ok: false,
            error: studioError(
              'INTERNAL',
              `Analysing the model took longer than ${minutes} minutes and was stopped.`,
            ),
          });
        }, timeoutMs);
        jobs.set(jobId, { worker, finish });

        worker.on('message', (message: WorkerMessage) => {
          if (message.type === 'progress') onStage(message.stage, message.message);
          else if (message.type === 'done') finish({ ok: true, view: message.view, sha256: message.sha256 });
          else finish({ ok: false, error: message.error });
        });
        worker.on('error', (error: Error & { code?: string }) => {
          const reason =
            error.code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? 'it ran out of memory'
              : `it failed (${error.message})`;
          finish({
            ok: false,
            error: studioError(
              'INTERNAL',
              `The analysis stopped: ${reason}. The model may be too large or malformed.`,
            ),
          });
        });
        worker.on('exit', (code) => {
          finish({
            ok: false,
            error: studioError('INTERNAL', `The analysis stopped unexpectedly (worker exit code ${code}).`),
          });
        });
        postRequest(worker, source);
      });
    },
    cancel(jobId) {
      const job = jobs.get(jobId);
      job?.finish({ ok: false, error: studioError('CANCELLED', 'Opening the model was cancelled.') });
      return job !== undefined;
    },
    async close() {
      closed = true;
      for (const jobId of [...jobs.keys()]) this.cancel(jobId);
      const worker = idle;
      idle = undefined;
      await worker?.terminate();
    },
  };
}

/**
 * Bytes are transferred, not copied, to the worker (the caller's view is detached). A view that
 * does not span its whole buffer (a pooled Buffer, a slice), or one Node marks untransferable,
 * is copied first so only its own bytes move and nobody else's buffer gets detached.
 */
function postRequest(worker: Worker, source: AnalysisSource): void {
  if (source.kind !== 'bytes') {
    worker.postMessage({ type: 'analyze', source } satisfies AnalysisRequest);
    return;
  }
  const send = (bytes: Uint8Array): void =>
    worker.postMessage({ type: 'analyze', source: { ...source, bytes } } satisfies AnalysisRequest, [
      bytes.buffer as ArrayBuffer,
    ]);
  const { bytes } = source;
  const ownsBuffer =
    bytes.buffer instanceof ArrayBuffer &&
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength;
  if (ownsBuffer) {
    try {
      send(bytes);
      return;
    } catch {
      // Untransferable (e.g. Node's Buffer pool): fall through to a copy.
    }
  }
  send(new Uint8Array(bytes));
}
