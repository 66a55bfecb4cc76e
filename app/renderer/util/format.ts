/**
 * Number formatting for the studio: app/shared/format.ts, which the CLI uses too, so a figure
 * reads the same in the terminal and on a node badge.
 */
import type { Shape } from '../../../core/graph/types.js';
import { scaleName } from '../../../core/hierarchy/dim-scale.js';
import { formatBytes, formatCount, formatDiff, formatShape } from '../../shared/format.js';
import type { MetricUnit } from '../overlay/overlay.js';

export { formatBytes, formatCount, formatDiff, formatShape };

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

/** A node's shape fits its header at about this many characters; longer ones are abbreviated. */
export const SHAPE_MAX_CHARS = 22;
/** A symbolic dimension longer than this (`floor((height - 1) / 2) + 1`) shows its start only. */
const DIM_MAX_CHARS = 6;

/**
 * A shape short enough for a node's header: each long symbolic dimension named by its scale of
 * an input size when it is one (`H/16`), else cut to its start and `…`, then, if the whole is still too long, its trailing dimensions folded into one `…`
 * (the leading ones, batch and channels, say most). `formatShape` gives the whole.
 */
export function shortShape(shape: Shape | null, maxChars: number = SHAPE_MAX_CHARS): string {
  if (shape === null) return '?';
  const dims = shape.map((d) => {
    const text = d === null ? '?' : String(d);
    if (text.length <= DIM_MAX_CHARS) return text;
    // `floor((floor((H-1)/2))/2)+1` reads as what it is: a quarter of H.
    const scale = typeof d === 'string' ? scaleName(d) : null;
    if (scale !== null && scale.length <= DIM_MAX_CHARS) return scale;
    return `${text.slice(0, DIM_MAX_CHARS - 1)}…`;
  });
  const whole = `[${dims.join(', ')}]`;
  if (whole.length <= maxChars) return whole;
  for (let keep = dims.length - 1; keep >= 1; keep--) {
    const cut = `[${[...dims.slice(0, keep), '…'].join(', ')}]`;
    if (cut.length <= maxChars) return cut;
  }
  return `[${dims[0]}, …]`;
}

/** The shape of a node's first output, abbreviated (`shortShape`), or `?` when it has none or is unknown. */
export function firstShape(outputs: readonly { readonly shape: Shape | null }[]): string {
  return shortShape(outputs[0]?.shape ?? null);
}

/** The whole shape of a node's first output for its tooltip, or undefined when `firstShape` shows it all. */
export function firstShapeTitle(outputs: readonly { readonly shape: Shape | null }[]): string | undefined {
  const shape = outputs[0]?.shape ?? null;
  const whole = formatShape(shape);
  return whole === shortShape(shape) ? undefined : whole;
}

/** A link's bandwidth: `16 Mb/s`, `0.25 Mb/s`, `1000 Mb/s` (three significant digits at most). */
export function formatMbps(mbps: number): string {
  if (!Number.isFinite(mbps)) return String(mbps);
  return `${Number(mbps.toPrecision(3))} Mb/s`;
}

/** A round-trip time: `5 ms`, `0.5 ms`, `120 ms` (three significant digits at most). */
export function formatRttMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  return `${Number(ms.toPrecision(3))} ms`;
}
