/**
 * Host jobs as promises: `runJob` starts one on a session and resolves with its typed result or
 * its coded error, passing progress on. One `onJob` subscription serves every job; events that
 * arrive before `startJob` has answered with the id (the host may be quick) wait until it has.
 */
import type {
  JobEvent,
  JobKind,
  JobKinds,
  JobPartial,
  JobRequest,
  StudioApi,
  StudioError,
  Unsubscribe,
} from '../../shared/studio-api.js';

export type JobOutcome<K extends JobKind> =
  | { readonly ok: true; readonly value: JobKinds[K]['result'] }
  | { readonly ok: false; readonly error: StudioError };

export interface JobHandlers {
  /** The host accepted the job (its id, to cancel it). */
  readonly started?: (jobId: string) => void;
  readonly progress?: (fraction: number, message: string) => void;
  readonly log?: (line: string) => void;
  /** What the job streams while it runs (the harness's events), for kinds that declare `partial`. */
  readonly partial?: (partial: JobPartial) => void;
}

/** Events of jobs nobody has claimed yet are kept for this many jobs at most (others' jobs too). */
const MAX_UNCLAIMED_JOBS = 64;

export interface JobRunner {
  run<K extends JobKind>(
    sessionId: string,
    request: Extract<JobRequest, { kind: K }>,
    handlers?: JobHandlers,
  ): Promise<JobOutcome<K>>;
  stop(): void;
}

export function createJobRunner(api: StudioApi): JobRunner {
  const claimed = new Map<string, (event: JobEvent) => void>();
  const unclaimed = new Map<string, JobEvent[]>();

  const unsubscribe: Unsubscribe = api.onJob((event) => {
    const handler = claimed.get(event.jobId);
    if (handler) {
      handler(event);
      return;
    }
    const queue = unclaimed.get(event.jobId) ?? [];
    queue.push(event);
    unclaimed.set(event.jobId, queue);
    // Forget the oldest job's events: a job this runner did not start is never claimed.
    if (unclaimed.size > MAX_UNCLAIMED_JOBS) unclaimed.delete(unclaimed.keys().next().value!);
  });

  return {
    async run(sessionId, request, handlers = {}) {
      const started = await api
        .startJob(sessionId, request)
        .catch((error: unknown): { ok: false; error: StudioError } => ({
          ok: false,
          error: {
            code: 'HOST_FAILED',
            message: `The studio host did not start the job: ${(error as Error).message}`,
          },
        }));
      if (!started.ok) return started;
      const { jobId } = started;
      handlers.started?.(jobId);
      return new Promise((resolve) => {
        const onEvent = (event: JobEvent): void => {
          if (event.type === 'progress') handlers.progress?.(event.fraction, event.message);
          else if (event.type === 'log') handlers.log?.(event.line);
          else if (event.type === 'partial') handlers.partial?.(event.partial);
          else if (event.type === 'done' || event.type === 'failed') {
            claimed.delete(jobId);
            if (event.type === 'failed') resolve({ ok: false, error: event.error });
            else if (event.result.kind === request.kind)
              resolve({ ok: true, value: event.result.value as never });
            else
              resolve({
                ok: false,
                error: {
                  code: 'INTERNAL',
                  message: `The host answered a ${request.kind} job with a ${event.result.kind} result.`,
                },
              });
          }
        };
        claimed.set(jobId, onEvent);
        const early = unclaimed.get(jobId) ?? [];
        unclaimed.delete(jobId);
        for (const event of early) onEvent(event);
      });
    },
    stop() {
      unsubscribe();
      claimed.clear();
      unclaimed.clear();
    },
  };
}
