import { memo } from 'react';
import { discardRecovery, recoverDesign } from '../actions/recovery.js';
import { useStudio, type Store } from '../store/store.js';

const selectRecovered = (s: Store) => s.recovered;

const when = (iso: string): string => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
};

/**
 * A design autosaved before a crash or a killed host, offered back once. Modal: until the user
 * recovers or discards it, nothing else can be edited, because the autosave has one slot and an
 * edit made meanwhile would either go unsaved or overwrite the design on offer.
 */
export const RecoveryBanner = memo(function RecoveryBanner() {
  const recovered = useStudio(selectRecovered);
  if (!recovered) return null;
  return (
    <div className="recovery-backdrop">
      <div
        className="recovery-banner"
        role="alertdialog"
        aria-modal="true"
        aria-label="Recover unsaved design"
      >
        <span>
          An unsaved design of <strong>{recovered.project.model.fileName}</strong> from{' '}
          {when(recovered.savedAt)} was recovered.
        </span>
        {/* The choice is the only thing to do on the page now: the keyboard starts on it. */}
        <button type="button" autoFocus onClick={() => void recoverDesign()}>
          Recover
        </button>
        <button type="button" onClick={discardRecovery}>
          Discard
        </button>
      </div>
    </div>
  );
});
