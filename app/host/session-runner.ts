/**
 * Sessions: one analysis process per open model, holding its analysis for as long as the model
 * is open, and the jobs run against it. A huge or hostile file never blocks the host's main
 * thread (Electron main or the web host's event loop) and never takes the host down: each
 * process has its own heap limit, so running out of memory ends that process only (an open
 * fails ANALYSIS_OUT_OF_MEMORY, a session ends), and an open or a job still running after its
 * time limit is stopped by killing its process, which stops even a tight loop. A failed open
 * leaves every other session, the page's current model among them, as it was. Starting the
 * processes is session-workers.ts's job.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
import {
  DEFAULT_HEAP_MB,
  childFailure,
  createWorkerPool,
  type AnalysisChild,
  type ChildEnd,
  type WorkerPoolOptions,
} from './session-workers.js';
import { claimJobEnd } from './worker/job-end-mark.js';
import {
  attemptOpen,
  type OpenSessionRequest,
  type SessionOpenOutcome,
  type StageListener,
} from './open-attempt.js';
import type { HostMessage, WorkerMessage } from './worker/protocol.js';

export interface SessionRunnerOptions extends WorkerPoolOptions {
  /** A job still running after this long is stopped (default 5 minutes). */
  readonly timeoutMs?: number;
  /**
   * An open whose analysis has not answered after this long is stopped, ANALYSIS_TIME_LIMIT
   * (default DEFAULT_OPEN_TIMEOUT_MS). It includes starting the process when none is idle.
   */
  readonly openTimeoutMs?: number;
  /**
   * Most sessions alive at once (default DEFAULT_MAX_SESSIONS); opening one more ends the least
   * recently used. The page closes a session when it replaces its model, but a reloaded page
   * cannot close the sessions of the page it replaced, and each holds a process and an analysis.
   */
  readonly maxSessions?: number;
  /** The export, harness and profile jobs: `cutline` child processes (process-jobs.ts). */
  readonly processJobs?: ProcessJobsOptions;
}

export type { OpenSessionRequest, SessionOpenOutcome, StageListener };

export interface SessionRunner {
  /** Opens a model in a new analysis process; on success the process stays as the session `sessionId`. */
  open(openId: string, request: OpenSessionRequest, onStage: StageListener): Promise<SessionOpenOutcome>;
  /** Stops a running open; it resolves CANCELLED. False when no such open runs. */
  cancelOpen(openId: string): boolean;
  /** Starts a job on a session; its events go to the runner's job listener. */
  startJob(sessionId: string, request: JobRequest): JobStartResult;
  /** Cancels a job (it ends `failed` CANCELLED) unless it already has its result. */
  cancelJob(jobId: string): void;
  /** The session's model as the process jobs read it; null when it has no file, undefined when no such session. */
  modelOf(sessionId: string): SessionModel | null | undefined;
  /** Ends a session: its running jobs fail SESSION_CLOSED and its process is killed. */
  closeSession(sessionId: string): Promise<void>;
  readonly sessionCount: number;
  readonly runningOpens: number;
  /** Ends every open (CANCELLED), session and the idle analysis process. */
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 5 * 60_000;
/** The samples open in about a second, a 300,000-node model in seconds: two minutes is no real model's. */
export const DEFAULT_OPEN_TIMEOUT_MS = 120_000;
export const DEFAULT_MAX_SESSIONS = 4;
/**
 * Most jobs a session holds at once (running and queued: its process runs them one after
 * another). A page that starts jobs in a loop is answered BUSY instead of queueing without end,
 * each with its timer, its message in the process and its result pushed to every page.
 */
export const MAX_JOBS_PER_SESSION = 16;
/**
 * Most opens analysing at once: each starts a process (tens of MB before it reads anything, up
 * to its heap limit after), and a page that opens in a loop must not start one per request.
 */
export const MAX_RUNNING_OPENS = 4;

interface RunningJob {
  readonly kind: JobKind;
  /** Claimed by whoever ends the job first: the host cancelling, or the child committing (job-end-mark.ts). */
  readonly endMark: string;
  /** Armed when the job reaches the front of its session's queue (the process runs one at a time). */
  timer: ReturnType<typeof setTimeout> | null;
}

interface Session {
  readonly id: string;
  readonly worker: AnalysisChild;
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
  const openTimeoutMs = options.openTimeoutMs ?? DEFAULT_OPEN_TIMEOUT_MS;
  const heapMb = options.heapMb ?? DEFAULT_HEAP_MB;
  const opens = new Map<string, (outcome: SessionOpenOutcome) => void>();
  const sessions = new Map<string, Session>();
  const jobSessions = new Map<string, Session>();
  const pool = createWorkerPool(options);
  const processJobs = createProcessJobs(options.processJobs ?? {}, emitJob);
  // What a crashed host left in the temp folder (kept model copies, job folders) goes now.
  void sweepOldTempFolders();
  let closed = false;
  // The jobs' end marks live in one folder of the runner's, made on the first job and removed on
  // close (cutline-job-*: a crashed host's is swept by the next start, temp-sweep.ts).
  let markDir: string | null = null;
  const endMarkOf = (jobId: string): string =>
    path.join((markDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-job-'))), jobId);
  const forgetMark = (jobId: string): void => {
    if (markDir !== null)
      void fs.promises.rm(path.join(markDir, jobId), { force: true }).catch(() => undefined);
  };

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
   * from when the process starts it, not from when it was queued behind others.
   */
  function armFront(session: Session): void {
    if (sessions.get(session.id) !== session) return;
    const front = session.jobs.values().next();
    if (front.done === true || front.value.timer !== null) return;
    const job = front.value;
    job.timer = setTimeout(() => {
      // Only killing the process stops a handler that never reports progress; the session goes with it.
      void endSession(
        session,
        studioError(
          'INTERNAL',
          `The ${job.kind} job took longer than ${minutes()} minutes and was stopped; open the model again.`,
        ),
      );
    }, timeoutMs);
  }

  /** A session whose process stopped (closed, crashed, out of memory, timed out): its jobs fail. */
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
    worker: AnalysisChild,
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
      // The child's last word on a job: it will not look at the job's mark again.
      if (message.type === 'job-done' || message.type === 'job-failed') forgetMark(message.jobId);
      const job = session.jobs.get(message.jobId);
      if (!job) return; // cancelled already: its end was reported when it was cancelled
      const base = { jobId: message.jobId, sessionId, kind: job.kind };
      if (message.type === 'job-progress')
        emitJob({ ...base, type: 'progress', fraction: message.fraction, message: message.message });
      else if (message.type === 'job-log') emitJob({ ...base, type: 'log', line: message.line });
      else if (message.type === 'job-done') {
        // The process jobs read the model with the bindings of the session's latest analysis.
        if (message.result.kind === 'analyse' && session.model !== null)
          session.model = {
            ...session.model,
            inputs: message.result.value.inputs,
            inputValues: message.result.value.inputValues ?? {},
          };
        endJob(session, message.jobId, { ...base, type: 'done', result: message.result });
      } else if (message.type === 'job-failed')
        endJob(session, message.jobId, { ...base, type: 'failed', error: message.error });
    });
    worker.on('exit', (end: ChildEnd) => {
      // Its analysis is gone with it; the page keeps its design and can open the model again.
      void endSession(
        session,
        studioError(
          'SESSION_CLOSED',
          `The model's analysis stopped: ${childFailure(end, heapMb)}. Open the model again.`,
        ),
      );
    });
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
      const attempt = attemptOpen(worker, request, kept, { openTimeoutMs, heapMb }, onStage);
      opens.set(openId, attempt.settle);
      return attempt.settled.then(async ({ outcome, idle }) => {
        opens.delete(openId);
        const keptCopy = kept === null ? null : await kept;
        if (outcome.ok && !closed) {
          const file = source.kind === 'file' ? source.path : keptCopy;
          const fileName = source.kind === 'file' ? path.basename(source.path) : source.fileName;
          const model =
            file === null ? null : { path: file, fileName, sha256: outcome.sha256, inputs: outcome.inputs };
          adopt(outcome.sessionId, worker, model, keptCopy);
        } else if (idle && !closed) {
          // A file that fails cleanly (the hostile ones do) costs no process start-up: the next
          // open can use this one.
          pool.giveBack(worker);
          removeKeptCopy(keptCopy);
        } else {
          // Killed before the kept copy goes: a child still reading it must not see it vanish.
          await worker.terminate(); // frees the process's memory now
          removeKeptCopy(keptCopy);
        }
        return outcome;
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
      const endMark = endMarkOf(jobId);
      session.jobs.set(jobId, { kind: request.kind, endMark, timer: null });
      jobSessions.set(jobId, session);
      armFront(session);
      session.worker.postMessage({ type: 'job', jobId, request, endMark } satisfies HostMessage);
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
      let cancelled: boolean;
      try {
        cancelled = claimJobEnd(job.endMark);
      } catch {
        cancelled = false; // the mark cannot be written: the job ends as it would have
      }
      if (!cancelled) return;
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
      if (markDir !== null) fs.rmSync(markDir, { recursive: true, force: true });
    },
  };
}
