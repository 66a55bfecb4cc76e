import { memo, useEffect, useState } from 'react';
import type { DeviceProfile } from '../../../core/profiles/types.js';
import { studioApi } from '../api/studio-api.js';
import { useStudio } from '../store/store.js';

interface DevicePickerProps {
  /** Index of the tier in the design's topology. */
  readonly tier: number;
  readonly current: DeviceProfile;
  readonly title: string;
  readonly onClose: () => void;
}

/** Lists the bundled device profiles; choosing one runs the tier on it (one undoable edit). */
export const DevicePicker = memo(function DevicePicker({ tier, current, title, onClose }: DevicePickerProps) {
  const [devices, setDevices] = useState<readonly DeviceProfile[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    studioApi()
      .listProfiles()
      .then(
        (library) => live && setDevices(library.devices),
        (failure: unknown) =>
          live &&
          setError(
            `The device profiles could not be read: ${failure instanceof Error ? failure.message : String(failure)}`,
          ),
      );
    return () => {
      live = false;
    };
  }, []);

  return (
    <div
      className="lane-popover nopan nodrag nowheel"
      role="dialog"
      aria-label={title}
      onKeyDown={(event) => event.key === 'Escape' && onClose()}
    >
      <div className="lane-popover-title">{title}</div>
      {error && (
        <p className="lane-popover-error" role="alert">
          {error}
        </p>
      )}
      {!devices && !error && <p className="lane-popover-note">Reading the device profiles…</p>}
      {devices && (
        <ul className="lane-device-list" aria-label="Devices">
          {devices.map((device) => (
            <li key={device.id}>
              <button
                type="button"
                aria-pressed={device.id === current.id}
                title={device.description ?? device.name}
                onClick={() => {
                  useStudio.getState().setTierDevice(tier, device);
                  onClose();
                }}
              >
                {device.name}
              </button>
            </li>
          ))}
        </ul>
      )}
      <button type="button" className="lane-popover-close" onClick={onClose}>
        Close
      </button>
    </div>
  );
});
