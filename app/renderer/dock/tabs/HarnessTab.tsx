import { useId, useMemo, useState, type FormEvent } from 'react';
import { CountField } from '../../run/CountField.js';
import { useStudio, type Store } from '../../store/store.js';
import { formatMs } from '../../util/format.js';
import { ComparisonChart } from '../../run/ComparisonChart.js';
import { comparisonRows } from '../../run/comparison.js';
import { startHarness, stopHarness } from '../../run/harness-actions.js';
import {
  checkText,
  differsText,
  runFigures,
  verificationOf,
  withinRule,
  type HarnessRun,
  type RunFigures,
} from '../../run/harness-run.js';
import { HarnessSummaryView } from '../../run/HarnessSummaryView.js';
import { JobError } from '../../run/JobProgress.js';
import {
  hideMeasuredOnGraph,
  measuredUnavailable,
  selectMeasuredShown,
  showMeasuredOnGraph,
} from '../../run/measured-actions.js';
import { isEarlierDesign } from '../../run/measured-staleness.js';
import { RequestsChart } from '../../run/RequestsChart.js';
import { harnessFormFrom, selectHarnessForm, type HarnessForm } from '../../run/run-forms.js';
import { selectHarnessRun, selectLastExport } from '../../run/run-slice.js';
import { countOf, MAX_HARNESS_REQUESTS } from '../../run/run-limits.js';
import { selectBundleEvaluation } from '../../run/bundle-plan.js';
import { CALIBRATE_S, formatEstimate, runEstimateS, TIER_START_S } from '../../run/run-estimate.js';
import '../../run/run.css';

const selectHasModel = (s: Store) => s.opened !== null;
const selectDesign = (s: Store) => s.design;
/** The form as typed in this session, else the last run's choices. */
const edit = (change: Partial<HarnessForm>): void => {
  const state = useStudio.getState();
  const form = selectHarnessForm(state) ?? harnessFormFrom(selectHarnessRun(state)?.args);
  state.setRunForm('harness', { ...form, ...change });
};

/**
 * Run: the live harness on the last exported bundle. Every tier runs as its own process on this
 * machine (links emulated or not); requests stream in as they are answered, drawn next to what
 * was predicted; Stop ends the job and the host stops every tier process.
 */
export function HarnessTab() {
  const hasModel = useStudio(selectHasModel);
  const bundle = useStudio(selectLastExport);
  const run = useStudio(selectHarnessRun);
  const measuredShown = useStudio(selectMeasuredShown);
  const plan = useStudio(selectBundleEvaluation);
  const design = useStudio(selectDesign);
  const typed = useStudio(selectHarnessForm);
  const { emulateLinks, runs, stream, calibrate } = typed ?? harnessFormFrom(run?.args);
  const [measuredProblem, setMeasuredProblem] = useState<string | null>(null);
  const id = useId();

  if (!hasModel) return <p className="dock-empty">Open a model, export its design, then run it here.</p>;
  const running = run?.status === 'running';
  const runCount = countOf(runs, 1, MAX_HARNESS_REQUESTS);
  const streamCount = countOf(stream, 0, MAX_HARNESS_REQUESTS);
  const valid = runCount !== null && streamCount !== null;
  // Run plays the last bundle: after an edit it is not the design the canvas and figures show.
  const bundleIsOlder = bundle !== null && isEarlierDesign(design, bundle.args);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (runCount === null || streamCount === null) return;
    setMeasuredProblem(null);
    void startHarness({ runs: runCount, stream: streamCount, emulateLinks, calibrate });
  };
  const toggleMeasured = () => {
    if (measuredShown) hideMeasuredOnGraph();
    else setMeasuredProblem(showMeasuredOnGraph() ? null : measuredUnavailable());
  };

  return (
    <div className="run-tab">
      <form className="run-form" aria-label="Run options" onSubmit={submit}>
        <p className="run-field-row">
          {bundle ? (
            <span>
              Bundle: <code className="run-path-text">{bundle.result.bundleDir}</code>
              {bundleIsOlder && (
                <span className="run-note" role="note">
                  {' '}
                  — an earlier design: the canvas has changed since it was exported.{' '}
                  <button
                    type="button"
                    className="link"
                    onClick={() => useStudio.getState().openDock('export')}
                  >
                    Export again
                  </button>{' '}
                  to run what the canvas shows.
                </span>
              )}
            </span>
          ) : (
            <span className="run-note">
              Export the design first.{' '}
              <button type="button" className="link" onClick={() => useStudio.getState().openDock('export')}>
                Open Export
              </button>
            </span>
          )}
        </p>
        <fieldset className="run-field-row" disabled={!bundle || running}>
          <label title="Each link delays and throttles its traffic as the topology says (bandwidth, RTT)">
            <input
              type="checkbox"
              checked={emulateLinks}
              onChange={(event) => edit({ emulateLinks: event.target.checked })}
            />{' '}
            Emulate links
          </label>
          <CountField
            id={`${id}-runs`}
            label={
              <>
                Runs <span className="run-unit">one at a time</span>
              </>
            }
            min={1}
            max={MAX_HARNESS_REQUESTS}
            value={runs}
            invalid={runCount === null}
            title="Sequential timed requests (latency)"
            onChange={(value) => edit({ runs: value })}
          />
          <CountField
            id={`${id}-stream`}
            label={
              <>
                Stream <span className="run-unit">pipelined</span>
              </>
            }
            min={0}
            max={MAX_HARNESS_REQUESTS}
            value={stream}
            invalid={streamCount === null}
            title="Requests sent pipelined, several in flight (throughput); 0 skips the stream"
            onChange={(value) => edit({ stream: value })}
          />
          <label title="Time this machine's layers first (a few seconds) to predict the run on this machine">
            <input
              type="checkbox"
              checked={calibrate}
              onChange={(event) => edit({ calibrate: event.target.checked })}
            />{' '}
            Calibrate this machine
          </label>
        </fieldset>
        <div className="run-field-row">
          {running ? (
            <button type="button" className="run-stop" onClick={stopHarness} disabled={run.jobId === null}>
              Stop
            </button>
          ) : (
            <button
              type="submit"
              className="run-primary"
              disabled={!bundle || !valid}
              aria-describedby={plan && valid ? `${id}-estimate` : undefined}
            >
              Start
            </button>
          )}
          {!running && bundle && plan && valid && (
            <RunEstimate
              id={`${id}-estimate`}
              latencyMs={bundle.result.predicted.latencyMs}
              throughputPerS={plan.throughputPerS}
              runs={runCount}
              stream={streamCount}
              calibrate={calibrate}
            />
          )}
          {!valid && (
            <span className="run-bad">
              Runs must be 1 to {MAX_HARNESS_REQUESTS}, stream 0 to {MAX_HARNESS_REQUESTS}.
            </span>
          )}
          {run && (
            <button
              type="button"
              aria-pressed={measuredShown}
              onClick={toggleMeasured}
              title="Colour the graph by each tier's measured compute, shared over its layers by their predicted time"
            >
              Show measured on the graph
            </button>
          )}
        </div>
        <p className="run-hint">
          Every tier runs as a process on this machine, the links between them emulated: measured compute is
          this machine&apos;s, not the topology&apos;s devices&apos;. Calibrate this machine to predict it
          here too.
        </p>
      </form>
      {measuredProblem && <p className="run-note">{measuredProblem}</p>}
      {run && <RunView run={run} />}
    </div>
  );
}

/** How long Start will take, from the plan; labelled an estimate, the working in its tooltip. */
function RunEstimate(props: {
  readonly id: string;
  readonly latencyMs: number;
  readonly throughputPerS: number;
  readonly runs: number;
  readonly stream: number;
  readonly calibrate: boolean;
}) {
  const { id, latencyMs, throughputPerS, runs, stream, calibrate } = props;
  const seconds = runEstimateS({ latencyMs, throughputPerS, runs, stream, calibrate });
  const streamed =
    stream === 0
      ? ''
      : Number.isFinite(throughputPerS) && throughputPerS > 0
        ? ` + ${stream} pipelined at ${throughputPerS.toFixed(1)}/s`
        : ` + ${stream} pipelined at ${formatMs(latencyMs)} each`;
  const title =
    `From the plan: ${runs} × ${formatMs(latencyMs)}${streamed} + ~${TIER_START_S} s to start the tiers` +
    `${calibrate ? ` + ~${CALIBRATE_S} s to calibrate` : ''}. Every tier runs on this machine, so the run ` +
    `may be quicker or slower than the topology's devices would be.`;
  return (
    <span id={id} className="run-estimate" title={title}>
      Estimated time: {formatEstimate(seconds)}
    </span>
  );
}

function RunView({ run }: { readonly run: HarnessRun }) {
  const figures = useMemo(() => runFigures(run), [run]);
  const rows = useMemo(() => comparisonRows(run, figures), [run, figures]);
  const hostMs = run.summary?.predicted.hostLatencyMs ?? run.predicted?.hostLatencyMs ?? null;
  return (
    <>
      <RunStatusLine run={run} figures={figures} />
      {run.error && <JobError error={run.error} label="Run failed" />}
      {run.problems.map((problem, i) => (
        <p key={i} className="run-error" role="alert">
          {problem}
        </p>
      ))}
      <div className="run-charts">
        <RequestsChart requests={run.requests} predictedMs={hostMs} />
        {rows.length > 0 && <ComparisonChart rows={rows} />}
      </div>
      {run.summary && <HarnessSummaryView summary={run.summary} />}
    </>
  );
}

function RunStatusLine({ run, figures }: { readonly run: HarnessRun; readonly figures: RunFigures }) {
  const verification = verificationOf(run, figures);
  const state =
    run.status === 'running'
      ? run.message
      : run.status === 'stopped'
        ? 'Stopped'
        : run.status === 'failed'
          ? 'Failed'
          : 'Done';
  return (
    <div className="run-status">
      <p role="status" aria-label="Run status">
        {run.status === 'running' && <progress max={1} value={run.fraction} aria-label="Run progress" />}{' '}
        {state}
        {run.tiers.length > 0 && (
          <span className="run-tiers" aria-label="Tiers">
            {' '}
            · tiers started: {run.tiers.map((t) => `${t.tier} (pid ${t.pid})`).join(', ')}
          </span>
        )}
        {run.calibrated && <span> · calibrated: {run.calibrated.peakGflops.toFixed(1)} GFLOP/s peak</span>}
      </p>
      <dl className="run-counts" aria-label="Counts">
        <dt>answered</dt>
        <dd>
          {figures.answered} of {run.args.runs + run.args.stream}
        </dd>
        <dt>failed</dt>
        <dd className={figures.failed > 0 ? 'run-bad' : undefined}>{figures.failed}</dd>
        <dt>fallbacks</dt>
        <dd className={figures.fallbacks > 0 ? 'run-warn' : undefined}>{figures.fallbacks}</dd>
        <dt>median latency</dt>
        <dd>{figures.medianLatencyMs === null ? '–' : formatMs(figures.medianLatencyMs)}</dd>
      </dl>
      <p
        className={`run-verification ${verificationClass(verification.state)}`}
        role="status"
        aria-label="Verification"
      >
        {verificationText(verification)}
      </p>
    </div>
  );
}

const verificationClass = (state: ReturnType<typeof verificationOf>['state']): string =>
  state === 'verified' ? 'run-ok' : state === 'differs' || state === 'not-verified' ? 'run-bad' : '';

function verificationText(v: ReturnType<typeof verificationOf>): string {
  switch (v.state) {
    case 'waiting':
      return 'Verification: waiting for the first answer.';
    // The rule and the element furthest off relative to its allowance (harness-run.ts).
    case 'so-far':
      return `Answers so far equal the whole model's${withinRule(v)} (${checkText(v)}).`;
    case 'verified':
      return `Verified: every request answered through the split equals the whole model's answer${withinRule(v)} (${checkText(v)}).`;
    case 'differs':
      return `NOT verified: ${differsText(v)}.`;
    case 'not-verified':
      return `Not verified: ${v.reason}.`;
  }
}
