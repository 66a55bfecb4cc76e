/**
 * Export, the live harness and this machine's calibration as the page keeps them: the export or
 * calibration job in progress, the last bundle written, the harness run with its streamed
 * events, and the last calibration. Each belongs to the host session it ran in; a model opened
 * since makes them moot (see the selectors). Actions are in export-actions.ts,
 * harness-actions.ts and calibrate-actions.ts.
 */
import type { StateCreator } from 'zustand';
import type {
  ExportArgs,
  ExportResult,
  HarnessEvent,
  ProfileResult,
  StudioError,
} from '../../shared/studio-api.js';
import type { Store } from '../store/store-types.js';
import { withEvents, type HarnessRun } from './harness-run.js';
import { withRunForm, type RunFormName, type RunForms, type RunFormValues } from './run-forms.js';

/** A job in progress: its session, its id once the host accepted it, and how far it is. */
export interface RunningJob {
  readonly sessionId: string;
  readonly jobId: string | null;
  readonly fraction: number;
  readonly message: string;
}

/** A bundle the host wrote for this session, with the design it was written from. */
export interface ExportRecord {
  readonly sessionId: string;
  readonly args: ExportArgs;
  readonly result: ExportResult;
}

export interface CalibrationRecord {
  readonly sessionId: string;
  readonly result: ProfileResult;
}

export type RunJobName = 'export' | 'calibration';

/** A job's coded error, kept with the session it failed in. */
export interface SessionError {
  readonly sessionId: string;
  readonly error: StudioError;
}

export interface RunSlice {
  exportJob: RunningJob | null;
  exportError: SessionError | null;
  lastExport: ExportRecord | null;
  harnessRun: HarnessRun | null;
  calibrationJob: RunningJob | null;
  calibrationError: SessionError | null;
  calibration: CalibrationRecord | null;
  /** The tabs' forms as typed, for the session named (run-forms.ts). */
  runForms: RunForms | null;

  /** Starts, advances (id, progress) or clears the export or calibration job. */
  runJobChanged(name: RunJobName, job: RunningJob | null): void;
  exportEnded(outcome: { readonly record: ExportRecord } | SessionError): void;
  calibrationEnded(outcome: { readonly record: CalibrationRecord } | SessionError): void;
  /** Replaces the harness run (a new one, or one the job advanced or ended). */
  harnessChanged(run: HarnessRun): void;
  /** Folds streamed events into the run with id `runId`; ignored for an older run. */
  harnessEvents(runId: number, events: readonly HarnessEvent[]): void;
  /** Keeps a tab's form as typed, for the open model's session (another model's forms go). */
  setRunForm<K extends RunFormName>(name: K, form: RunFormValues[K]): void;
}

export const createRunSlice: StateCreator<Store, [], [], RunSlice> = (set, get) => ({
  exportJob: null,
  exportError: null,
  lastExport: null,
  harnessRun: null,
  calibrationJob: null,
  calibrationError: null,
  calibration: null,
  runForms: null,
  runJobChanged: (name, job) => set(name === 'export' ? { exportJob: job } : { calibrationJob: job }),
  exportEnded: (outcome) =>
    set(
      'record' in outcome
        ? { exportJob: null, exportError: null, lastExport: outcome.record }
        : { exportJob: null, exportError: outcome },
    ),
  calibrationEnded: (outcome) =>
    set(
      'record' in outcome
        ? { calibrationJob: null, calibrationError: null, calibration: outcome.record }
        : { calibrationJob: null, calibrationError: outcome },
    ),
  harnessChanged: (run) => set({ harnessRun: run }),
  harnessEvents: (runId, events) => {
    const run = get().harnessRun;
    if (!run || run.id !== runId) return;
    const next = withEvents(run, events);
    if (next !== run) set({ harnessRun: next });
  },
  setRunForm: (name, form) => {
    const { opened, runForms } = get();
    if (!opened) return;
    const next = withRunForm(runForms, opened.sessionId, name, form);
    if (next !== runForms) set({ runForms: next });
  },
});

/** Only what belongs to the open model's session counts; a model opened since makes it moot. */
const ofSession = <T extends { readonly sessionId: string }>(s: Store, value: T | null): T | null =>
  value && value.sessionId === s.opened?.sessionId ? value : null;

export const selectExportJob = (s: Store): RunningJob | null => ofSession(s, s.exportJob);
export const selectLastExport = (s: Store): ExportRecord | null => ofSession(s, s.lastExport);
export const selectHarnessRun = (s: Store): HarnessRun | null => ofSession(s, s.harnessRun);
export const selectCalibrationJob = (s: Store): RunningJob | null => ofSession(s, s.calibrationJob);
export const selectExportError = (s: Store): StudioError | null => ofSession(s, s.exportError)?.error ?? null;
export const selectCalibrationError = (s: Store): StudioError | null =>
  ofSession(s, s.calibrationError)?.error ?? null;
export const selectCalibration = (s: Store): CalibrationRecord | null => ofSession(s, s.calibration);
