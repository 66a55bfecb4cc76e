/** The recovered design's two answers: open it again (unsaved), or let it go. */
import { studioApi } from '../api/studio-api.js';
import { useStudio } from '../store/store.js';
import { confirmDiscard } from './dirty-watch.js';
import { applyOpenedProject } from './open-project.js';

export async function recoverDesign(): Promise<void> {
  if (!confirmDiscard('the recovered design')) return;
  const ticket = useStudio.getState().openStarted('the recovered design');
  const result = await studioApi()
    .openRecovery()
    .catch((error: unknown) => ({
      ok: false as const,
      error: {
        code: 'HOST_FAILED',
        message: `Could not open the recovered design: ${(error as Error).message}`,
      },
    }));
  useStudio.getState().openAbandoned(ticket);
  // It was never saved: it opens with unsaved changes, and autosave keeps it until it is.
  const applied = await applyOpenedProject(result, { dirty: true });
  // A model missing or changed leaves the problem panel to answer; the offer ends either way.
  if (applied || !result.ok) useStudio.getState().recoveryOffered(null);
}

export function discardRecovery(): void {
  useStudio.getState().recoveryOffered(null);
  void studioApi()
    .autosave(null)
    .catch(() => undefined);
}
