import { useEffect, useMemo, useState } from 'react';
import { applySuggestion, previewSuggestion } from '../../actions/suggestion.js';
import { ParetoChart } from '../../charts/ParetoChart.js';
import { ParetoTable } from '../../charts/ParetoTable.js';
import { useChartColors } from '../../charts/chart-theme.js';
import { paretoChartData, type ParetoChartPoint } from '../../charts/pareto-data.js';
import { selectCommittedProblem } from '../../design/figures.js';
import { useStudio, type Store } from '../../store/store.js';
import { cancelSuggest, runSuggest } from '../../suggest/run-jobs.js';
import { selectSolveApplicable, selectSolveRun, selectSolveStale } from '../../suggest/solve-selectors.js';

const selectPlacement = (s: Store) => s.design?.placement ?? null;
const selectPins = (s: Store) => s.design?.pins ?? null;
const selectFileName = (s: Store) => s.opened?.fileName ?? 'model';

const preview = (point: ParetoChartPoint | null): void =>
  previewSuggestion(point ? point.placement : null, point?.name);
const apply = (point: ParetoChartPoint): void => {
  applySuggestion(point.placement, point.applyLabel);
};

/**
 * Latency × device energy over every placement: the front the solvers traced (the Suggestions
 * tab's run, which computes it; or Compute front here, with the same settings), each suggestion
 * and the design. Hovering a point previews it on the canvas, clicking applies it.
 */
export function ParetoTab() {
  const run = useStudio(selectSolveRun);
  const built = useStudio(selectCommittedProblem);
  const placement = useStudio(selectPlacement);
  const pins = useStudio(selectPins);
  const applicable = useStudio(selectSolveApplicable);
  const stale = useStudio(selectSolveStale);
  const fileName = useStudio(selectFileName);
  const colors = useChartColors();
  const [problem, setProblem] = useState<string | null>(null);

  const result = run?.result ?? null;
  const data = useMemo(
    () => (built && placement && pins && result ? paretoChartData(built, { placement, pins }, result) : null),
    [built, placement, pins, result],
  );
  // A preview left by a point under the pointer when the tab closes would stay on the canvas.
  useEffect(() => () => previewSuggestion(null), []);

  const compute = () => {
    setProblem(null);
    void runSuggest().then((start) => {
      if (!start.ok)
        setProblem(
          start.error?.message ??
            `The Suggestions tab's settings need fixing first: ${start.problems.map((p) => p.message).join(' ')}`,
        );
    });
  };
  const running = run?.status === 'running';
  const front = data?.front.length ?? 0;
  const interactive = applicable && !running;

  return (
    <div className="chart-tab pareto-tab">
      <div className="chart-tab-bar">
        <button
          type="button"
          onClick={compute}
          disabled={running}
          title="Run the solvers with the Suggestions tab's objective and constraints, and trace the latency × energy front"
        >
          {result ? 'Compute again' : 'Compute front'}
        </button>
        {running && (
          <>
            <progress max={1} value={run.fraction} aria-label="Computing the front" />
            <span className="chart-tab-status">{run.message}</span>
            <button type="button" onClick={cancelSuggest}>
              Cancel
            </button>
          </>
        )}
        {!running && data && (
          <span className="chart-tab-status" role="status">
            {front > 0
              ? `${front} point${front === 1 ? '' : 's'} on the front, ${data.suggestions.length} suggestion${data.suggestions.length === 1 ? '' : 's'}.`
              : 'The last solve traced no front.'}{' '}
            Filled: exact · hollow: heuristic · ringed: the design now.
          </span>
        )}
        {!running && !result && !run?.error && (
          <span className="chart-tab-status">
            No front yet: compute it here or run the solvers in the Suggestions tab.
          </span>
        )}
        {stale && !running && (
          <span className="chart-tab-stale">
            {applicable
              ? 'The objective or constraints changed since: compute again.'
              : 'The model or hardware changed since: the points show their figures on the design as it is now; compute again to apply one.'}
          </span>
        )}
      </div>
      {(problem ?? run?.error) && (
        <p role="alert" className="chart-frame-problem">
          {problem ?? `${run?.error?.message} (${run?.error?.code})`}
        </p>
      )}
      {data && (
        <div className="chart-tab-side">
          <div>
            <ParetoChart
              data={data}
              colors={colors}
              title="Latency × device energy"
              fileName={`pareto-${fileName}`}
              interactive={interactive}
              onPreview={preview}
              onApply={apply}
            />
            {data.notes.length > 0 && (
              <ul className="chart-notes" aria-label="About the front">
                {data.notes.map((note) => (
                  <li key={note}>{note}</li>
                ))}
              </ul>
            )}
          </div>
          <ParetoTable
            data={data}
            colors={colors}
            interactive={interactive}
            onPreview={preview}
            onApply={apply}
          />
        </div>
      )}
    </div>
  );
}
