/**
 * One open in an analysis process: posts the request, relays its progress and waits for its one
 * outcome under the open's time budget. The process's own answer (opened, or a named failure),
 * its death (ANALYSIS_OUT_OF_MEMORY when V8 ran out of heap, INTERNAL otherwise), the budget
 * running out (ANALYSIS_TIME_LIMIT) and a cancel all settle it once; what happens to the process
 * then is the session runner's choice.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { plainName } from '../../core/text/quote-name.js';
import type { ProgressEvent, StudioError } from '../shared/studio-api.js';
import { failed } from './host-errors.js';
import { childFailure, type AnalysisChild, type ChildEnd } from './session-workers.js';
import type {
  AnalysisSource,
  HostMessage,
  OpenRequest,
  OpenedSession,
  WorkerMessage,
} from './worker/protocol.js';

export type SessionOpenOutcome =
  | ({ readonly ok: true; readonly sessionId: string } & OpenedSession)
  | { readonly ok: false; readonly error: StudioError };

export type StageListener = (stage: ProgressEvent['stage'], message: string) => void;

export type OpenSessionRequest = Omit<OpenRequest, 'type'>;

export interface OpenLimits {
  readonly openTimeoutMs: number;
  /** The process's heap limit, named when it is exceeded. */
  readonly heapMb: number;
}

export interface OpenSettled {
  readonly outcome: SessionOpenOutcome;
  /** The process answered a failure itself: it holds no analysis and can take another open. */
  readonly idle: boolean;
}

export interface OpenAttempt {
  /** Settles the attempt with `outcome` now (a cancel, the host closing), unless it has settled. */
  settle(outcome: SessionOpenOutcome): void;
  readonly settled: Promise<OpenSettled>;
}

/** `n.n s` below ten seconds, whole seconds above. */
const seconds = (ms: number): string =>
  ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toPrecision(2)} s`;

/**
 * Opens `request` in `worker`. Uploaded bytes go as the path of the host's copy (`kept`) once it
 * is written: a path through the pipe, not the bytes (a copy only when the host could not keep one).
 */
export function attemptOpen(
  worker: AnalysisChild,
  request: OpenSessionRequest,
  kept: Promise<string | null> | null,
  limits: OpenLimits,
  onStage: StageListener,
): OpenAttempt {
  const { source } = request;
  // The page chooses an upload's name: escaped and cut before it reaches a message.
  const shownName = plainName(source.kind === 'file' ? path.basename(source.path) : source.fileName);
  let settle = (_outcome: SessionOpenOutcome, _idle = false): void => undefined;
  const settled = new Promise<OpenSettled>((resolve) => {
    let done = false;
    settle = (outcome, idle = false) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      // Only this open's own listeners: the session adopts the process with its own.
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      resolve({ outcome, idle });
    };
  });
  const timer = setTimeout(() => {
    settle(
      failed(
        'ANALYSIS_TIME_LIMIT',
        `${shownName} was not analysed within ${seconds(limits.openTimeoutMs)}, so its analysis was stopped; the model open before it stays open. A model this slow to analyse may be malformed: check it with \`cutline analyze\` on the command line.`,
      ),
    );
  }, limits.openTimeoutMs);
  const onMessage = (message: WorkerMessage): void => {
    if (message.type === 'progress') onStage(message.stage, message.message);
    else if (message.type === 'opened') {
      const { view, partition, sha256, inputs } = message;
      settle({ ok: true, sessionId: randomUUID(), view, partition, sha256, inputs });
    } else if (message.type === 'open-failed') {
      // Reading errors name the file; analysis errors name a node: say which file that is in.
      const { error } = message;
      const named = error.message.includes(shownName)
        ? error
        : { ...error, message: `${shownName}: ${error.message}` };
      settle({ ok: false, error: named }, true);
    }
  };
  const onError = (error: Error): void => {
    settle(failed('INTERNAL', `The analysis could not be started (${error.message}).`));
  };
  const onExit = (end: ChildEnd): void => {
    settle(
      end.outOfMemory
        ? failed(
            'ANALYSIS_OUT_OF_MEMORY',
            `${shownName} needed more memory than its analysis may use (${limits.heapMb} MB), so the analysis was stopped; the model open before it stays open. A model that needs this much may be malformed: check it with \`cutline analyze\` on the command line.`,
          )
        : failed('INTERNAL', `The analysis stopped unexpectedly: ${childFailure(end, limits.heapMb)}.`),
    );
  };
  worker.on('message', onMessage);
  worker.on('error', onError);
  worker.on('exit', onExit);

  const post = (sent: AnalysisSource): void =>
    worker.postMessage({ type: 'open', ...request, source: sent } satisfies HostMessage);
  if (kept === null || source.kind !== 'bytes') post(source);
  else
    void kept.then((file) =>
      post(file === null ? source : { kind: 'upload', fileName: source.fileName, path: file }),
    );
  return { settle: (outcome) => settle(outcome), settled };
}
