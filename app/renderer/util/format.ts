/**
 * Number formatting for the studio: app/shared/format.ts, which the CLI uses too, so a figure
 * reads the same in the terminal and on a node badge.
 */
import type { Shape } from '../../../core/graph/types.js';
import { formatBytes, formatCount, formatShape } from '../../shared/format.js';
import type { MetricUnit } from '../overlay/overlay.js';

export { formatBytes, formatCount, formatShape };

/** A metric value in its unit; `~` marks an estimate, as in the CLI. */
export function formatMetric(value: number, unit: MetricUnit, exact = true): string {
  const text =
    unit === 'bytes'
      ? formatBytes(value)
      : unit === 'ms'
        ? formatMs(value)
        : unit === 'mJ'
          ? formatMj(value)
          : formatCount(value);
  return exact ? text : `~${text}`;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${(ms * 1000).toFixed(ms >= 0.1 ? 0 : 1)} µs`;
}

export function formatMj(mj: number): string {
  if (!Number.isFinite(mj)) return String(mj);
  if (mj >= 1000) return `${(mj / 1000).toFixed(2)} J`;
  if (mj >= 1) return `${mj.toFixed(2)} mJ`;
  return `${(mj * 1000).toFixed(mj >= 0.1 ? 0 : 1)} µJ`;
}

/** The shape of a node's first output, or `?` when it has none or is unknown. */
export function firstShape(outputs: readonly { readonly shape: Shape | null }[]): string {
  return formatShape(outputs[0]?.shape ?? null);
}
