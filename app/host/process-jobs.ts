/**
 * The jobs that run as `cutline` child processes rather than in a session's analysis worker:
 * `export`, `harness` and `profile` load onnxruntime, write files and (the harness) start a
 * process per tier, and must be stoppable with nothing left behind, which a worker thread that is
 * terminated on its time limit cannot promise (electron/fiddle runs its long work the same way:
 * a process per run, started and stopped by request, its progress pushed as events).
 *
 * Each job is one command (process-job-kinds.ts says which and how its output reads) in a process
 * group of its own (cli-process.ts): cancel, the time limit, closing the session or the host stop
 * the whole group. A job ends with exactly one `done` or `failed` event, sent after its processes
 * are gone. The harness only runs bundles this studio exported (exported-bundles.ts: kept in the
 * config folder, so across restarts too).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { JobEvent, JobRequest, StudioError } from '../shared/studio-api.js';
import { DEFAULT_CLI_ENTRY, startCli, type CliExit, type CliProcess, type CliRun } from './cli-process.js';
import { createExportedBundles } from './exported-bundles.js';
import { figuresPlan } from './figures-job.js';
import { nothingKept, profilePlan } from './profile-job.js';
import { studioError } from './host-errors.js';
import {
  exportPlan,
  harnessPlan,
  PROCESS_JOB_KINDS,
  type JobOutput,
  type ProcessJobKind,
  type ProcessJobPlan,
  type SessionModel,
} from './process-job-kinds.js';

export type { SessionModel } from './process-job-kinds.js';

export type ProcessJobRequest = Extract<JobRequest, { readonly kind: ProcessJobKind }>;

export const isProcessJob = (request: JobRequest): request is ProcessJobRequest =>
  (PROCESS_JOB_KINDS as readonly string[]).includes(request.kind);

/** A process job still running after this long is stopped: a long harness stream, a big export. */
export const DEFAULT_PROCESS_JOB_TIMEOUT_MS = 30 * 60_000;
/** Most process jobs at once per host: each loads onnxruntime, a harness a process per tier too. */
export const MAX_PROCESS_JOBS = 2;
/** Stdout lines kept per job: its answer is the last (a harness streams one line per request). */
export const MAX_STDOUT_LINES = 50;

export interface ProcessJobsOptions {
  /** The `cutline` entry script (default: the repository's bin/cutline.js). */
  readonly cliEntry?: string;
  readonly timeoutMs?: number;
  readonly maxRunning?: number;
  /** How long a stopped command has to end before its group is killed (cli-process.ts). */
  readonly graceMs?: number;
  /** Tests: how a stopped command is ended and waited for (cli-process.ts). */
  readonly stopping?: Pick<CliRun, 'exitWaitMs' | 'platform' | 'runTaskkill'>;
  /**
   * Where the bundles this studio exported are listed (the harness runs no other); without it
   * only this run's exports are remembered.
   */
  readonly exportedBundlesFile?: string;
  /**
   * Where calibrations save this machine's profile (its measurement table beside it), so the next
   * calibration reuses the measurements; without it each calibration starts afresh.
   */
  readonly calibrationFile?: string;
}

export interface ProcessJobs {
  /** Starts the job; null when it runs, else the error `startJob` answers with (BUSY, NOT_ALLOWED, …). */
  start(
    jobId: string,
    sessionId: string,
    model: SessionModel | null,
    request: ProcessJobRequest,
  ): StudioError | null;
  /** Whether `jobId` is a running process job. */
  has(jobId: string): boolean;
  /** Stops a job at the user's request: it ends `failed` CANCELLED once its processes are gone. */
  cancel(jobId: string): Promise<void>;
  /** Stops a job; it ends `failed` with `error` once its processes are gone. */
  stop(jobId: string, error: StudioError): Promise<void>;
  /** Stops every job of a session (closed, or its worker stopped). */
  stopSession(sessionId: string, error: StudioError): Promise<void>;
  /** Stops every job; resolves once the list of exported bundles is on disk too. */
  close(error: StudioError): Promise<void>;
  readonly running: number;
}

interface RunningProcessJob {
  readonly sessionId: string;
  readonly kind: ProcessJobKind;
  readonly cli: CliProcess;
  readonly tempDir: string;
  readonly timer: ReturnType<typeof setTimeout>;
  /** Set when the host stops the job: its end is that error, whatever the command printed. */
  stoppedWith: StudioError | null;
  /** The export's folder, whose half-written `.partial-PID` sibling a stopped export leaves. */
  readonly outDir: string | null;
  /** The harness's bundle folder (resolved): an export must not replace it while it runs. */
  readonly bundleDir: string | null;
}

/**
 * Removes what a stopped `cutline export` (process `pid`) leaves beside `outDir`: the bundle
 * folder and the .zip it writes as `.partial-PID` siblings before renaming them into place
 * (core/bundle/write-bundle.ts, zip.ts). Named from the resolved folder as the command names
 * them: `/a/b/` gives `/a/b.partial-PID`, not `/a/b/.partial-PID`.
 */
export function removeExportLeftovers(outDir: string, pid: number): void {
  const resolved = path.resolve(outDir);
  for (const partial of [`${resolved}.partial-${pid}`, `${resolved}.zip.partial-${pid}`])
    fs.rmSync(partial, { recursive: true, force: true });
}

/**
 * The job's result from the command's output, or null when it cannot be read: an answer of
 * another shape (another build's command, a truncated line) must end the job as failed, not
 * throw in the exit handler, which would leave the job running and reject with no one to catch it.
 */
function readResult(jobPlan: ProcessJobPlan<ProcessJobKind>, stdout: readonly string[]): unknown {
  try {
    return jobPlan.result(stdout);
  } catch {
    return null;
  }
}

/** `cutline: CODE: message`, as app/cli/main.ts prints a CutlineError. */
const CODED_ERROR = /^cutline: ([A-Z][A-Z0-9_]*): (.+)$/;

export function createProcessJobs(
  options: ProcessJobsOptions,
  emitJob: (event: JobEvent) => void,
): ProcessJobs {
  const cliEntry = options.cliEntry ?? DEFAULT_CLI_ENTRY;
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROCESS_JOB_TIMEOUT_MS;
  const maxRunning = options.maxRunning ?? MAX_PROCESS_JOBS;
  const jobs = new Map<string, RunningProcessJob>();
  /** Bundle folders this studio exported: the only ones the harness runs. */
  const exported = createExportedBundles(options.exportedBundlesFile ?? null);

  function plan(
    model: SessionModel | null,
    request: ProcessJobRequest,
  ): ProcessJobPlan<ProcessJobKind> | StudioError {
    if (request.kind === 'harness') {
      if (!exported.has(request.args.bundleDir)) {
        return studioError(
          'NOT_ALLOWED',
          `${request.args.bundleDir} was not exported by this studio. Export the design from the studio first, then run the harness on it.`,
        );
      }
      return harnessPlan(request.args, model?.path ?? null) as ProcessJobPlan<ProcessJobKind>;
    }
    if (model === null) {
      return studioError(
        'MODEL_MISSING',
        'The host has no copy of this model on disk (it was uploaded and could not be kept). Open the model from a file, then try again.',
      );
    }
    if (request.kind === 'export') {
      if (!path.isAbsolute(request.args.outDir)) {
        return studioError(
          'BAD_REQUEST',
          `Give the export folder as a full path (e.g. ${path.join(path.sep, 'home', 'me', 'bundle')}), not "${request.args.outDir}".`,
        );
      }
      return exportPlan(model, request.args) as ProcessJobPlan<ProcessJobKind>;
    }
    if (request.kind === 'figures') {
      if (!path.isAbsolute(request.args.outDir)) {
        return studioError(
          'BAD_REQUEST',
          `Give the figures' folder as a full path (e.g. ${path.join(path.sep, 'home', 'me', 'figures')}), not "${request.args.outDir}".`,
        );
      }
      return figuresPlan(model, request.args) as ProcessJobPlan<ProcessJobKind>;
    }
    return (
      nothingKept(request.args, options.calibrationFile) ??
      (profilePlan(model, request.args, options.calibrationFile) as ProcessJobPlan<ProcessJobKind>)
    );
  }

  function end(jobId: string, job: RunningProcessJob, event: JobEvent): void {
    if (jobs.get(jobId) !== job) return;
    jobs.delete(jobId);
    clearTimeout(job.timer);
    // A command still running (Windows holds its open files) can keep its folder: not an error.
    try {
      fs.rmSync(job.tempDir, { recursive: true, force: true });
    } catch {
      // Left for the sweep of old job folders.
    }
    if (job.stoppedWith !== null && job.outDir !== null) removeExportLeftovers(job.outDir, job.cli.pid);
    emitJob(event);
  }

  async function stop(jobId: string, error: StudioError): Promise<void> {
    const job = jobs.get(jobId);
    if (!job) return;
    job.stoppedWith ??= error;
    const stopped = await job.cli.stop();
    if (!stopped.exited && jobs.get(jobId) === job) {
      emitJob({
        type: 'log',
        jobId,
        sessionId: job.sessionId,
        kind: job.kind,
        line: `The ${job.kind} command (process ${job.cli.pid}) did not exit after it was killed; it or the tier processes it started may still be running. End them in the system's task manager if so.`,
      });
    }
    end(jobId, job, {
      type: 'failed',
      jobId,
      sessionId: job.sessionId,
      kind: job.kind,
      error: job.stoppedWith,
    });
  }

  return {
    get running() {
      return jobs.size;
    },

    has: (jobId) => jobs.has(jobId),

    start(jobId, sessionId, model, request) {
      if (jobs.size >= maxRunning) {
        return studioError(
          'BUSY',
          `${maxRunning} exports, harness runs or calibrations are running already. Wait for one to end or stop it, then try again.`,
        );
      }
      if (request.kind === 'export' && path.isAbsolute(request.args.outDir)) {
        const outDir = path.resolve(request.args.outDir);
        if ([...jobs.values()].some((job) => job.bundleDir === outDir)) {
          return studioError('BUSY', 'A run is using this bundle; stop it first, then export again.');
        }
      }
      const made = plan(model, request);
      if ('code' in made) return made;
      const jobPlan = made;
      const { kind } = request;
      const base = { jobId, sessionId, kind } as const;
      let fraction = 0;
      const output: JobOutput<ProcessJobKind> = {
        progress(value, message) {
          fraction = Math.max(fraction, value);
          emitJob({ ...base, type: 'progress', fraction, message });
        },
        partial: (value) => emitJob({ ...base, type: 'partial', partial: { kind: 'harness', value } }),
        log: (line) => emitJob({ ...base, type: 'log', line }),
      };
      const stdout: string[] = [];
      const stderr: string[] = [];
      let coded: StudioError | null = null;
      const cli = startCli({
        cliEntry,
        args: jobPlan.argv,
        ...(options.graceMs !== undefined ? { graceMs: options.graceMs } : {}),
        ...options.stopping,
        onStdoutLine(line) {
          // The answer is the last line: a few before it are kept for a command that prints more.
          stdout.push(line);
          if (stdout.length > MAX_STDOUT_LINES) stdout.shift();
          if (jobs.has(jobId)) jobPlan.stdoutLine(line, output);
        },
        onStderrLine(line) {
          stderr.push(line);
          if (stderr.length > 50) stderr.shift();
          const error = CODED_ERROR.exec(line);
          if (error) {
            coded = { code: error[1]!, message: jobPlan.wording(error[2]!) };
            return;
          }
          if (!jobs.has(jobId) || line.trim() === '') return;
          const message = line.replace(/^cutline: /, '');
          emitJob({ ...base, type: 'log', line: message });
          const at = jobPlan.stageFraction(message);
          if (at !== null) output.progress(at, message);
        },
      });
      const job: RunningProcessJob = {
        sessionId,
        kind,
        cli,
        tempDir: jobPlan.tempDir,
        stoppedWith: null,
        outDir: request.kind === 'export' ? request.args.outDir : null,
        bundleDir: request.kind === 'harness' ? path.resolve(request.args.bundleDir) : null,
        timer: setTimeout(() => {
          void stop(
            jobId,
            studioError(
              'INTERNAL',
              `The ${kind} job took longer than ${Math.round(timeoutMs / 60_000)} minutes and was stopped; try fewer requests or runs.`,
            ),
          );
        }, timeoutMs),
      };
      // The timer alone must not keep a closing host alive.
      job.timer.unref?.();
      jobs.set(jobId, job);
      // After the answer: the page learns the job's id first (web-client.ts holds events till then).
      setImmediate(() => {
        if (jobs.get(jobId) === job) output.progress(0, jobPlan.startMessage);
      });

      void cli.exited.then((exit: CliExit) => {
        if (job.stoppedWith !== null) return; // `stop` reports it once the group is gone
        const result = readResult(jobPlan, stdout);
        // The harness exits 1 when the run is not verified: its summary is still the answer.
        if (result !== null && (exit.code === 0 || kind === 'harness')) {
          // Listed at once (a harness may start on it now); on disk shortly, and before `close` ends.
          if (request.kind === 'export') void exported.add(request.args.outDir).catch(() => undefined);
          end(jobId, job, { ...base, type: 'done', result: { kind, value: result } as never });
          return;
        }
        const last = stderr.filter((line) => line.trim() !== '').at(-1) ?? '';
        const error =
          coded ??
          studioError(
            'INTERNAL',
            exit.code === 0
              ? `The ${kind} command ended without an answer the studio could read; run it again, or run \`cutline ${kind} --json\` to see what it printed.`
              : `The ${kind} command stopped (${exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`})${last ? `: ${last.replace(/^cutline: /, '')}` : ''}.`,
          );
        end(jobId, job, { ...base, type: 'failed', error });
      });
      return null;
    },

    stop,

    async cancel(jobId) {
      const job = jobs.get(jobId);
      if (job) await stop(jobId, studioError('CANCELLED', `The ${job.kind} job was stopped.`));
    },

    async stopSession(sessionId, error) {
      await Promise.all(
        [...jobs].filter(([, job]) => job.sessionId === sessionId).map(([jobId]) => stop(jobId, error)),
      );
    },

    async close(error) {
      await Promise.all([...jobs.keys()].map((jobId) => stop(jobId, error)));
      await exported.flush();
    },
  };
}
