/**
 * The bandwidth tab's state: its form and the last sweep job with its progress and error. (The
 * Pareto tab shows the Suggestions tab's solve, which computes the front: see suggest-slice.ts.)
 * Kept in the store, not in the tab, so closing the dock or switching tabs keeps them. A run
 * names the session and the arguments it ran with: a run of a model since closed is ignored, and
 * the tab compares the arguments with the design to say when a run no longer fits it.
 */
import type { StateCreator } from 'zustand';
import type { StudioError, SweepArgs, SweepResult } from '../../shared/studio-api.js';
import type { Store } from '../store/store-types.js';

export interface SweepRun {
  readonly sessionId: string;
  readonly args: SweepArgs;
  /** Null until the host accepted the job. */
  readonly jobId: string | null;
  readonly status: 'running' | 'done' | 'failed';
  readonly fraction: number;
  readonly message: string;
  /** Cancel was asked before the host accepted the job: it is cancelled as soon as it is. */
  readonly cancelRequested: boolean;
  readonly result: SweepResult | null;
  readonly error: StudioError | null;
}

/** The bandwidth tab's form as typed, kept while the tab is closed. */
export interface SweepForm {
  readonly hop: number;
  readonly from: string;
  readonly to: string;
  readonly steps: string;
  /** Latency on a log axis too (a server-only curve at 0.1 Mb/s dwarfs the rest on a linear one). */
  readonly logLatency: boolean;
}

export interface SweepSlice {
  sweepRun: SweepRun | null;
  /** The form as typed, for the session named: another model starts from the defaults. */
  sweepForm: { readonly sessionId: string; readonly form: SweepForm } | null;
  setSweepRun(run: SweepRun | null): void;
  /** Keeps the form for the open model's session. */
  setSweepForm(form: SweepForm): void;
}

export const createSweepSlice: StateCreator<Store, [], [], SweepSlice> = (set, get) => ({
  sweepRun: null,
  sweepForm: null,
  setSweepRun: (run) => set({ sweepRun: run }),
  setSweepForm: (form) => {
    const sessionId = get().opened?.sessionId;
    if (sessionId !== undefined) set({ sweepForm: { sessionId, form } });
  },
});

/** The form typed for the open model, or null (the tab shows the defaults). */
export const selectSweepForm = (s: Store): SweepForm | null =>
  runOfSession(s.sweepForm, s.opened?.sessionId)?.form ?? null;

/** The run if it belongs to the open model's session, else null (a closed model's run). */
export function runOfSession<R extends { readonly sessionId: string }>(
  run: R | null,
  sessionId: string | undefined,
): R | null {
  return run !== null && run.sessionId === sessionId ? run : null;
}
