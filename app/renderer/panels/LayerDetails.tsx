import { memo } from 'react';
import type { LayerView } from '../../../core/view/types.js';
import { tierOf } from '../../../core/tiers.js';
import { useStudio, type Store } from '../store/store.js';
import { tierTitleOf } from '../design/placement.js';
import { TierTimes } from './TierTimes.js';
import { ImportedTime } from './ImportedTime.js';
import { MachineTime } from './MachineTime.js';
import { ORT_PROFILE_METRIC } from '../run/ort-profile-overlay.js';
import { PREDICTED_METRICS } from '../overlay/predicted.js';
import { BlockPath } from './BlockPath.js';
import { CostTable } from './CostTable.js';
import { TensorList } from './TensorList.js';
import { selectDataDependent } from '../graph/data-dependent.js';
import { selectNotRun } from '../graph/not-run.js';
import { measuredMarkTitle, selectMeasuredMark } from '../graph/measured-mark.js';
import { calibrationDay } from '../run/measured-rows.js';
import { selectCalibration } from '../run/run-slice.js';

const selectMetrics = (s: Store) => s.overlay.metrics;
/** A data-dependent layer's predicted time and device energy are lower bounds, as its badge says. */
const BOUNDED_METRICS: ReadonlySet<string> = new Set(PREDICTED_METRICS.map((m) => m.key));

export const LayerDetails = memo(function LayerDetails({ layer }: { layer: LayerView }) {
  const metrics = useStudio(selectMetrics);
  const figures = useStudio((s) => s.overlay.values.get(layer.id));
  const tier = useStudio((s) => (s.design ? tierOf(s.design.placement, layer.id) : 'device'));
  const pinned = useStudio((s) => s.design?.pins.includes(layer.id) ?? false);
  const tiers = useStudio((s) => s.design?.topology.tiers);
  const exact = layer.exact.compute && layer.exact.params && layer.exact.activations;
  const dataDependent = useStudio((s) => selectDataDependent(s, layer.id));
  const notRun = useStudio((s) => selectNotRun(s, layer.id));
  const measuredMark = useStudio((s) =>
    dataDependent !== undefined ? selectMeasuredMark(s, layer.id, tier) : undefined,
  );
  const calibration = useStudio(selectCalibration);
  return (
    <>
      <h2>
        <span className="details-op">{layer.domain ? `${layer.domain}.${layer.op}` : layer.op}</span>
        <span className="details-name">{layer.id}</span>
      </h2>
      <BlockPath id={layer.id} />
      <p className="muted">
        {notRun === undefined ? (
          <>
            Runs on <strong>{tierTitleOf(tier)}</strong>
            {pinned ? ' (pinned)' : ''}
          </>
        ) : (
          <strong>Not run</strong>
        )}{' '}
        · layer {layer.order + 1}
        {layer.hiddenNodes > 0 ? ` · ${layer.hiddenNodes} plumbing nodes folded in` : ''}
        {exact ? '' : ' · ~ estimated'}
      </p>
      {notRun !== undefined && (
        <p className="details-not-run" role="note" aria-label="Not run">
          <strong>{notRun}.</strong> This layer never runs, so it costs nothing: its figures below are what it
          would cost if it ran.
        </p>
      )}
      {dataDependent !== undefined && measuredMark === undefined && (
        <p className="details-data-dependent" role="note">
          <strong>Data-dependent:</strong> {dataDependent}. Its time depends on the input, so its predicted
          times are lower bounds (≥). Measure it: calibrate in the This machine tab (the figures then use its
          measured time), run the exported bundle in the Run tab, or import an onnxruntime profile in the
          This machine tab.
        </p>
      )}
      {dataDependent !== undefined && measuredMark !== undefined && (
        <p className="details-data-dependent" role="note" data-measured={measuredMark}>
          <strong>Data-dependent:</strong> {dataDependent}.{' '}
          {measuredMarkTitle(
            measuredMark,
            tierTitleOf(tier),
            calibration ? calibrationDay(calibration.result) : null,
          )}
        </p>
      )}
      {layer.within === undefined && tiers && (
        <div className="tier-actions" role="group" aria-label="Place the layer">
          {tiers.map((t) => (
            <button
              key={t.name}
              type="button"
              aria-pressed={t.name === tier}
              disabled={pinned && t.name !== tier}
              title={pinned ? 'Pinned: unpin it to move it' : `Run this layer on the ${tierTitleOf(t.name)}`}
              onClick={() => {
                const outcome = useStudio.getState().moveLayers([layer.id], t.name);
                const refusal = outcome.refused[0];
                if (refusal) useStudio.getState().noticed(refusal.reason);
              }}
            >
              {tierTitleOf(t.name)}
            </button>
          ))}
          <button
            type="button"
            aria-pressed={pinned}
            title="A pinned layer stays on its tier: moves refuse it and the solvers keep it"
            onClick={() => useStudio.getState().setPinned([layer.id], !pinned)}
          >
            {pinned ? 'Unpin' : 'Pin'}
          </button>
        </div>
      )}
      <h3>Predicted time per tier</h3>
      <TierTimes layerId={layer.id} tier={tier} />
      <MachineTime layerId={layer.id} />
      <ImportedTime layerId={layer.id} />
      <h3>Costs</h3>
      {/* The imported time has its own row above: in Costs it would take the layer's `~` for an estimate. */}
      <CostTable
        metrics={metrics.filter((m) => m.key !== ORT_PROFILE_METRIC.key)}
        figures={figures}
        exact={exact}
        atLeast={dataDependent !== undefined && measuredMark === undefined ? BOUNDED_METRICS : undefined}
      />
      <h3>Inputs</h3>
      <TensorList tensors={layer.inputs} label="Inputs" />
      <h3>Outputs</h3>
      <TensorList tensors={layer.outputs} label="Outputs" />
      <h3>Attributes</h3>
      {layer.attributes.length === 0 ? (
        <p className="muted">none</p>
      ) : (
        <table className="attribute-table" aria-label="Attributes">
          <tbody>
            {layer.attributes.map((a) => (
              <tr key={a.name}>
                <th scope="row">{a.name}</th>
                <td>{a.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
});
