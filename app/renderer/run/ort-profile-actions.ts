/**
 * "Import onnxruntime profile…": the page reads the file the user picked, the host reads it as
 * per-node times (core/profiling/ort-profile-times.ts), and the graph's heat and time badges
 * switch to them. One line says how many layers it timed and which names it could not place.
 */
import { unknownNamesLine } from '../../../core/profiling/ort-profile-match.js';
import { MAX_ORT_PROFILE_TEXT_BYTES } from '../../shared/studio-api.js';
import { hostFailed } from '../actions/host-failed.js';
import { studioApi } from '../api/studio-api.js';
import { PREDICTED_METRICS } from '../overlay/predicted.js';
import { useStudio } from '../store/store.js';
import { ORT_PROFILE_METRIC, ortProfileOverlay } from './ort-profile-overlay.js';

export const ORT_PROFILE_INPUT_ID = 'ort-profile-file-input';

/** Opens the page's file picker (the same in Electron and the browser). */
export function chooseOrtProfileFile(): void {
  document.getElementById(ORT_PROFILE_INPUT_ID)?.click();
}

/** A picked file: refused before it is read when it is over the size the host takes. */
export async function importOrtProfileFile(file: File): Promise<void> {
  if (file.size > MAX_ORT_PROFILE_TEXT_BYTES) {
    useStudio.getState().failed({
      code: 'PROFILING_FAILED',
      message: `${file.name} is ${(file.size / 1024 ** 2).toFixed(0)} MB, over the ${MAX_ORT_PROFILE_TEXT_BYTES / 1024 ** 2} MB the studio reads: profile fewer runs, or use cutline profile --from-ort-profile.`,
    });
    return;
  }
  await importOrtProfileText(file.name, await file.text());
}

export async function importOrtProfileText(fileName: string, text: string): Promise<void> {
  const result = await studioApi()
    .parseOrtProfile(fileName, text)
    .catch((error: unknown) => hostFailed(`read ${fileName}`, error));
  const state = useStudio.getState();
  if (!result.ok) {
    state.failed(result.error);
    return;
  }
  if (!state.opened) return;
  const { overlay, match } = ortProfileOverlay(state.opened.view, result.profile);
  if (match.matched === 0) {
    state.failed({
      code: 'PROFILING_FAILED',
      message: `None of the ${result.profile.nodes.length} nodes ${fileName} times is a layer of this model: import the profile of this model, made with graph optimisation disabled so nodes keep their names.`,
    });
    return;
  }
  state.addLayerFigures(overlay);
  state.setMetric(ORT_PROFILE_METRIC.key);
  const unknown = unknownNamesLine(match, fileName);
  const runs = result.profile.runs;
  state.noticed(
    `Imported ${fileName}: ${match.matched} layers timed, medians of ${runs} run${runs === 1 ? '' : 's'}.${unknown === null ? '' : ` ${unknown}`}`,
  );
}

/** Back to the predicted time as the graph's heat. */
export function hideOrtProfile(): void {
  useStudio.getState().setMetric(PREDICTED_METRICS[0]!.key);
}

export const selectOrtProfileShown = (s: { metric: string }): boolean => s.metric === ORT_PROFILE_METRIC.key;
