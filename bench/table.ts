/** Plain-text tables for the benchmark report. */
import type { Column } from './section.js';

export function formatTable(
  columns: readonly Column[],
  rows: readonly Readonly<Record<string, string>>[],
): string {
  const cell = (row: Readonly<Record<string, string>>, key: string): string => row[key] ?? '-';
  const widths = columns.map((c) => Math.max(c.title.length, ...rows.map((r) => cell(r, c.key).length)));
  const line = (texts: readonly string[]): string =>
    texts
      .map((text, i) =>
        columns[i]?.align === 'left' ? text.padEnd(widths[i] ?? 0) : text.padStart(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((c) => c.title)),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map((r) => line(columns.map((c) => cell(r, c.key)))),
  ].join('\n');
}

const MIB = 1024 * 1024;

/** Bytes as MiB with one decimal ("553.4 MiB" without the unit: the column title carries it). */
export function mib(bytes: number): string {
  return (bytes / MIB).toFixed(1);
}

export function ms(milliseconds: number): string {
  return milliseconds < 100 ? milliseconds.toFixed(1) : milliseconds.toFixed(0);
}

/** A checked ratio with its verdict, e.g. "0.31 PASS". */
export function verdict(value: number, limit: number): string {
  return `${value.toFixed(2)} ${value <= limit ? 'PASS' : 'MISS'}`;
}
