import { memo } from 'react';
import { useStudio, type Store } from '../store/store.js';
import { ProjectProblem } from './ProjectProblem.js';
import { RecoveryBanner } from './RecoveryBanner.js';

const selectError = (s: Store) => s.error;

/** The last problem, named by its code and a sentence the user can act on; the model stays open. */
const LastError = memo(function LastError() {
  const error = useStudio(selectError);
  if (!error) return null;
  return (
    <div className="error-alert" role="alert">
      <strong className="error-code">{error.code}</strong>
      <span className="error-message">{error.message}</span>
      <button type="button" onClick={() => useStudio.getState().dismissError()} aria-label="Dismiss error">
        ×
      </button>
    </div>
  );
});

/**
 * What needs the user's answer above the canvas: a recovered design, a project whose model is
 * missing or changed, and the last error.
 */
export function ErrorAlert() {
  return (
    <>
      <RecoveryBanner />
      <ProjectProblem />
      <LastError />
    </>
  );
}
