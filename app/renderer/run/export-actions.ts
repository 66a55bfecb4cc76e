/**
 * Export: the design as it is committed (placement, pins, bindings, topology, objective) written
 * by the host's `export` job as a deployment bundle, with progress and Cancel; the folder is the
 * host's suggestion unless the user picks or types another.
 */
import { parseByteSizeText } from '../../../core/text/byte-size.js';
import type { ExportArgs, StudioError } from '../../shared/studio-api.js';
import { studioApi } from '../api/studio-api.js';
import { useStudio } from '../store/store.js';
import type { ExportForm } from './run-forms.js';
import { cancelHostJob, runHostJob } from './run-jobs.js';

/** What the Export tab asks; the design supplies the rest. */
export type ExportOptions = Pick<
  ExportArgs,
  | 'outDir'
  | 'zip'
  | 'force'
  | 'onUnreachable'
  | 'serving'
  | 'verify'
  | 'externalDataAboveBytes'
  | 'verifyWhole'
>;

/**
 * The form's choices as the export job takes them: the size typed parsed to bytes (empty:
 * automatic); a size that is not one is a sentence for the tab instead of a request the host
 * would refuse in its own words.
 */
export function exportOptionsOf(form: ExportForm): ExportOptions | { readonly error: StudioError } {
  const { outDir, zip, force, verify, onUnreachable, serving, verifyWhole } = form;
  const typed = form.externalDataAbove.trim();
  const bytes = typed === '' ? undefined : parseByteSizeText(typed);
  if (bytes === null) {
    return {
      error: {
        code: 'BAD_REQUEST',
        message: `"Write weights as external data above" takes a size such as 64 MiB, 1.5 GB or 4096 (bytes), not "${typed.slice(0, 40)}"; leave it empty to decide automatically.`,
      },
    };
  }
  return {
    outDir,
    zip,
    force,
    verify,
    onUnreachable,
    serving,
    // Only with Verify on does the comparison happen at all.
    ...(verify && verifyWhole ? { verifyWhole: true } : {}),
    ...(bytes !== undefined ? { externalDataAboveBytes: bytes } : {}),
  };
}

/** Export from the tab's form: its problems reported as the export's error, else `exportDesign`. */
export async function exportFromForm(form: ExportForm): Promise<void> {
  const options = exportOptionsOf(form);
  if (!('error' in options)) return exportDesign(options);
  const { opened } = useStudio.getState();
  if (opened) useStudio.getState().exportEnded({ sessionId: opened.sessionId, error: options.error });
}

const hostError = (what: string, error: unknown): StudioError => ({
  code: 'HOST_FAILED',
  message: `Could not ${what}: ${(error as Error).message}`,
});

/** The export arguments of the committed design (a drag in progress is not exported). */
export function exportArgsOf(
  design: NonNullable<ReturnType<typeof useStudio.getState>['design']>,
  options: ExportOptions,
): ExportArgs {
  return {
    topology: design.topology,
    placement: design.placement,
    pins: design.pins,
    inputs: design.inputs,
    objective: design.objective,
    ...options,
  };
}

export async function exportDesign(options: ExportOptions): Promise<void> {
  const state = useStudio.getState();
  const { opened, design } = state;
  if (!opened || !design || state.exportJob?.sessionId === opened.sessionId) return;
  const { sessionId } = opened;
  if (options.outDir.trim() === '') {
    state.exportEnded({
      sessionId,
      error: { code: 'BAD_REQUEST', message: 'Say which folder to write the bundle to.' },
    });
    return;
  }
  const args = exportArgsOf(design, { ...options, outDir: options.outDir.trim() });
  let jobId: string | null = null;
  state.runJobChanged('export', { sessionId, jobId, fraction: 0, message: 'Starting the export…' });
  const outcome = await runHostJob(
    sessionId,
    { kind: 'export', args },
    {
      started: (id) => {
        jobId = id;
        useStudio
          .getState()
          .runJobChanged('export', { sessionId, jobId, fraction: 0, message: 'Exporting…' });
      },
      progress: (fraction, message) =>
        useStudio.getState().runJobChanged('export', { sessionId, jobId, fraction, message }),
    },
  );
  useStudio
    .getState()
    .exportEnded(
      outcome.ok
        ? { record: { sessionId, args, result: outcome.value } }
        : { sessionId, error: outcome.error },
    );
}

export function cancelExport(): void {
  const jobId = useStudio.getState().exportJob?.jobId;
  if (jobId) cancelHostJob(jobId);
}

/** The folder the host suggests for this session's bundle; '' when it cannot say. */
export async function suggestedExportDir(sessionId: string): Promise<string> {
  try {
    return await studioApi().suggestExportDir(sessionId);
  } catch {
    return '';
  }
}

/** The host's folder picker (Electron); null when dismissed, a coded error when it failed. */
export async function chooseExportFolder(
  suggested: string,
): Promise<{ readonly path: string } | { readonly error: StudioError } | null> {
  try {
    const chosen = await studioApi().chooseExportDir(suggested);
    if (chosen.ok) return { path: chosen.path };
    return chosen.error.code === 'CANCELLED' ? null : { error: chosen.error };
  } catch (error) {
    return { error: hostError('open the folder picker', error) };
  }
}
