import { memo, useMemo } from 'react';
import type { TierName } from '../../../core/profiles/types.js';
import { selectCommittedEvaluation, selectDesignFigures } from '../design/figures.js';
import { figureRows } from '../design/figure-rows.js';
import { dataDependentCounts } from '../graph/measured-mark.js';
import { useStudio, type Store } from '../store/store.js';
import { AssumptionNotice } from './AssumptionNotice.js';
import { selectPreviewLabel } from '../suggest/preview-slice.js';

const selectFigures = (s: Store) => selectDesignFigures(s);
const selectCommitted = (s: Store) => selectCommittedEvaluation(s);

/**
 * The design's live figures, from core/partition's evaluator exactly as `cutline solve` reports
 * them: updated on every edit and, during a drag, for the placement the drag would make, with
 * the difference from the design.
 */
export const FiguresBar = memo(function FiguresBar() {
  const figures = useStudio(selectFigures);
  const committed = useStudio(selectCommitted);
  const previewLabel = useStudio(selectPreviewLabel);
  const rows = useMemo(
    () =>
      figures
        ? figureRows(
            figures.evaluation,
            figures.problem.tiers as readonly TierName[],
            figures.isPreview ? committed : null,
            // A data-dependent layer measured on its tier is no longer a lower bound.
            dataDependentCounts(figures).bounded,
            dataDependentCounts(figures).measured,
          )
        : [],
    [figures, committed],
  );
  if (!figures) return null;
  return (
    <section
      className="figures-bar"
      aria-label="Design figures"
      data-preview={figures.isPreview || undefined}
    >
      <dl>
        {rows.map((row) => (
          <div key={row.key} className="figure" data-key={row.key} data-flagged={row.flagged || undefined}>
            <dt>{row.label}</dt>
            <dd title={row.detail} data-value={row.value}>
              {row.text}
              {row.delta && (
                <span className="figure-delta" data-better={row.better || undefined}>
                  {' '}
                  {row.delta}
                </span>
              )}
            </dd>
          </div>
        ))}
      </dl>
      <AssumptionNotice />
      {figures.isPreview && (
        <span className="figure-preview-note">
          {previewLabel === null ? 'preview: drop to apply' : `preview: ${previewLabel} (click to apply)`}
        </span>
      )}
    </section>
  );
});
