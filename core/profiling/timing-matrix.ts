/**
 * The sparse matrix collaborative filtering completes (`core/predict/collaborative.ts`): one row per
 * device or runtime configuration, one column per layer kind, each cell a median kernel time.
 */
import type { MatrixEntry } from '../predict/collaborative.js';
import { layerKind } from './layer-kind.js';
import type { OrtProfile } from './ort-profile.js';
import { median } from './stats.js';

export interface TimingMatrix {
  readonly rowLabels: readonly string[];
  /** Layer kinds (see `layerKind`), in order of first appearance. */
  readonly colLabels: readonly string[];
  /** Cells with a measured time above zero; a kind timed several times on one row takes the median. */
  readonly entries: readonly MatrixEntry[];
}

export function timingMatrix(
  rows: readonly { readonly label: string; readonly profiles: readonly OrtProfile[] }[],
): TimingMatrix {
  const cols = new Map<string, number>();
  const entries: MatrixEntry[] = [];
  rows.forEach(({ profiles }, row) => {
    const times = new Map<number, number[]>();
    for (const { analysis, measurement } of profiles) {
      for (const node of measurement.nodes) {
        if (node.medianMs === null || node.medianMs <= 0) continue;
        const kind = layerKind(analysis, node.index);
        let col = cols.get(kind);
        if (col === undefined) cols.set(kind, (col = cols.size));
        times.set(col, [...(times.get(col) ?? []), node.medianMs]);
      }
    }
    for (const [col, values] of times) entries.push({ row, col, value: median(values) });
  });
  return { rowLabels: rows.map((r) => r.label), colLabels: [...cols.keys()], entries };
}
