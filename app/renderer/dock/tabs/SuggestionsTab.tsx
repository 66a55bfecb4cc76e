/**
 * The Suggestions tab: the solvers' settings, Suggest (a host job with progress and Cancel), and
 * the suggestions as a sortable table next to the current design. Hovering or focusing a row
 * previews it (figures and canvas), clicking or Enter applies it as one undoable step.
 */
import { memo, useEffect, useMemo, useState } from 'react';
import type { TierName } from '../../../../core/profiles/types.js';
import { applySuggestion, previewSuggestion } from '../../actions/suggestion.js';
import { selectCommittedProblem } from '../../design/figures.js';
import { selectBoundDataDependentUnits } from '../../graph/measured-mark.js';
import { useStudio, type Store } from '../../store/store.js';
import { JobProgress } from '../../suggest/JobProgress.js';
import { ResultsTable } from '../../suggest/ResultsTable.js';
import { SolveSettings } from '../../suggest/SolveSettings.js';
import { cancelSuggest, runSuggest } from '../../suggest/run-jobs.js';
import { selectSolveApplicable, selectSolveRun, selectSolveStale } from '../../suggest/solve-selectors.js';
import type { FieldProblem } from '../../suggest/solve-settings.js';
import { suggestionColumns } from '../../suggest/suggestion-columns.js';
import { suggestionRows, type SuggestionRow } from '../../suggest/suggestion-rows.js';
import '../../suggest/suggest.css';

const selectRun = selectSolveRun;
const selectBuilt = (s: Store) => selectCommittedProblem(s);
const selectPlacement = (s: Store) => s.design?.placement;
const selectPins = (s: Store) => s.design?.pins;
const selectSort = (s: Store) => s.suggestSort;

function preview(row: SuggestionRow | null): void {
  previewSuggestion(row === null || row.isCurrent ? null : row.placement, row?.previewLabel);
}

export const SuggestionsTab = memo(function SuggestionsTab() {
  // A row's preview goes with the table (the tab closed or switched while a row was hovered).
  useEffect(() => () => previewSuggestion(null), []);
  const run = useStudio(selectRun);
  const stale = useStudio(selectSolveStale);
  const applicable = useStudio(selectSolveApplicable);
  const built = useStudio(selectBuilt);
  const placement = useStudio(selectPlacement);
  const pins = useStudio(selectPins);
  const sort = useStudio(selectSort);
  // Data-dependent layers no calibration costs on every tier (graph/measured-mark.ts).
  const dataDependent = useStudio(selectBoundDataDependentUnits);
  const [problems, setProblems] = useState<readonly FieldProblem[]>([]);
  const [notice, setNotice] = useState<string | null>(null);

  const rows = useMemo(
    () =>
      built && placement && pins && run?.result
        ? suggestionRows(built, { placement, pins }, run.result.plans, run.basis.constraints)
        : null,
    [built, placement, pins, run?.result, run?.basis.constraints],
  );
  // Columns change only with the tiers (one per hop), not with every design edit.
  const tierKey = (built?.problem.tiers ?? []).join(',');
  const columns = useMemo(
    () => suggestionColumns(tierKey === '' ? [] : (tierKey.split(',') as TierName[]), dataDependent),
    [tierKey, dataDependent],
  );

  const suggest = async (): Promise<void> => {
    setNotice(null);
    const outcome = await runSuggest();
    setProblems(outcome.ok ? [] : outcome.problems);
    if (!outcome.ok && outcome.error) setNotice(outcome.error.message);
  };
  const apply = (row: SuggestionRow): void => {
    if (row.isCurrent) return;
    const outcome = applySuggestion(row.placement, row.label);
    setNotice(
      outcome.refused.length > 0
        ? `${outcome.refused.length} pinned layer${outcome.refused.length === 1 ? '' : 's'} stayed where ${outcome.refused.length === 1 ? 'it is' : 'they are'}: unpin to let the suggestion move ${outcome.refused.length === 1 ? 'it' : 'them'}.`
        : null,
    );
  };

  const running = run?.status === 'running';
  return (
    <div className="suggest-tab">
      <div className="suggest-side">
        <SolveSettings problems={problems} />
        <div className="suggest-actions">
          <button type="button" className="primary" onClick={() => void suggest()} disabled={running}>
            Suggest
          </button>
          {running && <JobProgress run={run} label="Solver progress" onCancel={cancelSuggest} />}
        </div>
      </div>
      <div className="suggest-results">
        {notice && (
          <p className="suggest-notice" role="status">
            {notice}
          </p>
        )}
        {run?.status === 'failed' && run.error && (
          <p className="suggest-error" role="alert">
            <strong>{run.error.code}</strong> {run.error.message}
          </p>
        )}
        {stale && (
          <p className="suggest-stale" role="status">
            Results are for the previous settings — Suggest again.
          </p>
        )}
        {rows ? (
          <>
            <ResultsTable
              label="Suggestions"
              columns={columns}
              fixedRows={rows.slice(0, 1)}
              rows={rows.slice(1)}
              rowKey={(row) => row.key}
              sort={sort}
              onSort={(next) => useStudio.getState().setSuggestSort(next)}
              onPreview={preview}
              onApply={apply}
              canApply={(row) => applicable || row.isCurrent}
              isApplied={(row) => row.applied}
              rowTitle={(row) =>
                row.isCurrent
                  ? 'The design as it is, to compare with'
                  : applicable
                    ? `Hover to preview, click or Enter to apply (${row.label})`
                    : 'The model or topology changed since: Suggest again to apply'
              }
            />
            {run?.result && run.result.plans.length === 0 && run.result.infeasible.length === 0 && (
              <p className="dock-empty">No solver answered for this topology.</p>
            )}
            {run?.result && run.result.infeasible.length > 0 && (
              <section className="suggest-infeasible" aria-label="Infeasible solvers">
                <h3>No placement keeps the constraints</h3>
                <ul>
                  {run.result.infeasible.map((item) => (
                    <li key={item.solver}>
                      <strong>{item.solver}</strong>: {item.message}
                    </li>
                  ))}
                </ul>
              </section>
            )}
          </>
        ) : (
          !running &&
          run?.status !== 'failed' && (
            <p className="dock-empty">
              Choose an objective and constraints, then Suggest: the solvers&apos; placements appear here next
              to the current design. Hover one to preview it on the canvas, click it to apply.
            </p>
          )
        )}
      </div>
    </div>
  );
});
