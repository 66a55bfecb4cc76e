/**
 * The live harness from the studio: the host's `harness` job runs every tier of the last bundle
 * as its own process and streams each event; the page folds them into the run in batches (the
 * stream answers hundreds of requests a second, a frame or so of them is drawn at once). Stop
 * cancels the job, and the host stops every tier process with it.
 */
import type { HarnessArgs, HarnessEvent } from '../../shared/studio-api.js';
import { useStudio } from '../store/store.js';
import { endedRun, startedRun, type HarnessRun } from './harness-run.js';
import { selectHarnessRun, selectLastExport } from './run-slice.js';
import { cancelHostJob, runHostJob } from './run-jobs.js';
import { hideMeasuredOnGraph, selectMeasuredShown, showMeasuredOnGraph } from './measured-actions.js';

/** How long streamed events wait to be drawn together. */
const BATCH_MS = 100;

export type HarnessOptions = Omit<HarnessArgs, 'bundleDir'>;

let nextRunId = 1;

export async function startHarness(options: HarnessOptions): Promise<void> {
  const state = useStudio.getState();
  const bundle = selectLastExport(state);
  const current = selectHarnessRun(state);
  if (!bundle || !state.opened || current?.status === 'running') return;
  const { sessionId } = state.opened;
  const id = nextRunId++;
  const args: HarnessArgs = { bundleDir: bundle.result.bundleDir, ...options };
  state.harnessChanged(
    startedRun(id, sessionId, args, {
      topology: bundle.args.topology,
      placement: bundle.args.placement,
      inputs: bundle.args.inputs,
    }),
  );

  let pending: HarnessEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = (): void => {
    timer = undefined;
    const events = pending;
    pending = [];
    useStudio.getState().harnessEvents(id, events);
  };
  // Only this run's record is replaced; a newer run (or a new model's) is left alone.
  const update = (change: (run: HarnessRun) => HarnessRun): void => {
    const run = useStudio.getState().harnessRun;
    if (run?.id === id) useStudio.getState().harnessChanged(change(run));
  };

  const outcome = await runHostJob(
    sessionId,
    { kind: 'harness', args },
    {
      started: (jobId) => update((run) => ({ ...run, jobId })),
      progress: (fraction, message) => update((run) => ({ ...run, fraction, message })),
      partial: (partial) => {
        if (partial.kind !== 'harness') return;
        pending.push(partial.value);
        timer ??= setTimeout(flush, BATCH_MS);
      },
    },
  );
  clearTimeout(timer);
  flush();
  update((run) => endedRun(run, outcome));
  // Measured figures already on the graph take the summary's; a run stopped before any answer
  // measured nothing, and the previous run's figures must not stay on the graph as if its own.
  if (selectMeasuredShown(useStudio.getState()) && !showMeasuredOnGraph()) hideMeasuredOnGraph();
}

export function stopHarness(): void {
  const run = selectHarnessRun(useStudio.getState());
  if (run?.status === 'running' && run.jobId) cancelHostJob(run.jobId);
}
