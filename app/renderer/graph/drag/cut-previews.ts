/**
 * A cut line's drag, one position ahead: once the preview for the line's position is shown, the
 * next position in the direction it is moving is worked out with its figures in idle time, so
 * the frame where the line reaches it only swaps the preview instead of re-evaluating every unit.
 */
import { warmPreviewFigures } from '../../design/figures.js';
import { useStudio } from '../../store/store.js';
import { moveCutTo, type CutModel, type CutMove } from './cut-model.js';
import { whenIdle } from './idle.js';

/** Moves kept: each holds a placement record of up to every layer. */
const KEPT = 4;

export interface CutPreviews {
  /** What moving the line to `position` gives (the same object for a position asked again). */
  moveFor(position: number): CutMove;
  /** Works out, when idle, the position after `position` going `step` (+1 down, -1 up). */
  warmNext(position: number, step: number): void;
  stop(): void;
}

export function startCutPreviews(model: CutModel, h: number): CutPreviews {
  const kept = new Map<number, CutMove>();
  let cancel: (() => void) | null = null;

  const moveFor = (position: number): CutMove => {
    const known = kept.get(position);
    if (known) return known;
    const move = moveCutTo(model, h, position);
    kept.set(position, move);
    // Oldest first in a Map: drop it past the limit.
    if (kept.size > KEPT) kept.delete(kept.keys().next().value!);
    return move;
  };

  return {
    moveFor,
    warmNext: (position, step) => {
      cancel?.();
      const next = position + Math.sign(step);
      if (step === 0 || next < 0 || next > model.units.length) return;
      cancel = whenIdle(() => {
        cancel = null;
        const move = moveFor(next);
        const state = useStudio.getState();
        if (state.design === model.design && move.record !== model.design.placement)
          warmPreviewFigures(state, move.record);
      });
    },
    stop: () => {
      cancel?.();
      cancel = null;
      kept.clear();
    },
  };
}
