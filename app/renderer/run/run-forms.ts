/**
 * The Export, Run and This machine tabs' forms as the user left them. They live in the run slice,
 * not in the tabs, so a folder typed survives a switch to another tab; they belong to the open
 * model's session, so a model opened since starts from the defaults (or from what its last
 * export or run used). Counts stay text as typed: a half-typed number is not lost either.
 */
import type { ExportArgs, HarnessArgs } from '../../shared/studio-api.js';
import type { Store } from '../store/store-types.js';

export interface ExportForm {
  readonly outDir: string;
  readonly zip: boolean;
  readonly force: boolean;
  readonly verify: boolean;
  readonly onUnreachable: ExportArgs['onUnreachable'];
  readonly serving: NonNullable<ExportArgs['serving']>;
  /** "Write weights as external data above" as typed (`64 MiB`, `4096`); '' for automatic. */
  readonly externalDataAbove: string;
  readonly verifyWhole: boolean;
}

export interface HarnessForm {
  readonly emulateLinks: boolean;
  readonly runs: string;
  readonly stream: string;
  readonly calibrate: boolean;
}

export interface CalibrationForm {
  readonly runs: string;
  readonly warmup: string;
  /**
   * onnxruntime intra-op threads, as the tiers will run (the harness pins 1 per tier); absent in
   * forms set before the field existed, which calibrate with the default.
   */
  readonly threads?: string;
}

export interface RunFormValues {
  readonly export: ExportForm;
  readonly harness: HarnessForm;
  readonly calibration: CalibrationForm;
}

export type RunFormName = keyof RunFormValues;

/** The forms edited in one session; a form not edited yet is absent. */
export type RunForms = { readonly sessionId: string } & Partial<RunFormValues>;

/** Starts from the last export's choices, if there was one; the folder from the host's suggestion. */
export const exportFormFrom = (previous: ExportArgs | undefined): ExportForm => ({
  outDir: '',
  zip: previous?.zip ?? false,
  force: previous?.force ?? false,
  verify: previous?.verify ?? true,
  onUnreachable: previous?.onUnreachable ?? 'fail',
  serving: previous?.serving ?? 'relay',
  externalDataAbove:
    previous?.externalDataAboveBytes === undefined ? '' : sizeText(previous.externalDataAboveBytes),
  verifyWhole: previous?.verifyWhole ?? false,
});

/** Bytes in the largest binary unit that says them exactly (`1 KiB`, `1536 KiB`, `1000`). */
export function sizeText(bytes: number): string {
  const units = ['GiB', 'MiB', 'KiB'] as const;
  for (const [i, unit] of units.entries()) {
    const size = 1024 ** (units.length - i);
    if (bytes > 0 && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return String(bytes);
}

export const harnessFormFrom = (previous: HarnessArgs | undefined): HarnessForm => ({
  emulateLinks: previous?.emulateLinks ?? true,
  runs: String(previous?.runs ?? 20),
  stream: String(previous?.stream ?? 50),
  calibrate: previous?.calibrate ?? false,
});

export const DEFAULT_CALIBRATION_FORM: CalibrationForm = { runs: '10', warmup: '3', threads: '1' };

/** The same forms written again, `form` in place of `name`'s: a new record for another session. */
export function withRunForm<K extends RunFormName>(
  forms: RunForms | null,
  sessionId: string,
  name: K,
  form: RunFormValues[K],
): RunForms {
  const kept = forms?.sessionId === sessionId ? forms : { sessionId };
  return kept[name] === form ? kept : { ...kept, [name]: form };
}

const formsOfSession = (s: Store): RunForms | null =>
  s.runForms !== null && s.runForms.sessionId === s.opened?.sessionId ? s.runForms : null;

/** What was typed in this session, or null (the tab shows its defaults). */
export const selectExportForm = (s: Store): ExportForm | null => formsOfSession(s)?.export ?? null;
export const selectHarnessForm = (s: Store): HarnessForm | null => formsOfSession(s)?.harness ?? null;
export const selectCalibrationForm = (s: Store): CalibrationForm | null =>
  formsOfSession(s)?.calibration ?? null;
