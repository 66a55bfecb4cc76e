/** Text tables for the CLI. */
import { escapeControl } from '../../core/text/quote-name.js';

/** Left-aligned text columns, right-aligned numbers; `~` marks estimated figures. */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: readonly boolean[],
): string {
  // Cells may hold names from a model file: no control character reaches the terminal (callers
  // cut long names with plainName, which also escapes).
  const safeRows = rows.map((r) => r.map((c) => escapeControl(c)));
  const widths = headers.map((h, i) => Math.max(h.length, ...safeRows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...safeRows.map(line)].join('\n');
}
