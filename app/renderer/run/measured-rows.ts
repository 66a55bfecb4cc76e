/**
 * The calibration's layers as rows of the measured-against-predicted table, and the look-up of
 * one layer for its details panel. The error is signed (predicted slower than measured is +);
 * the table's default order is the largest |error| first, the layers the profile misses most.
 */
import type { ProfileResult } from '../../shared/studio-api.js';

export interface MeasuredRow {
  readonly name: string;
  readonly opType: string;
  readonly measuredMs: number;
  readonly predictedMs: number;
  /** (predicted − measured) / measured, %; null when measured as 0 or fused (no relative error). */
  readonly errorPct: number | null;
  /** Kernel-level: the layer whose kernel runs this one's work; it has no times of its own. */
  readonly fusedInto?: string;
}

export function measuredRows(result: ProfileResult): MeasuredRow[] {
  return result.layers.map((layer) => ({
    ...layer,
    errorPct:
      layer.measuredMs > 0 && layer.fusedInto === undefined
        ? (100 * (layer.predictedMs - layer.measuredMs)) / layer.measuredMs
        : null,
  }));
}

/** The calibration's row for the layer named `layerId`, or null when it was not measured. */
export function measuredLayer(result: ProfileResult, layerId: string): MeasuredRow | null {
  const layer = result.layers.find((l) => l.name === layerId);
  return layer ? (measuredRows({ ...result, layers: [layer] })[0] ?? null) : null;
}

/** The calibration's date as the studio shows it: the day, e.g. 2026-12-07. */
export function calibrationDay(result: ProfileResult): string | null {
  return result.measuredAt ? result.measuredAt.slice(0, 10) : null;
}
