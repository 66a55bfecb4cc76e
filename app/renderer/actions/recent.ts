/** The recent list in the page: models reopen as models, projects as projects. */
import type { RecentFile } from '../../shared/studio-api.js';
import { studioApi } from '../api/studio-api.js';
import { useStudio } from '../store/store.js';
import { confirmDiscard } from './dirty-watch.js';
import { openRecentProject } from './open-project.js';

export function fetchRecent(): Promise<readonly RecentFile[]> {
  return studioApi()
    .listRecent()
    .catch(() => []);
}

export function openRecentFile(file: RecentFile): void {
  if (file.kind === 'project') {
    openRecentProject(file.path, file.fileName);
    return;
  }
  if (!confirmDiscard(file.fileName)) return;
  const store = useStudio.getState();
  const ticket = store.openStarted(file.fileName);
  void studioApi()
    .openRecent(file.path)
    .catch((error: unknown) => ({
      ok: false as const,
      error: { code: 'HOST_FAILED', message: `Could not open ${file.fileName}: ${(error as Error).message}` },
    }))
    .then((result) => useStudio.getState().openFinished(result, ticket));
}
