import { useState, type FormEvent } from 'react';
import { TIER_TITLES } from '../../../../core/tiers.js';
import { SweepChart } from '../../charts/SweepChart.js';
import { SweepTable } from '../../charts/SweepTable.js';
import { useChartColors } from '../../charts/chart-theme.js';
import { cancelSweep, runSweep, setLinkBandwidth } from '../../charts/sweep-actions.js';
import {
  DEFAULT_SWEEP_FORM,
  changeMarkers,
  sweptLinkText,
  linkOptions,
  sweepFitsDesign,
  sweepRange,
  type SweepFieldProblem,
} from '../../charts/sweep-data.js';
import { runOfSession, selectSweepForm, type SweepForm } from '../../charts/sweep-slice.js';
import { useStudio, type Store } from '../../store/store.js';
import { formatMbps } from '../../util/format.js';

const selectRun = (s: Store) => runOfSession(s.sweepRun, s.opened?.sessionId);
const selectTopology = (s: Store) => s.design?.topology ?? null;
const selectPlacement = (s: Store) => s.design?.placement ?? null;
const selectFileName = (s: Store) => s.opened?.fileName ?? 'model';

/**
 * Latency against one link's bandwidth: pick the link and the range, run the sweep (the figures
 * of `cutline sweep --json`, and the design's own curve), then click a bandwidth to set the link
 * to it.
 */
export function SweepTab() {
  const stored = useStudio(selectSweepForm);
  const run = useStudio(selectRun);
  const topology = useStudio(selectTopology);
  const placement = useStudio(selectPlacement);
  const fileName = useStudio(selectFileName);
  const colors = useChartColors();
  const [problems, setProblems] = useState<readonly SweepFieldProblem[]>([]);
  const [showFigures, setShowFigures] = useState(false);
  if (!topology || !placement) return null;

  const links = linkOptions(topology);
  if (links.length === 0) {
    return <p className="dock-empty">This topology has one tier: there is no link to sweep.</p>;
  }
  const base = stored ?? DEFAULT_SWEEP_FORM;
  const form: SweepForm = base.hop < links.length ? base : { ...base, hop: 0 };
  const edit = (change: Partial<SweepForm>) => {
    setProblems([]);
    useStudio.getState().setSweepForm({ ...form, ...change });
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const range = sweepRange(form);
    if (!range.ok) {
      setProblems(range.problems);
      return;
    }
    void runSweep(form).then((start) => setProblems(start.ok ? [] : start.problems));
  };
  const problemOf = (field: SweepFieldProblem['field']) => problems.find((p) => p.field === field);
  const field = (name: 'from' | 'to' | 'steps', label: string, title: string) => (
    <label title={title}>
      {label}
      <input
        type="text"
        inputMode="decimal"
        value={form[name]}
        aria-invalid={problemOf(name) ? true : undefined}
        onChange={(event) => edit({ [name]: event.target.value })}
      />
    </label>
  );

  const running = run?.status === 'running';
  const result = run?.result ?? null;
  const sweptHop = run?.args.hop ?? form.hop;
  const link = topology.hops[sweptHop];
  const fits = run ? sweepFitsDesign(run.args, { topology, placement }) : true;
  const pick = (mbps: number) => setLinkBandwidth(sweptHop, mbps);
  const markers = result ? changeMarkers(result) : [];

  return (
    <div className="chart-tab sweep-tab">
      <form className="chart-tab-bar" onSubmit={submit} aria-label="Bandwidth sweep">
        <label>
          Link
          <select value={form.hop} onChange={(event) => edit({ hop: Number(event.target.value) })}>
            {links.map((option) => (
              <option key={option.hop} value={option.hop}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
        {field('from', 'From (Mb/s)', 'The lowest bandwidth swept, Mb/s')}
        {field('to', 'To (Mb/s)', 'The highest bandwidth swept, Mb/s')}
        {field('steps', 'Steps', 'How many bandwidths, evenly spaced on a log scale')}
        <button type="submit" disabled={running}>
          {result ? 'Sweep again' : 'Sweep'}
        </button>
        {running && (
          <>
            <progress max={1} value={run.fraction} aria-label="Sweeping" />
            <span className="chart-tab-status">{run.message}</span>
            <button type="button" onClick={cancelSweep}>
              Cancel
            </button>
          </>
        )}
        <label title="A server-only curve at low bandwidth dwarfs the others on a linear axis">
          <input
            type="checkbox"
            checked={form.logLatency}
            onChange={(event) => edit({ logLatency: event.target.checked })}
          />
          Log latency axis
        </label>
        {result && (
          <button type="button" aria-pressed={showFigures} onClick={() => setShowFigures(!showFigures)}>
            {showFigures ? 'Hide figures' : 'Show figures'}
          </button>
        )}
      </form>
      {problems.length > 0 && (
        <p role="alert" className="chart-frame-problem">
          {problems.map((p) => p.message).join(' ')}
        </p>
      )}
      {run?.error && (
        <p role="alert" className="chart-frame-problem">
          {run.error.message} ({run.error.code})
        </p>
      )}
      {!result && !running && !run?.error && (
        <p className="dock-empty">
          Sweep a link to see where the best split moves as its bandwidth changes; click a bandwidth to set
          the link to it.
        </p>
      )}
      {result && run && (
        <>
          {!fits && (
            <p className="chart-tab-stale">
              The design changed since this sweep (placement or hardware): sweep again for its figures.
            </p>
          )}
          <SweepChart
            result={result}
            fromMbps={run.args.fromMbps}
            toMbps={run.args.toMbps}
            colors={colors}
            title={`Latency against the bandwidth of ${sweptLinkText(result)} (${result.link.id})`}
            fileName={`sweep-${result.link.id}-${fileName}`}
            logLatency={form.logLatency}
            currentMbps={link?.uplinkMbps ?? Number.NaN}
            onPick={pick}
          />
          <div className="chart-markers" role="group" aria-label="Where the best split changes">
            {link && (
              <span>
                Link now: <strong>{formatMbps(link.uplinkMbps)}</strong>
                {link.downlinkMbps !== link.uplinkMbps && ` up, ${formatMbps(link.downlinkMbps)} down`}
                {link.measured && link.measured.length > 0 && (
                  <span className="chart-tab-stale">
                    {' '}
                    (measured points set its transfer times inside their range; the sweep ignores them)
                  </span>
                )}
                .
              </span>
            )}
            {markers.length === 0 ? (
              <span className="muted">The best split is the same over the whole range.</span>
            ) : (
              <span>The best split changes between:</span>
            )}
            {markers.map((marker) => (
              <button
                key={marker.mbps}
                type="button"
                title={`${marker.description}. Click to set the link to it.`}
                aria-label={`Set the link to ${formatMbps(marker.mbps)}: ${marker.description}`}
                onClick={() => pick(marker.mbps)}
              >
                {formatMbps(marker.afterMbps).replace(' Mb/s', '')}–{formatMbps(marker.mbps)} {marker.label}
              </button>
            ))}
          </div>
          {showFigures && (
            <SweepTable result={result} serverName={TIER_TITLES[result.server]} onPick={pick} />
          )}
        </>
      )}
    </div>
  );
}
