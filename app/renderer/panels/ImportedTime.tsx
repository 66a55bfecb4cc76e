import { memo } from 'react';
import { ORT_PROFILE_METRIC } from '../run/ort-profile-overlay.js';
import { useStudio } from '../store/store.js';
import { formatMs } from '../util/format.js';

/**
 * A layer's time from an imported onnxruntime profile, beside its predictions: the figure its
 * badge shows, as a measurement (no `~`: the layer's cost may be estimated, its time is not).
 * Nothing when no profile timed it.
 */
export const ImportedTime = memo(function ImportedTime({ layerId }: { layerId: string }) {
  const measuredMs = useStudio((s) => s.overlay.values.get(layerId)?.[ORT_PROFILE_METRIC.key]);
  if (measuredMs === undefined) return null;
  return (
    <>
      <h3>Measured time</h3>
      <table className="cost-table" aria-label="Measured time">
        <tbody>
          <tr>
            <th scope="row" title="This node's median kernel time over the profile's runs">
              measured (imported onnxruntime profile)
            </th>
            <td data-value={measuredMs}>{formatMs(measuredMs)}</td>
          </tr>
        </tbody>
      </table>
    </>
  );
});
