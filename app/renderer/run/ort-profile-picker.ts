/**
 * The page's side of "Import onnxruntime profile…": its file picker (the same in Electron and the
 * browser) and the picked file's text, refused before it is read when the host would refuse it.
 */
import { MAX_ORT_PROFILE_TEXT_BYTES } from '../../shared/studio-api.js';
import { useStudio } from '../store/store.js';
import { importOrtProfileText } from './ort-profile-actions.js';

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
