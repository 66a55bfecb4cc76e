import { memo } from 'react';
import type { MetricValues } from '../overlay/overlay.js';
import type { TierName } from '../../../core/profiles/types.js';
import { tierTitleOf } from '../design/placement.js';
import type { MeasuredMark } from '../../../core/partition/problem.js';
import { MEASURED_METRIC } from '../run/measured-overlay.js';
import './measured-mark.css';
import { formatBytes, formatCount, formatMj, formatMs } from '../util/format.js';

interface CostBadgesProps {
  readonly figures: MetricValues | undefined;
  /** Whether compute and parameter figures are exact (`~` marks estimates, as in the CLI). */
  readonly exactCompute?: boolean;
  readonly exactActivations?: boolean;
  /** The tier the node runs on: its predicted time there is shown, and device energy on the device. */
  readonly tier?: TierName;
  /** A collapsed block's sums: its layers' times, each on the tier it runs on. */
  readonly rolledUp?: boolean;
  /**
   * The measured metric the graph shows (selectMeasuredKey), or null: a run's measured compute
   * ("Show measured on the graph", each node's share of its tier's) or an imported onnxruntime
   * profile (each node's own kernel time). The time badge gives it instead of the prediction,
   * marked so it is not read as one.
   */
  readonly measuredKey?: string | null;
  /**
   * Why the layer's time depends on its input (core/costs/data-dependent.ts), when it does: its
   * predicted time is a lower bound (≥) and a badge says so and what to do, until it is measured.
   */
  readonly dataDependent?: string | undefined;
  /**
   * A data-dependent layer's time costed from this machine's calibration (graph/measured-mark.ts):
   * `=` measured here, `≈` scaled to another device, with the tooltip saying which; not `≥`.
   */
  readonly measured?: { readonly mark: MeasuredMark; readonly title: string } | undefined;
  /**
   * Why the layer or block never runs (graph/not-run.ts: the branch an If with a known condition
   * skips): it costs nothing, so its figures are struck through and a badge says why.
   */
  readonly notRun?: string | undefined;
}

/** MACs, parameters and output activation bytes of a layer or a collapsed block's roll-up. */
export const CostBadges = memo(function CostBadges({
  figures,
  exactCompute = true,
  exactActivations = true,
  tier,
  rolledUp = false,
  measuredKey = null,
  dataDependent,
  measured,
  notRun,
}: CostBadgesProps) {
  if (notRun !== undefined) return <NotRunBadges notRun={notRun} figures={figures} />;
  const predictedMs = figures?.['predictedMs'];
  // A layer on a tier the run did not measure has no share: it keeps its predicted badge.
  const measuredMs = measuredKey !== null ? figures?.[measuredKey] : undefined;
  const shared = measuredKey === MEASURED_METRIC.key;
  const energyMj = figures?.['deviceEnergyMj'];
  const macs = figures?.['macs'] ?? 0;
  const params = figures?.['params'] ?? 0;
  const outputBytes = figures?.['outputBytes'] ?? 0;
  const mark = (exact: boolean): string => (exact ? '' : '~');
  return (
    <div className="badges">
      {measuredMs !== undefined ? (
        <span
          className="badge badge-time badge-measured"
          title={shared ? measuredTitle(rolledUp, predictedMs) : profiledTitle(rolledUp, predictedMs)}
        >
          {shared ? '≈ ' : ''}
          {formatMs(measuredMs)} measured
        </span>
      ) : (
        predictedMs !== undefined &&
        tier !== undefined &&
        (dataDependent !== undefined && measured ? (
          <span
            className="badge badge-time badge-dd-measured"
            data-measured={measured.mark}
            title={measured.title}
          >
            {measured.mark === 'measured' ? '= ' : '≈ '}
            {formatMs(predictedMs)}
          </span>
        ) : (
          <span
            className="badge badge-time"
            title={
              rolledUp
                ? 'Predicted time of its layers, each on the tier it runs on'
                : `Predicted time on the ${tierTitleOf(tier)}${dataDependent ? ': at least this, it depends on the input' : ''}`
            }
          >
            {dataDependent ? '≥ ' : mark(exactCompute)}
            {formatMs(predictedMs)}
          </span>
        ))
      )}
      {dataDependent !== undefined && (
        <span
          className="badge badge-data-dependent"
          data-measured={measured?.mark}
          title={
            measured && measuredMs === undefined
              ? `${reasonSentence(dataDependent)} ${measured.title}`
              : dataDependentTitle(dataDependent, measuredMs !== undefined)
          }
        >
          data-dependent
        </span>
      )}
      {/* The node's fixed size holds two rows of badges: the wider measured badge takes the
          predicted energy's place (a predicted figure that would read as measured beside it). */}
      {energyMj !== undefined && tier === 'device' && measuredMs === undefined && (
        <span className="badge badge-energy" title="Device energy">
          {mark(exactCompute)}
          {formatMj(energyMj)}
        </span>
      )}
      {macs > 0 && (
        <span className="badge badge-macs" title="Multiply-accumulates">
          {mark(exactCompute)}
          {formatCount(macs)} MACs
        </span>
      )}
      {params > 0 && (
        <span className="badge badge-params" title="Parameters (weights)">
          {formatCount(params)} params
        </span>
      )}
      <span className="badge badge-bytes" title="Output activation bytes">
        {mark(exactActivations)}
        {formatBytes(outputBytes)}
      </span>
    </div>
  );
});

/** A layer that never runs: its MACs struck through (it would take them if it ran), after a badge saying why. */
function NotRunBadges({ notRun, figures }: { notRun: string; figures: MetricValues | undefined }) {
  const macs = figures?.['macs'] ?? 0;
  const params = figures?.['params'] ?? 0;
  const ifItRan = (what: string): string => `${notRun}, so this costs nothing here (${what} if it ran)`;
  return (
    <div className="badges">
      <span className="badge badge-not-run" title={`${notRun}: it costs nothing.`}>
        not run
      </span>
      {macs > 0 && (
        <del className="badge badge-macs" title={ifItRan(`${formatCount(macs)} MACs`)}>
          {formatCount(macs)} MACs
        </del>
      )}
      {params > 0 && (
        // Its weights are still in the model the tier loads: counted in memory, not struck.
        <span
          className="badge badge-params"
          title="Parameters (weights): loaded with the model though not run"
        >
          {formatCount(params)} params
        </span>
      )}
    </div>
  );
}

/** The reason as a sentence: `Sized by what NonMaxSuppression …` with its full stop. */
function reasonSentence(reason: string): string {
  return `${reason.charAt(0).toUpperCase()}${reason.slice(1)}.`;
}

function dataDependentTitle(reason: string, measured: boolean): string {
  const first = reasonSentence(reason);
  return measured
    ? `${first} Its time depends on the input: the badge beside shows what was measured, not a prediction.`
    : `${first} Its time depends on the input, so the predicted time is only a lower bound. Measure it: calibrate in the This machine tab (the figures then use its measured time), run the exported bundle in the Run tab and show measured on the graph, or import an onnxruntime profile in the This machine tab.`;
}

function profiledTitle(rolledUp: boolean, predictedMs: number | undefined): string {
  const predicted = predictedMs === undefined ? '' : ` (predicted ${formatMs(predictedMs)})`;
  return rolledUp
    ? `Measured in the imported onnxruntime profile: its layers' kernel times${predicted}`
    : `Measured in the imported onnxruntime profile: this node's median kernel time${predicted}`;
}

function measuredTitle(rolledUp: boolean, predictedMs: number | undefined): string {
  const predicted = predictedMs === undefined ? '' : ` (predicted ${formatMs(predictedMs)})`;
  return rolledUp
    ? `Measured in the last run: its layers' shares of their tiers' measured compute${predicted}`
    : `Measured in the last run: its tier's measured compute, shared over the tier's layers by their predicted time${predicted}`;
}
