import { memo } from 'react';
import type { TierName } from '../../../core/profiles/types.js';
import { layerTierTimes, selectCommittedProblem } from '../design/figures.js';
import { tierTitleOf } from '../design/placement.js';
import { useStudio, type Store } from '../store/store.js';
import { formatMj, formatMs } from '../util/format.js';

const selectTopology = (s: Store) => s.design?.topology ?? null;

/**
 * A layer's predicted time on every tier of the topology (the roofline of core/predict, as the
 * solvers use it), and the device energy it costs there; the tier it runs on is marked.
 */
export const TierTimes = memo(function TierTimes({ layerId, tier }: { layerId: string; tier: TierName }) {
  const built = useStudio(selectCommittedProblem);
  const topology = useStudio(selectTopology);
  if (!built || !topology) return null;
  const times = layerTierTimes(built, layerId);
  if (!times) return <p className="muted">Runs with its control-flow layer; no time of its own.</p>;
  const unit = built.unitOf.get(layerId)!;
  const k = built.problem.tiers.length;
  // A data-dependent layer's static estimate is only a lower bound (core/costs/data-dependent.ts),
  // unless a calibration measured it: `=` on this machine, `≈` scaled to another device.
  const { dataDependent, measured } = built.problem.units[unit] ?? {};
  const markOf = (i: number): string =>
    !dataDependent ? '' : measured?.perTier[i] === 'measured' ? '= ' : measured?.perTier[i] ? '≈ ' : '≥ ';
  const titleOf = (i: number): string | undefined =>
    !dataDependent
      ? undefined
      : measured?.perTier[i] === 'measured'
        ? 'Measured on this machine'
        : measured?.perTier[i]
          ? "Scaled from a measurement on this machine: measured × this device's predicted ÷ this machine's"
          : 'At least this: its time depends on the input';
  return (
    <table className="cost-table tier-times" aria-label="Predicted time per tier">
      <tbody>
        {topology.tiers.map((t, i) => (
          <tr key={t.name} data-current={t.name === tier || undefined}>
            <th scope="row" title={`${t.device.name} (${t.precision})`}>
              {tierTitleOf(t.name)} · {t.device.name}
            </th>
            <td data-value={times[i]} title={titleOf(i)}>
              {markOf(i)}
              {formatMs(times[i]!)}
            </td>
            <td className="muted" title="Device energy while the layer runs here">
              {/* Energy is the tier's power × that time: a bound only while the time is one. */}
              {markOf(i) === '≥ ' ? '≥ ' : ''}
              {formatMj(built.problem.computeEnergyMj[unit * k + i]!)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
});
