/** A running job's progress bar, its stage in words, and Cancel. */
import type { JobRun } from './suggest-slice.js';

export function JobProgress({
  run,
  label,
  onCancel,
}: {
  readonly run: JobRun<unknown, unknown>;
  readonly label: string;
  readonly onCancel: () => void;
}) {
  return (
    <span className="job-progress">
      <progress aria-label={label} max={1} value={run.fraction} />
      <span className="job-progress-message" aria-live="polite">
        {run.cancelRequested ? 'Cancelling…' : run.message}
      </span>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </span>
  );
}
