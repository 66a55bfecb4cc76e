/**
 * The keyboard's design edits: 1/2/3 (or D/E/C) send the selection to Device/Edge/Cloud, P pins
 * or unpins it, Ctrl+Z undoes, Ctrl+Shift+Z and Ctrl+Y redo, Ctrl+A selects every layer on
 * screen, ? lists the shortcuts. The caller has already left text fields alone.
 */
import { hostHasNativeDialogs } from '../api/studio-api.js';
import type { TierName } from '../../../core/profiles/types.js';
import { useStudio } from '../store/store.js';
import { selectAllVisible, sendSelectionTo, tierOfKey, togglePinSelection } from './place-selection.js';

const TIER_LETTERS: Readonly<Record<string, TierName>> = { d: 'device', e: 'edge', c: 'cloud' };

/** What the handler reads of a key press (a DOM KeyboardEvent has all of it). */
export interface KeyPress {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  readonly shiftKey: boolean;
}

/** Handles a design key; returns whether it was one. */
export function handleDesignKey(event: KeyPress): boolean {
  const key = event.key.toLowerCase();
  if (event.ctrlKey || event.metaKey) {
    if (event.altKey) return false;
    // In Electron the Edit menu's accelerators send 'undo' and 'redo'; handling them here too
    // would undo twice.
    if ((key === 'z' || key === 'y') && !hostHasNativeDialogs()) {
      if (key === 'y' || event.shiftKey) useStudio.getState().redo();
      else useStudio.getState().undo();
      return true;
    }
    if (key === 'a' && !event.shiftKey) {
      selectAllVisible();
      return true;
    }
    return false;
  }
  if (event.altKey) return false;
  if (event.key === '?') {
    useStudio.getState().showShortcuts(true);
    return true;
  }
  const tier = tierOfKey(Number(event.key)) ?? TIER_LETTERS[key];
  if (tier) {
    sendSelectionTo(tier);
    return true;
  }
  if (key === 'p') {
    togglePinSelection();
    return true;
  }
  return false;
}
