import { memo } from 'react';
import { selectRedoLabel, selectUndoLabel } from '../store/design-slice.js';
import { useStudio } from '../store/store.js';

/**
 * Undo and Redo where a browser user can find them (Electron has them in the Edit menu too),
 * each saying what it would undo or redo.
 */
export const HistoryButtons = memo(function HistoryButtons() {
  const undo = useStudio(selectUndoLabel);
  const redo = useStudio(selectRedoLabel);
  return (
    <span className="history-buttons" role="group" aria-label="History">
      <button
        type="button"
        disabled={undo === null}
        onClick={() => useStudio.getState().undo()}
        title={undo === null ? 'Nothing to undo (Ctrl+Z)' : `Undo ${undo} (Ctrl+Z)`}
        aria-label={undo === null ? 'Undo' : `Undo ${undo}`}
      >
        ↶ Undo
      </button>
      <button
        type="button"
        disabled={redo === null}
        onClick={() => useStudio.getState().redo()}
        title={redo === null ? 'Nothing to redo (Ctrl+Shift+Z)' : `Redo ${redo} (Ctrl+Shift+Z)`}
        aria-label={redo === null ? 'Redo' : `Redo ${redo}`}
      >
        ↷ Redo
      </button>
    </span>
  );
});
