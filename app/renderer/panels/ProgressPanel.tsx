import { memo } from 'react';
import { cancelAnalysis } from '../actions/analyse.js';
import { cancelOpen } from '../actions/open-model.js';
import { cancelLayout, retryLayout } from '../layout/layout-runner.js';
import { selectCurrentLayout } from '../store/selectors.js';
import { useStudio, type Store } from '../store/store.js';

const selectOpening = (s: Store) => s.opening;
const selectLayoutJob = (s: Store) => s.layoutJob;
const selectLayoutError = (s: Store) => s.layoutError;
const selectNotice = (s: Store) => s.notice;
const selectAnalysis = (s: Store) => s.analysis;
const selectNeedsLayout = (s: Store): boolean =>
  s.opened !== null && selectCurrentLayout(s) === null && s.layoutJob === null;

/** Progress of an open, an analysis and a layout, each with Cancel: the window never just hangs. */
export const ProgressPanel = memo(function ProgressPanel() {
  const opening = useStudio(selectOpening);
  const layoutJob = useStudio(selectLayoutJob);
  const layoutError = useStudio(selectLayoutError);
  const needsLayout = useStudio(selectNeedsLayout);
  const notice = useStudio(selectNotice);
  const analysis = useStudio(selectAnalysis);
  return (
    <div className="progress-panel">
      {notice && (
        <div className="progress" role="status" aria-label="Notice">
          <span>{notice}</span>
          <button type="button" onClick={() => useStudio.getState().dismissNotice()}>
            Dismiss
          </button>
        </div>
      )}
      {opening && (
        <div className="progress" role="status" aria-label="Opening">
          <span>
            Opening {opening.fileName}: {opening.message}
          </span>
          <progress max={1} value={opening.fraction} />
          <button type="button" onClick={cancelOpen} disabled={opening.jobId === null}>
            Cancel
          </button>
        </div>
      )}
      {analysis && (
        <div className="progress" role="status" aria-label="Analysing">
          <span>
            Analysing with{' '}
            {Object.entries(analysis.inputs)
              .map(([name, shape]) => `${name}=${shape}`)
              .join(', ') || 'no bindings'}
            : {analysis.message}
          </span>
          <progress max={1} value={analysis.fraction} />
          <button type="button" onClick={cancelAnalysis} disabled={analysis.jobId === null}>
            Cancel
          </button>
        </div>
      )}
      {layoutJob && (
        <div className="progress" role="status" aria-label="Laying out">
          <span>Laying out the graph</span>
          <progress max={1} value={layoutJob.fraction} />
          <button type="button" onClick={cancelLayout}>
            Cancel
          </button>
        </div>
      )}
      {(layoutError !== null || needsLayout) && !layoutJob && (
        <div className="progress" role="status" aria-label="Layout stopped">
          <span>{layoutError ? `The layout failed: ${layoutError}` : 'The layout was cancelled.'}</span>
          <button type="button" onClick={retryLayout}>
            Lay out again
          </button>
        </div>
      )}
    </div>
  );
});
