/**
 * Saving the design: the model it belongs to (name, path, SHA-256) and where each layer runs.
 * The host decides where it goes (Electron asks once, then reuses the place until Save As; the
 * web host writes into its projects folder) and answers with the path.
 */
import type { ProjectFile } from '../../shared/studio-api.js';
import { studioApi } from '../api/studio-api.js';
import { useStudio } from '../store/store.js';

export function saveProject(saveAs: boolean): void {
  const { opened, placement } = useStudio.getState();
  if (!opened) {
    useStudio
      .getState()
      .failed({ code: 'NOTHING_TO_SAVE', message: 'Open a model before saving a project.' });
    return;
  }
  const project: ProjectFile = {
    format: 'cutline-project',
    version: 1,
    model: { fileName: opened.fileName, path: opened.path, sha256: opened.sha256 },
    placement,
  };
  studioApi()
    .saveProject(project, { saveAs })
    .then(
      (result) => {
        const state = useStudio.getState();
        if (result.ok) state.noticed(`Saved the project to ${result.path}`);
        else if (result.error.code !== 'CANCELLED') state.failed(result.error);
      },
      (error: unknown) =>
        useStudio
          .getState()
          .failed({
            code: 'HOST_FAILED',
            message: `Could not save the project: ${(error as Error).message}`,
          }),
    );
}
