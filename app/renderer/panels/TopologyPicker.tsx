import { memo, type ChangeEvent } from 'react';
import {
  chooseBundledTopology,
  openTopologyFile,
  openTopologyText,
  TOPOLOGY_INPUT_ID,
} from '../actions/choose-topology.js';
import { useStudio, type Store } from '../store/store.js';
import type { TopologyInfo } from '../../shared/studio-api.js';
import { TIER_TITLES } from '../../../core/tiers.js';

const OPEN_FILE = '__open-file__';
const CURRENT = '__current__';

const selectTopologies = (s: Store) => s.topologies;
const selectTopologyId = (s: Store) => s.design?.topologyId ?? null;
const selectTopologyName = (s: Store) => s.design?.topology.spec.name ?? null;

/**
 * The tooltip: each tier's device and the links between them. The bundled names already read
 * "Raspberry Pi 4 → WiFi → i7 edge → …", so the option shows the name alone and stays short.
 */
const describe = (info: TopologyInfo): string =>
  [
    ...info.tiers.map((t) => `${TIER_TITLES[t.name]}: ${t.deviceName}`),
    `Links: ${info.links.join(', ')}`,
    info.description,
  ].join('\n');

const onChosen = (event: ChangeEvent<HTMLSelectElement>): void => {
  const { value } = event.target;
  if (value === OPEN_FILE) openTopologyFile();
  else if (value !== CURRENT && value !== '') void chooseBundledTopology(value);
};

const onFileChosen = (event: ChangeEvent<HTMLInputElement>): void => {
  const file = event.target.files?.[0];
  event.target.value = '';
  if (file) void file.text().then((text) => openTopologyText(file.name, text));
};

/** The hardware the design is split across: a bundled topology, or one from a file. */
export const TopologyPicker = memo(function TopologyPicker() {
  const topologies = useStudio(selectTopologies);
  const topologyId = useStudio(selectTopologyId);
  const topologyName = useStudio(selectTopologyName);
  // An edited or loaded topology is no bundled one: it shows as the current choice of its own.
  const value = topologyName === null ? '' : (topologyId ?? CURRENT);
  // The closed menu cuts a long name, and with it the "(custom)" at its end: the tooltip has it whole.
  const shown =
    topologyName === null ? undefined : topologyId === null ? `${topologyName} (custom)` : topologyName;
  return (
    <label className="topology-picker">
      Topology
      <select
        aria-label="Topology"
        title={shown}
        value={value}
        onChange={onChosen}
        disabled={topologyName === null}
      >
        {topologyName === null && <option value="">(open a model)</option>}
        {topologyName !== null && topologyId === null && (
          <option value={CURRENT}>{topologyName} (custom)</option>
        )}
        {topologies.map((info) => (
          <option key={info.id} value={info.id} title={describe(info)}>
            {info.name}
          </option>
        ))}
        <option value={OPEN_FILE}>Open topology file…</option>
      </select>
      <input
        id={TOPOLOGY_INPUT_ID}
        type="file"
        accept=".json,application/json"
        hidden
        aria-label="Topology file"
        onChange={onFileChosen}
      />
    </label>
  );
});
