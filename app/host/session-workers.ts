/**
 * The worker threads sessions run in: starting them (with their heap limit), keeping one idle
 * worker started ahead so an open does not wait for start-up, and handing an open request to one.
 *
 * Workers run TypeScript: the default script is worker/bootstrap.js, which registers tsx's
 * loader inside the worker and imports worker/analysis-worker.ts. A packaged build that compiles
 * the worker to JavaScript passes its own `workerUrl` instead.
 */
import { Worker } from 'node:worker_threads';
import type { HostMessage, OpenRequest } from './worker/protocol.js';

export interface WorkerPoolOptions {
  /** Worker script; when given it is started as is, without the tsx bootstrap. */
  readonly workerUrl?: URL;
  /** V8 heap limit of each worker, so a hostile model exhausts its worker, not the host (default 4096). */
  readonly heapMb?: number;
  /** Start one worker ahead of the first open (default true). */
  readonly prewarm?: boolean;
}

export interface WorkerPool {
  /** A started worker (the idle one when there is one); another is started ahead for the next. */
  take(): Worker;
  /** Stops the idle worker and starts no more. */
  close(): Promise<void>;
}

const BOOTSTRAP_URL = new URL('./worker/bootstrap.js', import.meta.url);
const ENTRY_URL = new URL('./worker/analysis-worker.ts', import.meta.url);

export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
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
    // An idle worker must not keep the process alive, and its failure only means the next open
    // starts a fresh one.
    worker.unref();
    worker.once('error', dropIdle);
    worker.once('exit', dropIdle);
    idle = worker;
  };
  if (options.prewarm ?? true) startIdle();

  return {
    take() {
      const worker = idle;
      idle = undefined;
      if (worker) {
        worker.off('error', dropIdle);
        worker.off('exit', dropIdle);
      }
      const taken = worker ?? spawn();
      startIdle();
      return taken;
    },
    async close() {
      closed = true;
      const spare = idle;
      idle = undefined;
      await spare?.terminate();
    },
  };
}

/** Why a worker stopped, as part of a sentence. */
export function workerFailure(error: Error & { code?: string }): string {
  return error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'it ran out of memory' : `it failed (${error.message})`;
}

/**
 * Bytes are transferred, not copied, to the worker (the caller's view is detached). A view that
 * does not span its whole buffer (a pooled Buffer, a slice), or one Node marks untransferable,
 * is copied first so only its own bytes move and nobody else's buffer gets detached.
 */
export function postOpen(worker: Worker, request: OpenRequest): void {
  const { source } = request;
  if (source.kind !== 'bytes') {
    worker.postMessage(request satisfies HostMessage);
    return;
  }
  const send = (bytes: Uint8Array): void =>
    worker.postMessage({ ...request, source: { ...source, bytes } } satisfies HostMessage, [
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
