import { memo } from 'react';
import { calibrationDay, measuredLayer } from '../run/measured-rows.js';
import { selectCalibration } from '../run/run-slice.js';
import { useStudio } from '../store/store.js';
import { formatMs } from '../util/format.js';

/**
 * The layer's time measured on this machine by the last calibration of the open model, beside
 * what the calibrated profile predicts for it. Nothing when no calibration measured it.
 */
export const MachineTime = memo(function MachineTime({ layerId }: { layerId: string }) {
  const calibration = useStudio(selectCalibration);
  const row = calibration ? measuredLayer(calibration.result, layerId) : null;
  if (!calibration || !row) return null;
  const day = calibrationDay(calibration.result);
  if (row.fusedInto !== undefined)
    return (
      <p className="muted" aria-label="Measured on this machine">
        runs inside the kernel of <strong>{row.fusedInto}</strong> on this machine
        {day ? ` (calibration ${day})` : ''}: measured and predicted with it
      </p>
    );
  return (
    <p className="muted" aria-label="Measured on this machine">
      measured <strong>{formatMs(row.measuredMs)}</strong> on this machine
      {day ? ` (calibration ${day})` : ''}, predicted {formatMs(row.predictedMs)}
    </p>
  );
});
