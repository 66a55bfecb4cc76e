/**
 * The live figures as rows the figures bar shows: each with its exact value (tests read it from
 * `data-value`), its text, the difference from the committed design while a drag previews
 * another placement, and a flag when it breaks a limit (a tier over its memory).
 */
import type { Evaluation } from '../../../core/partition/evaluate.js';
import type { TierName } from '../../../core/profiles/types.js';
import { formatBytes } from '../../shared/format.js';
import { formatMj, formatMs } from '../util/format.js';
import { tierTitleOf } from './placement.js';

export interface FigureRow {
  readonly key: string;
  readonly label: string;
  readonly value: number;
  readonly text: string;
  /** Longer explanation for the tooltip. */
  readonly detail: string;
  /** Signed text of the change from the committed design ("+12.0 ms"), during a preview only. */
  readonly delta?: string;
  /** Whether the change is for the better (lower latency, energy, bytes; higher throughput). */
  readonly better?: boolean;
  readonly flagged?: boolean;
}

const signed = (value: number, format: (v: number) => string): string =>
  `${value > 0 ? '+' : value < 0 ? '−' : '±'}${format(Math.abs(value))}`;

function withDelta(
  row: FigureRow,
  before: number | undefined,
  format: (v: number) => string,
  higherIsBetter = false,
): FigureRow {
  if (before === undefined) return row;
  const change = row.value - before;
  if (Math.abs(change) <= Math.abs(before) * 1e-9) return row;
  return { ...row, delta: signed(change, format), better: higherIsBetter ? change > 0 : change < 0 };
}

const formatRate = (perS: number): string =>
  Number.isFinite(perS) ? `${perS >= 100 ? perS.toFixed(0) : perS.toFixed(1)}/s` : '∞';

/**
 * Rows for `evaluation` on tiers `tiers`; `committed` (the design's own evaluation) adds deltas
 * when `evaluation` is a preview of another placement.
 */
export function figureRows(
  evaluation: Evaluation,
  tiers: readonly TierName[],
  committed: Evaluation | null,
  dataDependentLayers = 0,
  measuredLayers = 0,
): FigureRow[] {
  const rows: FigureRow[] = [];
  // Layers whose time depends on the input make the time figures bounds (core/costs/data-dependent.ts),
  // unless this machine's calibration measured them (core/partition/measured-units.ts).
  const bounded = dataDependentLayers > 0;
  const boundNote =
    (bounded
      ? ` ${dataDependentLayers === 1 ? '1 layer is' : `${dataDependentLayers} layers are`} data-dependent: their time depends on the input, so this is a bound, not a prediction (measure them in the Run tab).`
      : '') +
    (measuredLayers > 0
      ? ` ${measuredLayers === 1 ? '1 data-dependent layer is' : `${measuredLayers} data-dependent layers are`} costed from this machine's calibration (measured here, or scaled to another device): this holds for inputs like the measured one.`
      : '');
  rows.push(
    withDelta(
      {
        key: 'latency',
        label: 'Latency',
        value: evaluation.latencyMs,
        text: `${bounded ? '≥ ' : ''}${formatMs(evaluation.latencyMs)}`,
        detail: `End-to-end latency of one input: compute on each tier in turn plus every transfer.${boundNote}`,
      },
      committed?.latencyMs,
      formatMs,
    ),
  );
  rows.push(
    withDelta(
      {
        key: 'throughput',
        label: 'Throughput',
        value: evaluation.throughputPerS,
        text: `${bounded ? '≤ ' : ''}${formatRate(evaluation.throughputPerS)}`,
        detail: `A pipelined stream: one input per ${formatMs(evaluation.periodMs)}, the busiest tier or link.${boundNote}`,
      },
      committed?.throughputPerS,
      formatRate,
      true,
    ),
  );
  rows.push(
    withDelta(
      {
        key: 'energy',
        label: 'Device energy',
        value: evaluation.deviceEnergyMj,
        text: `${bounded ? '≥ ' : ''}${formatMj(evaluation.deviceEnergyMj)}`,
        detail: `Device energy per inference: active power while computing, idle while waiting, radio energy.${boundNote}`,
      },
      committed?.deviceEnergyMj,
      formatMj,
    ),
  );
  evaluation.hops.forEach((hop, h) => {
    const between = `${tierTitleOf(tiers[h]!)} ↔ ${tierTitleOf(tiers[h + 1]!)}`;
    const bytes = hop.upBytes + hop.downBytes;
    rows.push(
      withDelta(
        {
          key: `hop-${h}`,
          label: between,
          value: bytes,
          text: bytes === 0 ? 'nothing crosses' : `${formatBytes(bytes)} · ${formatMs(hop.latencyMs)}`,
          detail: `${formatBytes(hop.upBytes)} up, ${formatBytes(hop.downBytes)} down per inference; the transfers add ${formatMs(hop.latencyMs)}.`,
        },
        committed ? committed.hops[h]!.upBytes + committed.hops[h]!.downBytes : undefined,
        formatBytes,
      ),
    );
  });
  evaluation.memory.forEach((memory, t) => {
    const over = memory.totalBytes > memory.capacityBytes;
    const capacity = Number.isFinite(memory.capacityBytes) ? formatBytes(memory.capacityBytes) : 'unknown';
    rows.push({
      key: `memory-${tiers[t]!}`,
      label: `${tierTitleOf(tiers[t]!)} memory`,
      value: memory.totalBytes,
      text: `${formatBytes(memory.totalBytes)} / ${capacity}`,
      detail: `Weights ${formatBytes(memory.weightBytes)} + peak activations ${formatBytes(memory.peakActivationBytes)}, against ${capacity}${over ? ': over capacity' : ''}.`,
      flagged: over,
    });
  });
  rows.push({
    key: 'raw-input',
    label: 'Raw input',
    value: evaluation.rawInputLeavesDevice ? 1 : 0,
    text: evaluation.rawInputLeavesDevice ? 'leaves the device' : 'stays on the device',
    detail: evaluation.rawInputLeavesDevice
      ? 'A graph input is sent off the device as it is.'
      : 'No graph input leaves the device.',
    flagged: evaluation.rawInputLeavesDevice,
  });
  const depth = evaluation.deviceLayersBeforeLeaving;
  rows.push({
    key: 'device-first',
    // Not "layers above the cut": a grip counts the layers above its own line, while this is the
    // shortest path any tensor takes before it leaves, so the two differ on branching models.
    label: 'Shallowest path on device',
    value: depth ?? -1,
    text: depth === null ? 'all (nothing leaves)' : `${depth} ${depth === 1 ? 'layer' : 'layers'}`,
    detail:
      depth === null
        ? 'Nothing leaves the device.'
        : `The shallowest data that leaves the device has gone through ${depth} layers (deeper is harder to invert).`,
  });
  return rows;
}
