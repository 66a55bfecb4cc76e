/**
 * The suggestion being previewed (a row hovered in the Suggestions or Cut points table, a point
 * of a chart): the placement set as the design's preview, what the figures bar calls it, and
 * which layers (and blocks holding them) would move, for the canvas to mark. It is shown only
 * while its placement is still the design's preview: a drag, an edit, undo or redo replace or
 * clear the preview, and the marks go with it without anyone clearing them here.
 */
import type { StateCreator } from 'zustand';
import type { TierName } from '../../../core/profiles/types.js';
import type { Store } from '../store/store-types.js';

export interface SuggestionPreview {
  /** The record set as the design's `preview` (pinned layers kept where they are). */
  readonly placement: Readonly<Record<string, TierName>>;
  readonly label: string;
  /** Layer id → the tier it would move to. */
  readonly moves: ReadonlyMap<string, TierName>;
  /** Block id → how many layers inside it (at any depth) would move. */
  readonly blockMoves: ReadonlyMap<string, number>;
}

export interface PreviewSlice {
  suggestionPreview: SuggestionPreview | null;
  setSuggestionPreview(preview: SuggestionPreview | null): void;
}

export const createPreviewSlice: StateCreator<Store, [], [], PreviewSlice> = (set, get) => ({
  suggestionPreview: null,
  setSuggestionPreview: (preview) => {
    if (get().suggestionPreview !== preview) set({ suggestionPreview: preview });
  },
});

/** The suggestion preview on screen, or null when the design's preview is something else. */
export const selectActiveSuggestionPreview = (s: Store): SuggestionPreview | null =>
  s.suggestionPreview !== null && s.preview === s.suggestionPreview.placement ? s.suggestionPreview : null;

/** Layer id → tier it would move to while a suggestion is previewed; null otherwise. */
export const selectPreviewMoves = (s: Store): ReadonlyMap<string, TierName> | null =>
  selectActiveSuggestionPreview(s)?.moves ?? null;

/** The tier a layer would move to under the previewed suggestion, or null. */
export const selectPreviewMoveOf = (s: Store, id: string): TierName | null =>
  selectActiveSuggestionPreview(s)?.moves.get(id) ?? null;

/** How many layers inside a block would move under the previewed suggestion (0: none). */
export const selectPreviewBlockMoves = (s: Store, id: string): number =>
  selectActiveSuggestionPreview(s)?.blockMoves.get(id) ?? 0;

/** What the figures bar calls the preview on screen: the suggestion's label, else null (a drag). */
export const selectPreviewLabel = (s: Store): string | null =>
  selectActiveSuggestionPreview(s)?.label ?? null;
