/** The Suggestions table's columns: one per figure, and one per hop for the bytes on that link. */
import { Fragment } from 'react';
import type { TierName } from '../../../core/profiles/types.js';
import { formatBytes } from '../../shared/format.js';
import { tierTitleOf } from '../design/placement.js';
import { formatMj, formatMs } from '../util/format.js';
import { boundedCell } from './bounded-cell.js';
import type { ResultColumn } from './ResultsTable.js';
import { ALL_AGREE } from './plan-groups.js';
import { suggestionSortKey, type SuggestionRow } from './suggestion-rows.js';

const rate = (perS: number): string =>
  Number.isFinite(perS) ? `${perS >= 100 ? perS.toFixed(0) : perS.toFixed(1)}/s` : '∞';

// A new user meets the solvers by these names only: what each one searches, and whose method it is.
const SOLVER_TITLES: Readonly<Record<string, string>> = {
  'single-split':
    'One cut: the first layers on the device, the rest on one server tier (Neurosurgeon), every cut tried',
  'two-split':
    'Up to two cuts: device → server → device, or device → edge → cloud (RoaD-RuNNer), every pair tried',
  'min-cut': 'Any placement over the device and one server, as a minimum cut of the graph (DADS)',
  tiers: 'Any placement over every tier at once, as a minimum cut of the graph',
};

/**
 * `dataDependentLayers`: how many of the model's layers are data-dependent; every placement runs
 * them somewhere, so each row's time and energy are lower bounds and its throughput an upper one.
 */
export function suggestionColumns(
  tiers: readonly TierName[],
  dataDependentLayers = 0,
): ResultColumn<SuggestionRow>[] {
  const key = (column: string) => (row: SuggestionRow) => suggestionSortKey(row, column);
  const hops: ResultColumn<SuggestionRow>[] = tiers.slice(1).map((to, h) => ({
    id: `hop-${h}`,
    label: `${tierTitleOf(tiers[h]!)} ↔ ${tierTitleOf(to)}`,
    title: `Bytes crossing the ${tierTitleOf(tiers[h]!)}–${tierTitleOf(to)} link per inference, both ways`,
    numeric: true,
    sortKey: key(`hop-${h}`),
    cell: (row) => {
      const hop = row.evaluation.hops[h];
      const bytes = hop ? hop.upBytes + hop.downBytes : 0;
      return bytes === 0 ? '—' : formatBytes(bytes);
    },
  }));
  return [
    {
      id: 'solver',
      label: 'Solver',
      title: 'Which solvers suggest it (a placement several solvers found is one row)',
      sortKey: key('solver'),
      cell: (row) => (
        <>
          {row.solvers.length === 0 ? (
            row.solver
          ) : (
            // One name per solver that found the placement, each with what that solver searches;
            // several names may wrap, so the figures keep the table's width.
            <span className={row.solvers.length > 1 ? 'solver-names' : undefined}>
              {row.solvers.map((solver, i) => (
                <Fragment key={solver}>
                  {i > 0 && ' · '}
                  <span title={SOLVER_TITLES[solver]}>{solver}</span>
                </Fragment>
              ))}
              {row.allAgree && (
                <span className="agree-mark" title="Every solver that answered found this placement">
                  {ALL_AGREE}
                </span>
              )}
            </span>
          )}
          {row.applied && (
            <span className="applied-mark" title="The design is this placement now">
              {' '}
              ✓ applied
            </span>
          )}
        </>
      ),
    },
    {
      id: 'latency',
      label: 'Latency',
      title: 'End-to-end latency of one input',
      numeric: true,
      sortKey: key('latency'),
      cell: (row) => boundedCell(formatMs(row.evaluation.latencyMs), dataDependentLayers),
    },
    {
      id: 'throughput',
      label: 'Throughput',
      title: 'Inferences per second of a pipelined stream',
      numeric: true,
      firstDirection: 'descending',
      sortKey: key('throughput'),
      cell: (row) => boundedCell(rate(row.evaluation.throughputPerS), dataDependentLayers, 'upper'),
    },
    {
      id: 'energy',
      label: 'Device energy',
      title: 'Device energy per inference',
      numeric: true,
      sortKey: key('energy'),
      cell: (row) => boundedCell(formatMj(row.evaluation.deviceEnergyMj), dataDependentLayers),
    },
    ...hops,
    {
      id: 'raw-input',
      label: 'Raw input',
      title: 'Whether the graph inputs stay on the device',
      firstDirection: 'descending',
      sortKey: key('raw-input'),
      cell: (row) => (row.evaluation.rawInputLeavesDevice ? 'leaves' : 'stays'),
    },
    {
      id: 'device-layers',
      label: 'Device layers',
      title: 'Layers the data goes through on the device before any leaves it (all: nothing leaves)',
      numeric: true,
      firstDirection: 'descending',
      sortKey: key('device-layers'),
      cell: (row) => {
        const depth = row.evaluation.deviceLayersBeforeLeaving;
        return (
          <span title={tiers.map((t, i) => `${tierTitleOf(t)} ${row.evaluation.unitsPerTier[i]}`).join(', ')}>
            {depth === null ? 'all' : depth}
          </span>
        );
      },
    },
    {
      id: 'exact',
      label: 'Exact',
      title: 'Proved best for the objective and constraints, or a heuristic',
      sortKey: key('exact'),
      cell: (row) => (row.exact === null ? '—' : row.exact ? 'exact' : 'heuristic'),
    },
    {
      id: 'notes',
      label: 'Notes',
      title: "The solver's notes",
      sortKey: key('notes'),
      cell: (row) => <span className="row-notes">{row.notes.join('; ')}</span>,
    },
  ];
}
