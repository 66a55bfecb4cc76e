/**
 * The bandwidth tab's actions: run the `sweep` job of the open model's session on the design
 * (its topology and placement), cancel it, and set the swept link's bandwidth from the chart.
 * A newer sweep makes an older one's answer moot; a cancelled one brings back the sweep before.
 */
import { useStudio } from '../store/store.js';
import { hostJobs } from '../actions/job-runner.js';
import { sweepRange, type SweepFieldProblem } from './sweep-data.js';
import type { SweepForm, SweepRun } from './sweep-slice.js';

let generation = 0;

export type SweepStart =
  { readonly ok: true } | { readonly ok: false; readonly problems: readonly SweepFieldProblem[] };

export async function runSweep(form: SweepForm): Promise<SweepStart> {
  const { opened, design } = useStudio.getState();
  if (!opened || !design) return { ok: true };
  const range = sweepRange(form);
  if (!range.ok) return range;
  cancelSweep();
  const previous = useStudio.getState().sweepRun;
  const mine = ++generation;
  const args = {
    topology: design.topology,
    hop: form.hop,
    fromMbps: range.fromMbps,
    toMbps: range.toMbps,
    steps: range.steps,
    placement: design.placement,
  };
  const update = (change: Partial<SweepRun>): void => {
    const run = useStudio.getState().sweepRun;
    if (mine === generation && run) useStudio.getState().setSweepRun({ ...run, ...change });
  };
  useStudio.getState().setSweepRun({
    sessionId: opened.sessionId,
    args,
    jobId: null,
    status: 'running',
    fraction: 0,
    message: 'Starting…',
    cancelRequested: false,
    result: null,
    error: null,
  });
  const outcome = await hostJobs().runner.run(
    opened.sessionId,
    { kind: 'sweep', args },
    {
      started: (jobId) => {
        update({ jobId });
        if (mine === generation && useStudio.getState().sweepRun?.cancelRequested) cancelSweep();
      },
      progress: (fraction, message) => update({ fraction, message }),
    },
  );
  if (mine !== generation) return { ok: true };
  if (!outcome.ok && outcome.error.code === 'CANCELLED') {
    useStudio.getState().setSweepRun(previous?.status === 'running' ? null : previous);
  } else if (outcome.ok) update({ status: 'done', fraction: 1, result: outcome.value, jobId: null });
  else update({ status: 'failed', error: outcome.error, jobId: null });
  return { ok: true };
}

export function cancelSweep(): void {
  const run = useStudio.getState().sweepRun;
  if (run?.status !== 'running') return;
  if (run.jobId === null) {
    useStudio.getState().setSweepRun({ ...run, cancelRequested: true });
    return;
  }
  void hostJobs()
    .api.cancelJob(run.jobId)
    .catch(() => undefined);
}

/**
 * Sets hop `hop`'s bandwidth, both ways, to `mbps` (as the sweep sets it at each point) as one
 * undoable step; the sweep stays on screen (its figures do not depend on that bandwidth).
 */
export function setLinkBandwidth(hop: number, mbps: number): void {
  useStudio.getState().editLink(hop, { uplinkMbps: mbps, downlinkMbps: mbps });
}
