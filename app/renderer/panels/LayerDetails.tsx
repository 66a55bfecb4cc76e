import { memo } from 'react';
import type { LayerView } from '../../../core/view/types.js';
import { useStudio, type Store } from '../store/store.js';
import { DEFAULT_TIER } from '../store/placement-slice.js';
import { BlockPath } from './BlockPath.js';
import { CostTable } from './CostTable.js';
import { TensorList } from './TensorList.js';

const selectMetrics = (s: Store) => s.overlay.metrics;

export const LayerDetails = memo(function LayerDetails({ layer }: { layer: LayerView }) {
  const metrics = useStudio(selectMetrics);
  const figures = useStudio((s) => s.overlay.values.get(layer.id));
  const tier = useStudio((s) => s.placement[layer.id] ?? DEFAULT_TIER);
  const exact = layer.exact.compute && layer.exact.params && layer.exact.activations;
  return (
    <>
      <h2>
        <span className="details-op">{layer.domain ? `${layer.domain}.${layer.op}` : layer.op}</span>
        <span className="details-name">{layer.id}</span>
      </h2>
      <BlockPath id={layer.id} />
      <p className="muted">
        Runs on <strong>{tier}</strong> · layer {layer.order + 1}
        {layer.hiddenNodes > 0 ? ` · ${layer.hiddenNodes} plumbing nodes folded in` : ''}
        {exact ? '' : ' · ~ estimated'}
      </p>
      <h3>Costs</h3>
      <CostTable metrics={metrics} figures={figures} exact={exact} />
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
