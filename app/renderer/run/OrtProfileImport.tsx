import type { ChangeEvent } from 'react';
import { useStudio } from '../store/store.js';
import { hideOrtProfile, selectOrtProfileShown } from './ort-profile-actions.js';
import { chooseOrtProfileFile, importOrtProfileFile, ORT_PROFILE_INPUT_ID } from './ort-profile-picker.js';

/**
 * "Import onnxruntime profile…": per-layer times from a profile onnxruntime wrote elsewhere
 * (`enableProfiling`), laid over the graph in place of the predictions, beside calibrating here.
 */
export function OrtProfileImport() {
  const shown = useStudio(selectOrtProfileShown);
  const picked = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    // Cleared so picking the same file again (after profiling again) is a change.
    event.target.value = '';
    if (file) void importOrtProfileFile(file);
  };
  return (
    <div className="run-use" role="group" aria-label="onnxruntime profile">
      <button type="button" onClick={chooseOrtProfileFile}>
        Import onnxruntime profile…
      </button>{' '}
      {shown && (
        <button type="button" onClick={hideOrtProfile}>
          Hide imported times
        </button>
      )}
      <input
        id={ORT_PROFILE_INPUT_ID}
        type="file"
        accept=".json,application/json"
        hidden
        aria-label="onnxruntime profile file"
        onChange={picked}
      />
      <p className="run-note">
        The JSON onnxruntime writes with profiling on (profile with graph optimisation disabled so every node
        keeps its name): each layer&apos;s median kernel time on the graph.
      </p>
    </div>
  );
}
