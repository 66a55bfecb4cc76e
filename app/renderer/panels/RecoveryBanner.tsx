import { memo } from 'react';
import { discardRecovery, recoverDesign } from '../actions/recovery.js';
import { useStudio, type Store } from '../store/store.js';

const selectRecovered = (s: Store) => s.recovered;

const when = (iso: string): string => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
};

/** A design autosaved before a crash or a killed host, offered back once. */
export const RecoveryBanner = memo(function RecoveryBanner() {
  const recovered = useStudio(selectRecovered);
  if (!recovered) return null;
  return (
    <div className="recovery-banner" role="alertdialog" aria-label="Recover unsaved design">
      <span>
        An unsaved design of <strong>{recovered.project.model.fileName}</strong> from{' '}
        {when(recovered.savedAt)} was recovered.
      </span>
      <button type="button" onClick={() => void recoverDesign()}>
        Recover
      </button>
      <button type="button" onClick={discardRecovery}>
        Discard
      </button>
    </div>
  );
});
