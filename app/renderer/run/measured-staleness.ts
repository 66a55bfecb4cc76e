/**
 * Measured figures belong to the design the bundle was exported from. Once the canvas's
 * placement or topology is no longer that design, the per-layer shares describe the old split
 * under the new lanes (a layer moved to the edge would show what the device measured), so the
 * heat goes back to the predicted time and a notice says why, rather than keeping numbers that
 * answer a question the canvas no longer asks.
 */
import type { ExportArgs } from '../../shared/studio-api.js';
import { sameInputs } from '../design/diff.js';
import type { Store } from '../store/store-types.js';
import { selectHarnessRun } from './run-slice.js';

/** `inputs`: the bindings it was exported with (a run recorded before they were kept has none). */
type ExportedDesign = Pick<ExportArgs, 'topology' | 'placement'> & {
  readonly inputs?: ExportArgs['inputs'];
};

export const STALE_MEASURED_NOTICE =
  'Measured figures were of the exported design; the canvas has changed since, so the heat is back ' +
  'to the predicted time. Export and run again to measure this design.';

/**
 * Whether the canvas shows another design than `exported` (the Run tab's "earlier design" test).
 * Every edit replaces the placement or topology object, so identity is the cheap, exact test.
 * Other input sizes make it another design too: the bundle runs the shapes it was exported with
 * (its manifest's bindings), the canvas's figures are of the new ones.
 */
export function isEarlierDesign(canvas: ExportedDesign | null, exported: ExportedDesign): boolean {
  return (
    canvas !== null &&
    (canvas.placement !== exported.placement ||
      canvas.topology !== exported.topology ||
      (exported.inputs !== undefined && !sameInputs(canvas.inputs ?? {}, exported.inputs)))
  );
}

/** Whether the last run's measured figures are of a design the canvas no longer shows. */
export function measuredIsStale(state: Store): boolean {
  const run = selectHarnessRun(state);
  return run !== null && isEarlierDesign(state.design, run.design);
}
