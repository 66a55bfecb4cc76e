/**
 * Keeps the layout in step with the store: whenever the model, the expanded blocks, the
 * design's placement or its topology's tiers change, the visible graph is laid out again in a
 * Web Worker, so a big model never freezes the window. A newer request or a cancel terminates
 * the worker outright (a layout is one synchronous computation that cannot be interrupted from
 * outside any other way).
 */
import { TIERS, type Tier } from '../../../core/view/types.js';
import { NO_PLACEMENT } from '../store/design-slice.js';
import type { LayoutInputs } from '../store/layout-slice.js';
import { useStudio, type Store } from '../store/store.js';
import {
  openPageChannel,
  openWorkerChannel,
  type ChannelEvents,
  type LayoutChannel,
} from './layout-channel.js';
import type { FromLayoutWorker, ToLayoutWorker } from './layout-types.js';

export interface LayoutRunner {
  cancel(): void;
  /** Lays out again what the store shows (after a cancel or a failure). */
  retry(): void;
  stop(): void;
}

const sameTiers = (a: readonly Tier[], b: readonly Tier[]): boolean =>
  a.length === b.length && a.every((tier, i) => tier === b[i]);

const sameInputs = (a: LayoutInputs | undefined, b: LayoutInputs): boolean =>
  a !== undefined &&
  a.modelKey === b.modelKey &&
  a.expanded === b.expanded &&
  a.placement === b.placement &&
  sameTiers(a.tiers, b.tiers);

/** The lanes: the design topology's tiers; every tier until a design is there. */
function laneTiers(state: Store): readonly Tier[] {
  return state.design?.topology.tiers.map((tier) => tier.name) ?? TIERS;
}

export function startLayoutRunner(): LayoutRunner {
  let worker: LayoutChannel | null = null;
  let workerModelKey: string | null = null;
  let workersUnavailable = false;
  let nextRequestId = 1;

  const stopWorker = (): void => {
    worker?.terminate();
    worker = null;
    workerModelKey = null;
  };

  const onMessage = (message: FromLayoutWorker): void => {
    const store = useStudio.getState();
    if (message.type === 'progress') store.layoutProgressed(message.requestId, message.fraction);
    else if (message.type === 'done') store.layoutFinished(message.requestId, message.graph);
    else store.layoutFailed(message.requestId, message.message);
  };

  const events: ChannelEvents = {
    message: onMessage,
    unavailable: () => {
      stopWorker();
      workersUnavailable = true;
      // Lay the same thing out again, this time on the page.
      if (useStudio.getState().layoutJob) request(useStudio.getState(), true);
    },
    crashed: (reason) => {
      stopWorker();
      const job = useStudio.getState().layoutJob;
      if (job) useStudio.getState().layoutFailed(job.requestId, reason);
    },
  };

  const post = (message: ToLayoutWorker): void => worker!.post(message);

  /** Starts a layout unless the one running or shown is of the same inputs (or `again` says to anyway). */
  function request(state: Store, again = false): void {
    const { opened, expanded } = state;
    const placement = state.design?.placement ?? NO_PLACEMENT;
    if (!opened) return;
    const tiers = laneTiers(state);
    const inputs: LayoutInputs = { modelKey: opened.jobId, expanded, placement, tiers };
    if (!again && sameInputs(state.layoutJob?.inputs, inputs)) return;
    if (!again && !state.layoutJob && sameInputs(state.layout?.inputs, inputs)) return;
    if (state.layoutJob) stopWorker();
    worker ??= workersUnavailable ? openPageChannel(events) : openWorkerChannel(events);
    if (workerModelKey !== opened.jobId) {
      post({ type: 'model', modelKey: opened.jobId, view: opened.view });
      workerModelKey = opened.jobId;
    }
    const requestId = nextRequestId++;
    state.layoutStarted(requestId, inputs);
    post({
      type: 'layout',
      requestId,
      modelKey: opened.jobId,
      expanded: [...expanded],
      placement,
      tiers: [...tiers],
    });
  }

  const unsubscribe = useStudio.subscribe((state, previous) => {
    if (
      state.opened !== previous.opened ||
      state.expanded !== previous.expanded ||
      (state.design?.placement ?? NO_PLACEMENT) !== (previous.design?.placement ?? NO_PLACEMENT) ||
      (state.design?.topology !== previous.design?.topology &&
        !sameTiers(laneTiers(state), laneTiers(previous)))
    ) {
      request(state);
    }
  });
  request(useStudio.getState());

  return {
    cancel: () => {
      if (!useStudio.getState().layoutJob) return;
      stopWorker();
      useStudio.getState().layoutCancelled();
    },
    retry: () => request(useStudio.getState(), true),
    stop: () => {
      unsubscribe();
      stopWorker();
    },
  };
}

let active: LayoutRunner | null = null;

/** Starts the one runner of this window (idempotent); returns its stop function. */
export function runLayouts(): () => void {
  active ??= startLayoutRunner();
  return () => {
    active?.stop();
    active = null;
  };
}

export const cancelLayout = (): void => active?.cancel();
export const retryLayout = (): void => active?.retry();
