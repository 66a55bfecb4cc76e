/**
 * "Save figures for Model Explorer…": the host's `figures` job writes the committed design's
 * figures (costs, predicted times per tier, each layer's tier and time there) as Model Explorer
 * node-data files, the same files `cutline figures` writes, beside the bundle's folder unless
 * the user picks another (Electron). Free of DOM globals, so it runs in unit tests.
 */
import type { FiguresResult, StudioError } from '../../shared/studio-api.js';
import { hostHasNativeDialogs } from '../api/studio-api.js';
import { useStudio } from '../store/store.js';
import { chooseExportFolder } from './export-actions.js';
import { runHostJob } from './run-jobs.js';

export type FiguresOutcome =
  | { readonly ok: true; readonly outDir: string; readonly result: FiguresResult }
  | { readonly ok: false; readonly error: StudioError };

/** Where the figures go by default: a sibling of the bundle's folder, so an export never replaces them. */
export const figuresDirOf = (bundleDir: string): string =>
  `${bundleDir.trim().replace(/[/\\]+$/, '')}-model-explorer`;

/**
 * Writes the figures to `figuresDirOf(bundleDir)`, or where the user picks in Electron's folder
 * picker; null when the picker was dismissed.
 */
export async function saveModelExplorerFigures(bundleDir: string): Promise<FiguresOutcome | null> {
  const { opened, design } = useStudio.getState();
  if (!opened || !design)
    return { ok: false, error: { code: 'BAD_REQUEST', message: 'Open a model first.' } };
  if (bundleDir.trim() === '')
    return {
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'Say which folder to write the figures beside.' },
    };
  let outDir = figuresDirOf(bundleDir);
  if (hostHasNativeDialogs()) {
    const chosen = await chooseExportFolder(outDir);
    if (chosen === null) return null;
    if ('error' in chosen) return { ok: false, error: chosen.error };
    outDir = chosen.path;
  }
  const { topology, placement, pins, inputs, objective } = design;
  const outcome = await runHostJob(opened.sessionId, {
    kind: 'figures',
    args: { topology, placement, pins, inputs, objective, outDir },
  });
  return outcome.ok ? { ok: true, outDir, result: outcome.value } : { ok: false, error: outcome.error };
}
