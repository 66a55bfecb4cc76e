/**
 * The Cut points tab: every single cut (the first layers on the device, the rest on one server
 * tier) ranked by predicted latency, in the spirit of ONNX-Splitpoint-Tool. A host job ranks
 * them; the best ones are listed (there may be thousands). Hover previews a cut, click applies it.
 */
import { memo, useEffect, useMemo } from 'react';
import type { CutPoint } from '../../../shared/studio-api.js';
import { applySuggestion, previewSuggestion } from '../../actions/suggestion.js';
import { placementArray, selectCommittedProblem } from '../../design/figures.js';
import { boundSomewhere } from '../../graph/measured-mark.js';
import { tierTitleOf } from '../../design/placement.js';
import { useStudio, type Store } from '../../store/store.js';
import { cutColumns } from '../../suggest/cut-columns.js';
import { singleCutOf } from '../../suggest/cut-rows.js';
import { cachedSingleCutRecord } from '../../suggest/cut-placement.js';
import { JobProgress } from '../../suggest/JobProgress.js';
import { ResultsTable } from '../../suggest/ResultsTable.js';
import { cancelCutPoints, runCutPoints } from '../../suggest/run-jobs.js';
import { sameProblem } from '../../suggest/solve-selectors.js';
import { selectCutServerTier } from '../../suggest/suggest-slice.js';
import type { TierName } from '../../../../core/profiles/types.js';
import '../../suggest/suggest.css';

const selectRun = (s: Store) =>
  s.cutRun !== null && s.opened !== null && s.cutRun.basis.sessionId === s.opened.sessionId ? s.cutRun : null;
const selectCurrent = (s: Store) => {
  const run = selectRun(s);
  return run !== null && sameProblem(run.basis, s);
};
const selectBuilt = (s: Store) => selectCommittedProblem(s);
const selectPlacement = (s: Store) => s.design?.placement;
const selectTierNames = (s: Store) => s.design?.topology.tiers.map((t) => t.name).join(',') ?? '';
const selectSort = (s: Store) => s.cutSort;

export const CutPointsTab = memo(function CutPointsTab() {
  // A row's preview goes with the table (the tab closed or switched while a row was hovered).
  useEffect(() => () => previewSuggestion(null), []);
  const run = useStudio(selectRun);
  const current = useStudio(selectCurrent);
  const built = useStudio(selectBuilt);
  const placement = useStudio(selectPlacement);
  const tierKey = useStudio(selectTierNames);
  const chosen = useStudio(selectCutServerTier);
  const sort = useStudio(selectSort);
  const tiers = useMemo(() => (tierKey === '' ? [] : (tierKey.split(',') as TierName[])), [tierKey]);
  const last = tiers.length - 1;
  const serverTier = chosen !== null && chosen >= 1 && chosen <= last ? chosen : last;

  const applied = useMemo(
    () => (built && placement ? singleCutOf(built.problem, placementArray(built, placement)) : null),
    [built, placement],
  );
  const resultTier = run?.result?.serverTier ?? serverTier;
  const serverName = tiers[resultTier];
  const recordOf = (point: CutPoint): Readonly<Record<string, TierName>> =>
    built ? cachedSingleCutRecord(built.problem, point.deviceLayers, resultTier) : {};
  const server = serverName ? tierTitleOf(serverName) : 'the server';
  const units = built?.problem.units.length ?? 0;
  const problemUnits = built?.problem.units;
  const columns = useMemo(
    () =>
      cutColumns(
        units,
        // Data-dependent layers a calibration costs on every tier are not bounds (graph/measured-mark.ts).
        (problemUnits ?? []).flatMap((u, i) => (boundSomewhere(u) ? [i] : [])),
      ),
    [units, problemUnits],
  );
  const cutName = (point: CutPoint): string =>
    point.deviceLayers === 0
      ? `everything on ${server}`
      : point.deviceLayers >= units
        ? 'everything on the device'
        : `cut after ${point.afterLayer ?? point.deviceLayers} to ${server}`;
  const labelOf = (point: CutPoint): string => `Apply ${cutName(point)}`;

  const running = run?.status === 'running';
  const result = run?.result ?? null;
  return (
    <div className="cuts-tab">
      <div className="cuts-controls">
        <label className="solve-field inline">
          <span>Server tier</span>
          <select
            value={serverTier}
            onChange={(event) => useStudio.getState().setCutServerTier(Number(event.target.value))}
          >
            {tiers.slice(1).map((tier, i) => (
              <option key={tier} value={i + 1}>
                {tierTitleOf(tier)}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="primary"
          disabled={running || tiers.length < 2}
          onClick={() => void runCutPoints()}
        >
          Rank cut points
        </button>
        {running && <JobProgress run={run} label="Cut points progress" onCancel={cancelCutPoints} />}
        {result && (
          <span className="cuts-count" role="status">
            {result.total > result.points.length
              ? `The best ${result.points.length.toLocaleString()} of ${result.total.toLocaleString()} cut points`
              : `${result.total.toLocaleString()} cut points`}{' '}
            to the {serverName ? tierTitleOf(serverName) : 'server'}, lowest predicted latency first
          </span>
        )}
      </div>
      {tiers.length < 2 && (
        <p className="dock-empty">The topology has only the device: there is nothing to cut to.</p>
      )}
      {run?.status === 'failed' && run.error && (
        <p className="suggest-error" role="alert">
          <strong>{run.error.code}</strong> {run.error.message}
        </p>
      )}
      {result && !current && (
        <p className="suggest-stale" role="status">
          Results are for the previous model or topology — Rank cut points again.
        </p>
      )}
      {result ? (
        <div className="cuts-results">
          <ResultsTable
            label="Cut points"
            columns={columns}
            fixedRows={[]}
            rows={result.points}
            rowKey={(point) => String(point.deviceLayers)}
            sort={sort}
            onSort={(next) => useStudio.getState().setCutSort(next)}
            onPreview={(point) =>
              previewSuggestion(point ? recordOf(point) : null, point ? cutName(point) : undefined)
            }
            onApply={(point) => applySuggestion(recordOf(point), labelOf(point))}
            canApply={() => current}
            isApplied={(point) =>
              applied !== null &&
              applied.deviceLayers === point.deviceLayers &&
              (applied.serverTier === null || applied.serverTier === resultTier)
            }
            rowTitle={(point) =>
              current
                ? `Hover to preview, click or Enter to apply (${labelOf(point)})`
                : 'The model or topology changed since: rank again to apply'
            }
          />
        </div>
      ) : (
        !running &&
        tiers.length >= 2 && (
          <p className="dock-empty">
            Rank cut points to list every single cut (the first layers on the device, the rest on the server
            tier) by predicted latency, with the bytes crossing and the compute on each side.
          </p>
        )
      )}
    </div>
  );
});
