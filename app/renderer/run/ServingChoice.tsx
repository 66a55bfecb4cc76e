import { useId } from 'react';
import type { Evaluation } from '../../../core/partition/evaluate.js';
import type { ServingMode } from '../../../core/partition/serving-mode.js';
import { useStudio } from '../store/store.js';
import { formatBytes, formatMs } from '../util/format.js';
import { selectRelayEvaluation, selectStockEvaluation } from './serving-figures.js';
import { selectDataDependentCount } from '../graph/data-dependent.js';

/** Why stock serving costs more, for the choice's tooltip (one line). */
const STOCK_HOPS =
  'Stock servers keep nothing between calls and never call each other: the device sends every server segment its inputs and collects its outputs, so a tensor passed between two servers travels down to the device and up again';

const figuresText = (evaluation: Evaluation | null, atLeast: string): string =>
  evaluation === null
    ? ''
    : ` (${atLeast}${formatMs(evaluation.latencyMs)}, ${formatBytes(evaluation.linkBytes)} on the links)`;

/**
 * The Export tab's "Serving" choice: Cutline's tiers relaying each request up the chain, or stock
 * OIP servers the device calls one by one (`cutline export --serving`). Each option shows the
 * design's predicted latency and link bytes in that mode, so the extra hops' cost is visible
 * before exporting; the bundle's plan figures are the chosen mode's.
 */
export function ServingChoice({
  serving,
  onChange,
}: {
  readonly serving: ServingMode;
  readonly onChange: (serving: ServingMode) => void;
}) {
  const relay = useStudio(selectRelayEvaluation);
  const stock = useStudio(selectStockEvaluation);
  // Data-dependent layers make the latency a lower bound, as in the figures bar.
  const atLeast = useStudio(selectDataDependentCount) > 0 ? '≥ ' : '';
  const name = useId();
  return (
    <fieldset className="run-radios">
      <legend>Serving</legend>
      <label title="Each tier passes on what the tier above needs and keeps what it needs later: a tensor crosses each link once">
        <input type="radio" name={name} checked={serving === 'relay'} onChange={() => onChange('relay')} />{' '}
        Tiers relay (Cutline&apos;s tier runtime chains them){figuresText(relay, atLeast)}
      </label>
      <label title={STOCK_HOPS}>
        <input type="radio" name={name} checked={serving === 'stock'} onChange={() => onChange('stock')} />{' '}
        Stock servers (Triton/KServe/any OIP server; the device calls each){figuresText(stock, atLeast)}
      </label>
    </fieldset>
  );
}
