/**
 * Running the solvers and the single cut points as host jobs of the open model's session:
 * progress and the host's job id land in the store (Cancel needs it), a newer run makes an older
 * one's answer moot, and a cancelled run brings back the results that were there before it.
 */
import type { StudioError } from '../../shared/studio-api.js';
import type { SourceMeasurements } from '../../../core/partition/source-types.js';
import { useStudio, type Store } from '../store/store.js';
import { hostJobs } from '../actions/job-runner.js';
import { selectSourceMeasurements } from '../design/costed-source.js';
import { solveRequestText } from './solve-selectors.js';
import type { FieldProblem } from './solve-settings.js';
import { selectCutServerTier, type CutRun, type JobRun, type SolveRun } from './suggest-slice.js';

/** Rows the cut-points job returns (the best ones); the table says how many exist in all. */
export const CUT_POINT_LIMIT = 200;

let solveGeneration = 0;
let cutGeneration = 0;

const NO_MODEL: StudioError = { code: 'NO_MODEL', message: 'Open a model before asking for suggestions.' };

export type RunStart =
  | { readonly ok: true }
  | { readonly ok: false; readonly problems: readonly FieldProblem[]; readonly error?: StudioError };

function running<B, R>(basis: B): JobRun<B, R> {
  return {
    basis,
    status: 'running',
    jobId: null,
    cancelRequested: false,
    fraction: 0,
    message: 'Starting…',
    result: null,
    error: null,
  };
}

/**
 * Runs the solvers with the tab's settings (and the Pareto front). The settings are written to
 * the design first, as one undoable step, so they are saved with the project.
 */
export async function runSuggest(): Promise<RunStart> {
  const state = useStudio.getState();
  const { opened, design } = state;
  const request = solveRequestText(state);
  if (!opened || !design || !request) return { ok: false, problems: [], error: NO_MODEL };
  if (!request.ok) return request;
  state.setSolverSettings(request.objective, request.designConstraints);
  state.setSolveDraft(opened.sessionId, null);
  cancelSuggest();
  const previous = useStudio.getState().solveRun;
  const mine = ++solveGeneration;
  const basis = {
    sessionId: opened.sessionId,
    partition: opened.partition,
    topology: design.topology,
    objective: request.objective,
    constraints: request.constraints,
  };
  const update = (change: Partial<SolveRun>): void => {
    const run = useStudio.getState().solveRun;
    if (mine === solveGeneration && run) useStudio.getState().setSolveRun({ ...run, ...change });
  };
  useStudio.getState().setSolveRun(running(basis));
  const { runner } = hostJobs();
  const outcome = await runner.run(
    opened.sessionId,
    {
      kind: 'solve',
      args: {
        topology: design.topology,
        objective: request.objective,
        constraints: request.constraints,
        solvers: [],
        pareto: true,
        // The data-dependent layers this machine timed, costed as the figures bar costs them.
        ...measuredArgs(state),
      },
    },
    {
      started: (jobId) => {
        update({ jobId });
        if (mine === solveGeneration && useStudio.getState().solveRun?.cancelRequested) cancelSuggest();
      },
      progress: (fraction, message) => update({ fraction, message }),
    },
  );
  if (mine !== solveGeneration) return { ok: true };
  if (!outcome.ok && outcome.error.code === 'CANCELLED') {
    useStudio.getState().setSolveRun(previous?.status === 'running' ? null : previous);
  } else if (outcome.ok) update({ status: 'done', fraction: 1, result: outcome.value, jobId: null });
  else update({ status: 'failed', error: outcome.error, jobId: null });
  return { ok: true };
}

export function cancelSuggest(): void {
  const run = useStudio.getState().solveRun;
  if (run?.status === 'running' && run.jobId === null)
    useStudio.getState().setSolveRun({ ...run, cancelRequested: true });
  else cancelJob(run);
}

/** Ranks every single cut with the server tier chosen (default the topology's last tier). */
export async function runCutPoints(): Promise<void> {
  const state = useStudio.getState();
  const { opened, design } = state;
  if (!opened || !design) return;
  const last = design.topology.tiers.length - 1;
  const chosen = selectCutServerTier(state);
  const serverTier = chosen !== null && chosen >= 1 && chosen <= last ? chosen : last;
  cancelCutPoints();
  const previous = useStudio.getState().cutRun;
  const mine = ++cutGeneration;
  const basis = {
    sessionId: opened.sessionId,
    partition: opened.partition,
    topology: design.topology,
    serverTier,
  };
  const update = (change: Partial<CutRun>): void => {
    const run = useStudio.getState().cutRun;
    if (mine === cutGeneration && run) useStudio.getState().setCutRun({ ...run, ...change });
  };
  useStudio.getState().setCutRun(running(basis));
  const { runner } = hostJobs();
  const outcome = await runner.run(
    opened.sessionId,
    {
      kind: 'cut-points',
      args: { topology: design.topology, serverTier, limit: CUT_POINT_LIMIT, ...measuredArgs(state) },
    },
    {
      started: (jobId) => {
        update({ jobId });
        if (mine === cutGeneration && useStudio.getState().cutRun?.cancelRequested) cancelCutPoints();
      },
      progress: (fraction, message) => update({ fraction, message }),
    },
  );
  if (mine !== cutGeneration) return;
  if (!outcome.ok && outcome.error.code === 'CANCELLED') {
    useStudio.getState().setCutRun(previous?.status === 'running' ? null : previous);
  } else if (outcome.ok) update({ status: 'done', fraction: 1, result: outcome.value, jobId: null });
  else update({ status: 'failed', error: outcome.error, jobId: null });
}

export function cancelCutPoints(): void {
  const run = useStudio.getState().cutRun;
  if (run?.status === 'running' && run.jobId === null)
    useStudio.getState().setCutRun({ ...run, cancelRequested: true });
  else cancelJob(run);
}

function cancelJob(run: JobRun<unknown, unknown> | null): void {
  if (run?.status !== 'running' || run.jobId === null) return;
  const { api } = hostJobs();
  void api.cancelJob(run.jobId).catch(() => undefined);
}

/** `measured` for a solve or cut-points request: what the page's figures cost from a calibration. */
function measuredArgs(state: Store): { measured?: SourceMeasurements } {
  const measured = selectSourceMeasurements(state);
  return measured ? { measured } : {};
}
