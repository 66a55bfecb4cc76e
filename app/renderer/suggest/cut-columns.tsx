/** The Cut points table's columns. */
import type { CutPoint } from '../../shared/studio-api.js';
import { formatBytes, formatCount } from '../../shared/format.js';
import { formatMj, formatMs } from '../util/format.js';
import { boundedCell } from './bounded-cell.js';
import { cutSortKey } from './cut-rows.js';
import type { ResultColumn } from './ResultsTable.js';

/**
 * `units`: the problem's unit count (a cut after all of them keeps everything on the device).
 * `dataDependentUnits`: the units whose time depends on the input (sorted): a side running one
 * predicts a lower bound, and so do every cut's latency and device energy.
 */
export function cutColumns(
  units: number,
  dataDependentUnits: readonly number[] = [],
): ResultColumn<CutPoint>[] {
  const key = (column: string) => (point: CutPoint) => cutSortKey(point, column);
  const all = dataDependentUnits.length;
  // Units [0, deviceLayers) run on the device, the rest on the server tier.
  const onDevice = (p: CutPoint): number => dataDependentUnits.filter((u) => u < p.deviceLayers).length;
  return [
    {
      id: 'after',
      label: 'After layer',
      title: 'The last layer on the device (problem order); everything after runs on the server tier',
      sortKey: key('after'),
      cell: (p) => (
        <span className="cut-after" title={`${p.deviceLayers} layers on the device`}>
          {p.afterLayer ?? '(nothing on the device)'}
          {p.deviceLayers >= units && <span className="muted"> (everything on the device)</span>}
        </span>
      ),
    },
    {
      id: 'cut-bytes',
      label: 'Cut bytes',
      title: 'Bytes crossing the cut per inference',
      numeric: true,
      sortKey: key('cut-bytes'),
      cell: (p) => (p.cutBytes === 0 ? '—' : formatBytes(p.cutBytes)),
    },
    {
      id: 'tensors',
      label: 'Tensors',
      title: 'Tensors crossing the cut',
      numeric: true,
      sortKey: key('tensors'),
      cell: (p) => String(p.tensors),
    },
    {
      id: 'macs-before',
      label: 'MACs before',
      title: 'Multiply-accumulates on the device',
      numeric: true,
      sortKey: key('macs-before'),
      cell: (p) => formatCount(p.macsBefore),
    },
    {
      id: 'macs-after',
      label: 'MACs after',
      title: 'Multiply-accumulates on the server tier',
      numeric: true,
      sortKey: key('macs-after'),
      cell: (p) => formatCount(p.macsAfter),
    },
    {
      id: 'compute-before',
      label: 'Device compute',
      title: 'Predicted compute time on the device',
      numeric: true,
      sortKey: key('compute-before'),
      cell: (p) => boundedCell(formatMs(p.computeBeforeMs), onDevice(p)),
    },
    {
      id: 'compute-after',
      label: 'Server compute',
      title: 'Predicted compute time on the server tier',
      numeric: true,
      sortKey: key('compute-after'),
      cell: (p) => boundedCell(formatMs(p.computeAfterMs), all - onDevice(p)),
    },
    {
      id: 'latency',
      label: 'Latency',
      title: 'Predicted end-to-end latency of one input',
      numeric: true,
      sortKey: key('latency'),
      cell: (p) => boundedCell(formatMs(p.latencyMs), all),
    },
    {
      id: 'energy',
      label: 'Device energy',
      title: 'Predicted device energy per inference',
      numeric: true,
      sortKey: key('energy'),
      cell: (p) => boundedCell(formatMj(p.deviceEnergyMj), all),
    },
    {
      id: 'raw-input',
      label: 'Raw input',
      title: 'Whether the graph inputs stay on the device',
      firstDirection: 'descending',
      sortKey: key('raw-input'),
      cell: (p) => (p.rawInputLeavesDevice ? 'leaves' : 'stays'),
    },
  ];
}
