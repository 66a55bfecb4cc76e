/**
 * "Import onnxruntime profile…": the host reads the text of the file the user picked (see
 * ort-profile-picker.ts) as per-node times (core/profiling/ort-profile-times.ts), and the graph's
 * heat and time badges switch to them. One line says how many layers it timed and which names it
 * could not place. Free of DOM globals, so it runs in unit tests.
 */
import { unknownNamesLine } from '../../../core/profiling/ort-profile-match.js';
import { hostFailed } from '../actions/host-failed.js';
import { studioApi } from '../api/studio-api.js';
import { PREDICTED_METRICS } from '../overlay/predicted.js';
import { useStudio } from '../store/store.js';
import { ORT_PROFILE_METRIC, ortProfileOverlay } from './ort-profile-overlay.js';

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
  state.replaceLayerFigures(overlay);
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
