/**
 * Save and Save As: a v2 project of the model, the design and the view state. The host decides
 * where it goes (Electron asks once, then reuses the place until Save As; the web host writes
 * into its projects folder) and answers with the path; in a browser the page also offers the
 * file as a download, since the user cannot reach the host's folder from the page.
 */
import type { ProjectFile } from '../../shared/studio-api.js';
import { hostHasNativeDialogs, studioApi } from '../api/studio-api.js';
import { useStudio } from '../store/store.js';
import { buildProject, projectFileName } from './project-file.js';

/** Offers `project` as a file download (an `<a download>` of a blob). */
function offerDownload(project: ProjectFile, fileName: string): void {
  const blob = new Blob([`${JSON.stringify(project, null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has taken the blob by the next task; the URL would otherwise hold it for the page's life.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function saveProject(saveAs: boolean): Promise<boolean> {
  const state = useStudio.getState();
  const { opened, design } = state;
  if (!opened || !design) {
    state.failed({ code: 'NOTHING_TO_SAVE', message: 'Open a model before saving a project.' });
    return Promise.resolve(false);
  }
  const project = buildProject({ ...state, opened, design });
  // What is saved is this revision: an edit made while the host writes stays unsaved.
  const revision = state.revision;
  // A design with no file yet (a model opened on its own, a recovered design) is placed by the
  // user: Electron's Save would otherwise reuse the file of another project of the same model.
  return studioApi()
    .saveProject(project, { saveAs: saveAs || state.projectPath === null })
    .then(
      (result) => {
        const now = useStudio.getState();
        if (!result.ok) {
          if (result.error.code !== 'CANCELLED') now.failed(result.error);
          return false;
        }
        if (now.opened?.sessionId === opened.sessionId) {
          if (now.revision === revision) now.markSaved(result.path);
          else useStudio.setState({ projectPath: result.path });
        }
        if (!hostHasNativeDialogs()) offerDownload(project, projectFileName(project, result.path));
        now.noticed(`Saved the project to ${result.path}`);
        return true;
      },
      (error: unknown) => {
        useStudio.getState().failed({
          code: 'HOST_FAILED',
          message: `Could not save the project: ${(error as Error).message}`,
        });
        return false;
      },
    );
}
