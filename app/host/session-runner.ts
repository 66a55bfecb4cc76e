/**
 * Sessions: one worker thread per open model, holding its analysis for as long as the model is
 * open, and the jobs run against it. A huge or hostile file never blocks the host's main thread
 * (Electron main or the web host's event loop) and never takes the host down: each worker has
 * its own heap limit, so running out of memory ends that worker (and its session) only, and an
 * open or a job still running after the time limit is stopped by terminating its worker, which
 * stops even a tight loop. Starting the workers is session-workers.ts's job.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { JobEvent, JobKind, JobRequest, JobStartResult, StudioError } from '../shared/studio-api.js';
import { failed, studioError } from './host-errors.js';
import {
  createProcessJobs,
  isProcessJob,
  type ProcessJobsOptions,
  type SessionModel,
} from './process-jobs.js';
import { keepUploadedBytes, removeKeptCopy } from './kept-uploads.js';
import { sweepOldTempFolders } from './temp-sweep.js';
import { createWorkerPool, postOpen, workerFailure, type WorkerPoolOptions } from './session-workers.js';
import {
  JOB_FLAG,
  type AnalysisStage,
  type HostMessage,
  type OpenRequest,
  type OpenedSession,
  type WorkerMessage,
} from './worker/protocol.js';

export interface SessionRunnerOptions extends WorkerPoolOptions {
  /** An open or a job still running after this long is stopped (default 5 minutes). */
  readonly timeoutMs?: number;
  /**
   * Most sessions alive at once (default DEFAULT_MAX_SESSIONS); opening one more ends the least
   * recently used. The page closes a session when it replaces its model, but a reloaded page
   * cannot close the sessions of the page it replaced, and each holds a worker and an analysis.
   */
  readonly maxSessions?: number;
  /** The export, harness and profile jobs: `cutline` child processes (process-jobs.ts). */
  readonly processJobs?: ProcessJobsOptions;
}

export type SessionOpenOutcome =
  | ({ readonly ok: true; readonly sessionId: string } & OpenedSession)
  | { readonly ok: false; readonly error: StudioError };

export type StageListener = (stage: AnalysisStage, message: string) => void;

export type OpenSessionRequest = Omit<OpenRequest, 'type'>;

export interface SessionRunner {
  /** Opens a model in a new worker; on success the worker stays as the session `sessionId`. */
  open(openId: string, request: OpenSessionRequest, onStage: StageListener): Promise<SessionOpenOutcome>;
  /** Stops a running open; it resolves CANCELLED. False when no such open runs. */
  cancelOpen(openId: string): boolean;
  /** Starts a job on a session; its events go to the runner's job listener. */
  startJob(sessionId: string, request: JobRequest): JobStartResult;
  /** Cancels a job (it ends `failed` CANCELLED) unless it already has its result. */
  cancelJob(jobId: string): void;
  /** The session's model as the process jobs read it; null when it has no file, undefined when no such session. */
  modelOf(sessionId: string): SessionModel | null | undefined;
  /** Ends a session: its running jobs fail SESSION_CLOSED and its worker stops. */
  closeSession(sessionId: string): Promise<void>;
  readonly sessionCount: number;
  readonly runningOpens: number;
  /** Ends every open (CANCELLED), session and the idle worker. */
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;
export const DEFAULT_MAX_SESSIONS = 4;
/**
 * Most jobs a session holds at once (running and queued: its worker runs them one after
 * another). A page that starts jobs in a loop is answered BUSY instead of queueing without end,
 * each with its timer, its message in the worker and its result pushed to every page.
 */
export const MAX_JOBS_PER_SESSION = 16;
/**
 * Most opens analysing at once: each starts a worker (tens of MB before it reads anything, up
 * to its heap limit after), and a page that opens in a loop must not start one per request.
 */
export const MAX_RUNNING_OPENS = 4;

interface RunningJob {
  readonly kind: JobKind;
  readonly flag: Int32Array;
  /** Armed when the job reaches the front of its session's queue (the worker runs one at a time). */
  timer: ReturnType<typeof setTimeout> | null;
}

interface Session {
  readonly id: string;
  readonly worker: Worker;
  readonly jobs: Map<string, RunningJob>;
  /**
   * The model as a file for the process jobs (the file opened, or a host copy of uploaded bytes)
   * and the bindings of the session's current analysis; null when uploaded bytes could not be kept.
   */
  model: SessionModel | null;
  /** The host's copy of uploaded bytes: removed with the session. */
  readonly keptCopy: string | null;
}

export function createSessionRunner(
  options: SessionRunnerOptions,
  emitJob: (event: JobEvent) => void,
): SessionRunner {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const opens = new Map<string, (outcome: SessionOpenOutcome) => void>();
  const sessions = new Map<string, Session>();
  const jobSessions = new Map<string, Session>();
  const pool = createWorkerPool(options);
  const processJobs = createProcessJobs(options.processJobs ?? {}, emitJob);
  // What a crashed host left in the temp folder (kept model copies, job folders) goes now.
  void sweepOldTempFolders();
  let closed = false;

  const minutes = (): string => (timeoutMs / 60_000).toPrecision(2);

  /** Ends a job once: stops its timer and forgets it, then tells the listeners. */
  function endJob(session: Session, jobId: string, event: JobEvent): void {
    const job = session.jobs.get(jobId);
    if (!job) return;
    if (job.timer !== null) clearTimeout(job.timer);
    session.jobs.delete(jobId);
    jobSessions.delete(jobId);
    emitJob(event);
    armFront(session);
  }

  /**
   * Starts the time limit of the job at the front of the session's queue: a job's limit counts
   * from when the worker starts it, not from when it was queued behind others.
   */
  function armFront(session: Session): void {
    if (sessions.get(session.id) !== session) return;
    const front = session.jobs.values().next();
    if (front.done === true || front.value.timer !== null) return;
    const job = front.value;
    job.timer = setTimeout(() => {
      // Only terminating the worker stops a handler that never reports progress; the session goes with it.
      void endSession(
        session,
        studioError(
          'INTERNAL',
          `The ${job.kind} job took longer than ${minutes()} minutes and was stopped; open the model again.`,
        ),
      );
    }, timeoutMs);
  }

  /** A session whose worker stopped (closed, crashed, out of memory, timed out): its jobs fail. */
  function endSession(session: Session, error: StudioError): Promise<void> {
    if (sessions.get(session.id) !== session) return Promise.resolve();
    sessions.delete(session.id);
    for (const [jobId, job] of [...session.jobs]) {
      endJob(session, jobId, { type: 'failed', jobId, sessionId: session.id, kind: job.kind, error });
    }
    void session.worker.terminate();
    // Its export or profile may be reading the kept copy: removed once they are stopped.
    return processJobs.stopSession(session.id, error).finally(() => removeKeptCopy(session.keptCopy));
  }

  function adopt(
    sessionId: string,
    worker: Worker,
    model: SessionModel | null,
    keptCopy: string | null,
  ): void {
    const session: Session = { id: sessionId, worker, jobs: new Map(), model, keptCopy };
    sessions.set(sessionId, session);
    const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
    // Map order is least recently used first (startJob moves a session to the end).
    for (const oldest of [...sessions.values()].slice(0, Math.max(0, sessions.size - maxSessions))) {
      void endSession(
        oldest,
        studioError(
          'SESSION_CLOSED',
          `The model was closed in the host to make room: at most ${maxSessions} models stay open at once. Open it again.`,
        ),
      );
    }
    // An open model must not keep the process alive by itself; the server or window does.
    worker.unref();
    worker.on('message', (message: WorkerMessage) => {
      if (!('jobId' in message)) return;
      const job = session.jobs.get(message.jobId);
      if (!job) return; // cancelled already: its end was reported when it was cancelled
      const base = { jobId: message.jobId, sessionId, kind: job.kind };
      if (message.type === 'job-progress')
        emitJob({ ...base, type: 'progress', fraction: message.fraction, message: message.message });
      else if (message.type === 'job-log') emitJob({ ...base, type: 'log', line: message.line });
      else if (message.type === 'job-done') {
        // The process jobs read the model with the bindings of the session's latest analysis.
        if (message.result.kind === 'analyse' && session.model !== null)
          session.model = { ...session.model, inputs: message.result.value.inputs };
        endJob(session, message.jobId, { ...base, type: 'done', result: message.result });
      } else if (message.type === 'job-failed')
        endJob(session, message.jobId, { ...base, type: 'failed', error: message.error });
    });
    worker.on(
      'error',
      (error: Error & { code?: string }) =>
        void endSession(
          session,
          studioError('SESSION_CLOSED', `The model's session stopped: ${workerFailure(error)}.`),
        ),
    );
    worker.on(
      'exit',
      (code) =>
        void endSession(
          session,
          studioError(
            'SESSION_CLOSED',
            `The model's session stopped unexpectedly (worker exit code ${code}).`,
          ),
        ),
    );
  }

  return {
    get sessionCount() {
      return sessions.size;
    },
    get runningOpens() {
      return opens.size;
    },

    open(openId, request, onStage) {
      if (closed) return Promise.resolve(failed('CANCELLED', 'The studio is closing.'));
      if (opens.size >= MAX_RUNNING_OPENS) {
        return Promise.resolve(
          failed(
            'BUSY',
            `${MAX_RUNNING_OPENS} models are being opened already. Wait for one to finish or cancel it, then open this one again.`,
          ),
        );
      }
      const worker = pool.take();
      const { source } = request;
      const kept = source.kind === 'bytes' ? keepUploadedBytes(source.fileName, source.bytes) : null;
      return new Promise<SessionOpenOutcome>((resolve) => {
        let done = false;
        const finish = (outcome: SessionOpenOutcome): void => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          opens.delete(openId);
          // Only this open's own listeners: removeAllListeners() would also strip the Worker's
          // internal listeners that keep its message port delivering, and the session's job
          // messages would then wait until the worker is terminated.
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('exit', onExit);
          void (async () => {
            const keptCopy = kept === null ? null : await kept;
            if (outcome.ok && !closed) {
              const file = source.kind === 'file' ? source.path : keptCopy;
              const fileName = source.kind === 'file' ? path.basename(source.path) : source.fileName;
              const model =
                file === null
                  ? null
                  : { path: file, fileName, sha256: outcome.sha256, inputs: outcome.inputs };
              adopt(outcome.sessionId, worker, model, keptCopy);
            } else {
              removeKeptCopy(keptCopy);
              void worker.terminate(); // frees the worker's memory now
            }
            resolve(outcome);
          })();
        };
        const timer = setTimeout(() => {
          finish(
            failed('INTERNAL', `Analysing the model took longer than ${minutes()} minutes and was stopped.`),
          );
        }, timeoutMs);
        opens.set(openId, finish);

        const onMessage = (message: WorkerMessage): void => {
          if (message.type === 'progress') onStage(message.stage, message.message);
          else if (message.type === 'opened') {
            const { view, partition, sha256, inputs } = message;
            finish({ ok: true, sessionId: randomUUID(), view, partition, sha256, inputs });
          } else if (message.type === 'open-failed') finish({ ok: false, error: message.error });
        };
        const onError = (error: Error & { code?: string }): void => {
          finish(
            failed(
              'INTERNAL',
              `The analysis stopped: ${workerFailure(error)}. The model may be too large or malformed.`,
            ),
          );
        };
        const onExit = (code: number): void => {
          finish(failed('INTERNAL', `The analysis stopped unexpectedly (worker exit code ${code}).`));
        };
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        // Uploaded bytes go to the worker only once the host's copy is written (they are transferred).
        if (kept === null) postOpen(worker, { type: 'open', ...request });
        else void kept.then(() => postOpen(worker, { type: 'open', ...request }));
      });
    },

    modelOf: (sessionId) => sessions.get(sessionId)?.model,

    cancelOpen(openId) {
      const finish = opens.get(openId);
      finish?.(failed('CANCELLED', 'Opening the model was cancelled.'));
      return finish !== undefined;
    },

    startJob(sessionId, request) {
      const session = sessions.get(sessionId);
      if (!session) {
        return failed(
          'SESSION_CLOSED',
          'This model is no longer open in the host (it was closed, or its analysis stopped). Open the model again.',
        );
      }
      if (session.jobs.size >= MAX_JOBS_PER_SESSION) {
        return failed(
          'BUSY',
          `This model already has ${MAX_JOBS_PER_SESSION} jobs running or waiting. Wait for them to end or cancel some, then try again.`,
        );
      }
      sessions.delete(sessionId);
      sessions.set(sessionId, session);
      const jobId = randomUUID();
      if (isProcessJob(request)) {
        const refused = processJobs.start(jobId, sessionId, session.model, request);
        return refused === null ? { ok: true, jobId } : { ok: false, error: refused };
      }
      const cancelFlag = new SharedArrayBuffer(4);
      session.jobs.set(jobId, {
        kind: request.kind,
        flag: new Int32Array(cancelFlag),
        timer: null,
      });
      jobSessions.set(jobId, session);
      armFront(session);
      session.worker.postMessage({ type: 'job', jobId, request, cancelFlag } satisfies HostMessage);
      return { ok: true, jobId };
    },

    cancelJob(jobId) {
      if (processJobs.has(jobId)) {
        void processJobs.cancel(jobId);
        return;
      }
      const session = jobSessions.get(jobId);
      const job = session?.jobs.get(jobId);
      if (!session || !job) return;
      // A job that already committed its result ends with it; cancelling comes too late.
      if (Atomics.compareExchange(job.flag, 0, JOB_FLAG.running, JOB_FLAG.cancelled) !== JOB_FLAG.running)
        return;
      endJob(session, jobId, {
        type: 'failed',
        jobId,
        sessionId: session.id,
        kind: job.kind,
        error: studioError('CANCELLED', `The ${job.kind} job was cancelled.`),
      });
    },

    async closeSession(sessionId) {
      const session = sessions.get(sessionId);
      if (!session) return;
      await Promise.all([
        endSession(session, studioError('SESSION_CLOSED', 'The model was closed while the job ran.')),
        session.worker.terminate(),
      ]);
    },

    async close() {
      closed = true;
      for (const openId of [...opens.keys()]) this.cancelOpen(openId);
      const workers = [...sessions.values()].map((session) => session.worker);
      const ended = [...sessions.values()].map((session) =>
        endSession(session, studioError('SESSION_CLOSED', 'The studio is closing.')),
      );
      await Promise.all([
        pool.close(),
        ...workers.map((worker) => worker.terminate()),
        ...ended,
        processJobs.close(studioError('SESSION_CLOSED', 'The studio is closing.')),
      ]);
    },
  };
}
