import type { StudioError } from '../../shared/studio-api.js';

/** A running job's progress bar and message, with Cancel (disabled until the host accepted it). */
export function JobProgress({
  label,
  fraction,
  message,
  canCancel,
  onCancel,
  cancelLabel = 'Cancel',
}: {
  readonly label: string;
  readonly fraction: number;
  readonly message: string;
  readonly canCancel: boolean;
  readonly onCancel: () => void;
  readonly cancelLabel?: string;
}) {
  return (
    <div className="run-progress" role="status" aria-label={label}>
      <progress max={1} value={fraction} aria-label={`${label} progress`} />
      <span className="run-progress-message">{message}</span>
      <button type="button" onClick={onCancel} disabled={!canCancel}>
        {cancelLabel}
      </button>
    </div>
  );
}

/** A job's coded error: the code, and the host's sentence saying what to do; a cancel is just noted. */
export function JobError({ error, label }: { readonly error: StudioError; readonly label: string }) {
  if (error.code === 'CANCELLED') return <p className="run-note">Cancelled.</p>;
  return (
    <p className="run-error" role="alert" aria-label={label}>
      <strong>{error.code}</strong> {error.message}
    </p>
  );
}
