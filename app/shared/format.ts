/** Number, byte and shape formatting shared by the CLI and the studio, so a figure reads the same in both. */
import type { Shape } from '../../core/graph/types.js';

const UNITS = ['', 'K', 'M', 'G', 'T', 'P'];

/** 1234567 → "1.23 M"; exact integers below 1000 stay as they are. */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  let v = value;
  let unit = 0;
  while (Math.abs(v) >= 1000 && unit < UNITS.length - 1) {
    v /= 1000;
    unit++;
  }
  return unit === 0 ? String(Math.round(v)) : `${v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${UNITS[unit]}`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let unit = 0;
  while (v >= 1024 && unit < units.length - 1) {
    v /= 1024;
    unit++;
  }
  return unit === 0 ? `${v} B` : `${v.toFixed(v >= 100 ? 0 : 1)} ${units[unit]}`;
}

export function formatShape(shape: Shape | null): string {
  if (shape === null) return '?';
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

/** A largest |split − whole| difference: "0" when the outputs are equal, else in exponent form. */
export const formatDiff = (value: number): string => (value === 0 ? '0' : value.toExponential(1));
