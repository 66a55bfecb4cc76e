/**
 * Input bindings and values: the model is re-analysed on the host (an 'analyse' job of its
 * session) with the bindings and input values the design holds. Applying new ones analyses first
 * and records them only once the analysis succeeded, so a binding or value the model refuses
 * (BAD_INPUT_BINDING) leaves no history entry behind. Undo and redo change the design's bindings
 * without analysing; the sync here notices the design and the model disagree and analyses again.
 */
import type { StudioError, Unsubscribe } from '../../shared/studio-api.js';
import { useStudio, type Store } from '../store/store.js';
import { hostJobs } from './job-runner.js';
import { sameInputs } from '../design/diff.js';

/** Whether the window's sync runs (its host session started); analyses wait for it. */
let syncing = false;
/** Which analysis is the latest: an older one's answer is ignored. */
let generation = 0;
/** Set while an analysis result lands in the store, so the sync does not see a disagreement. */
let settling = false;

export type AnalysisOutcome = { readonly ok: true } | { readonly ok: false; readonly error: StudioError };

/** Input name → text, as bindings and values are kept. */
type ByInput = Readonly<Record<string, string>>;

/** What an analysis is asked for: input bindings and input values. */
export interface AnalysisInputs {
  readonly inputs: ByInput;
  readonly inputValues: ByInput;
}

const NO_VALUES: ByInput = {};

async function analyse({ inputs, inputValues }: AnalysisInputs, record: boolean): Promise<AnalysisOutcome> {
  const state = useStudio.getState();
  const { opened } = state;
  if (!syncing || !opened) {
    return { ok: false, error: { code: 'NO_MODEL', message: 'Open a model before binding its inputs.' } };
  }
  const { api, runner } = hostJobs();
  const running = state.analysis?.jobId;
  if (running) void api.cancelJob(running).catch(() => undefined);
  const mine = ++generation;
  state.analysisStarted(inputs, inputValues);
  let acceptedJobId: string | null = null;
  const outcome = await runner.run(
    opened.sessionId,
    // Values only when there are some: a host of an older build takes bindings alone.
    { kind: 'analyse', args: { inputs, ...(Object.keys(inputValues).length > 0 ? { inputValues } : {}) } },
    {
      started: (jobId) => {
        acceptedJobId = jobId;
        if (mine === generation) useStudio.getState().analysisAccepted(jobId);
      },
      progress: (fraction, message) => {
        if (mine === generation && acceptedJobId !== null)
          useStudio.getState().analysisProgressed(acceptedJobId, fraction, message);
      },
    },
  );
  const now = useStudio.getState();
  const moot = {
    ok: false,
    error: { code: 'CANCELLED', message: 'A newer analysis replaced this one.' },
  } as const;
  // A newer analysis made this one moot; it shows its own progress.
  if (mine !== generation) return moot;
  now.analysisEnded();
  // Another model replaced this one: its session (and this job) ended with it.
  if (now.opened?.sessionId !== opened.sessionId) return moot;
  if (!outcome.ok) {
    if (outcome.error.code !== 'CANCELLED') now.failed(outcome.error);
    return outcome;
  }
  settling = true;
  try {
    now.analysisReplaced(outcome.value, acceptedJobId ?? opened.jobId);
    if (record) useStudio.getState().setInputs(outcome.value.inputs, outcome.value.inputValues ?? NO_VALUES);
  } finally {
    settling = false;
  }
  return { ok: true };
}

/**
 * Apply in the header: analyse with `inputs` (and `inputValues`, when given; else the design's),
 * then record them as one undoable step.
 */
export function applyInputBindings(inputs: ByInput, inputValues?: ByInput): Promise<AnalysisOutcome> {
  const { opened, design } = useStudio.getState();
  const values = inputValues ?? design?.inputValues ?? NO_VALUES;
  if (
    opened &&
    design &&
    sameInputs(inputs, opened.inputs) &&
    sameInputs(inputs, design.inputs) &&
    sameInputs(values, opened.inputValues ?? NO_VALUES) &&
    sameInputs(values, design.inputValues ?? NO_VALUES)
  ) {
    return Promise.resolve({ ok: true });
  }
  return analyse({ inputs, inputValues: values }, true);
}

export function cancelAnalysis(): void {
  const jobId = useStudio.getState().analysis?.jobId;
  if (jobId && syncing)
    void hostJobs()
      .api.cancelJob(jobId)
      .catch(() => undefined);
}

/** The bindings and values the model should be analysed with now, if they differ from what it shows. */
export function analysisNeeded(state: Pick<Store, 'design' | 'opened' | 'analysis'>): AnalysisInputs | null {
  const { design, opened, analysis } = state;
  if (!design || !opened) return null;
  const target = analysis ?? opened;
  const values = design.inputValues ?? NO_VALUES;
  return sameInputs(design.inputs, target.inputs) && sameInputs(values, target.inputValues ?? NO_VALUES)
    ? null
    : { inputs: design.inputs, inputValues: values };
}

/**
 * Re-analyses when undo or redo changes the bindings, for the window's life. Its jobs go through
 * the page's one runner (actions/job-runner.ts), which the host session holds.
 */
export function startAnalysisSync(): Unsubscribe {
  syncing = true;
  const unsubscribe = useStudio.subscribe((state, previous) => {
    if (
      settling ||
      (state.design?.inputs === previous.design?.inputs &&
        state.design?.inputValues === previous.design?.inputValues &&
        state.opened === previous.opened)
    )
      return;
    const inputs = analysisNeeded(state);
    if (inputs) void analyse(inputs, false);
  });
  return () => {
    unsubscribe();
    syncing = false;
  };
}
