/**
 * Previewing and applying a suggested placement: the Suggestions and Cut points tables and the
 * Pareto and bandwidth charts all go through these. A preview sets the design's `preview` (the
 * figures bar shows its figures and the difference from the design) and marks the layers that
 * would move on the canvas; applying records one undoable step.
 */
import type { TierName } from '../../../core/profiles/types.js';
import { selectCostedSource } from '../design/costed-source.js';
import { designProblem } from '../design/figures.js';
import type { MoveOutcome } from '../store/design-types.js';
import { useStudio } from '../store/store.js';
import { cachedSingleCutRecord } from '../suggest/cut-placement.js';
import { suggestionPreviewOf } from '../suggest/preview-moves.js';

/**
 * Shows `placement` (layer id → tier, off-device layers only) as a preview: the figures show it
 * with the difference from the design and the canvas marks the layers that would move. `label`
 * names it in the figures bar ("min-cut suggestion"). null clears a suggestion's preview (a drag's
 * preview is left alone).
 */
export function previewSuggestion(
  placement: Readonly<Record<string, TierName>> | null,
  label = 'suggestion',
): void {
  const state = useStudio.getState();
  const { design, index, suggestionPreview } = state;
  if (placement === null || !design) {
    if (suggestionPreview !== null) {
      if (state.preview === suggestionPreview.placement) state.setPreview(null);
      state.setSuggestionPreview(null);
    }
    return;
  }
  const next = suggestionPreviewOf(design, index, placement, label);
  // The same suggestion hovered again keeps its marks object, so nodes do not re-render.
  const same =
    suggestionPreview !== null &&
    suggestionPreview.placement === next.placement &&
    suggestionPreview.label === label;
  if (!same) state.setSuggestionPreview(next);
  state.setPreview(same ? suggestionPreview.placement : next.placement);
}

/**
 * Applies `placement` to the design as one undoable step named `label` ("Apply min-cut
 * suggestion"); pinned layers stay (reported in `refused`). Clears the preview.
 */
export function applySuggestion(placement: Readonly<Record<string, TierName>>, label: string): MoveOutcome {
  const state = useStudio.getState();
  const outcome = state.applyPlacement(placement, label);
  state.setSuggestionPreview(null);
  if (useStudio.getState().preview !== null) useStudio.getState().setPreview(null);
  return outcome;
}

/**
 * The placement of a single cut on the open design: the first `deviceLayers` layers (the design
 * problem's unit order, as the cut-points job and the sweep count them) on the device, the rest
 * on tier `serverTier` (an index into the design's topology). Empty when no design is open.
 * The same cut gives the same object each time (hovering it again re-evaluates nothing).
 */
export function cutPointPlacement(
  deviceLayers: number,
  serverTier: number,
): Readonly<Record<string, TierName>> {
  const state = useStudio.getState();
  const source = selectCostedSource(state);
  if (!source || !state.design) return {};
  return cachedSingleCutRecord(
    designProblem(source, state.design.topology).problem,
    deviceLayers,
    serverTier,
  );
}
