/**
 * When to autosave, as a pure function of the design's revisions: a write waits until the design
 * has stayed unchanged for `AUTOSAVE_DELAY_MS` while dirty (each change restarts the wait), and
 * the host's copy is cleared once the design is clean again (saved, discarded, or replaced by
 * another model the user chose to open). While a recovered design is being offered, nothing is
 * written, so an edit made before answering cannot overwrite what is offered.
 */

export const AUTOSAVE_DELAY_MS = 1000;
/**
 * The longest a dirty design waits for a pause: edits that keep coming less than a second apart
 * (a slider, a burst of keys) are written at least this often, so a crash loses no more.
 */
export const AUTOSAVE_MAX_WAIT_MS = 5000;

export interface AutosaveState {
  /** The revision a started timer will write; null when no timer runs. */
  readonly scheduled: number | null;
  /** Whether the host holds an autosaved design from this window. */
  readonly hostHolds: boolean;
  /** When (ms) the oldest change not yet written was made; null when everything is written. */
  readonly pendingSince?: number | null;
}

export const AUTOSAVE_IDLE: AutosaveState = { scheduled: null, hostHolds: false, pendingSince: null };

export interface DesignRevision {
  readonly revision: number;
  readonly dirty: boolean;
  /** A recovered design is being offered: write nothing yet. */
  readonly held: boolean;
  /** The time of the change, ms; without it a write waits for a pause however long. */
  readonly at?: number;
}

/**
 * - `schedule`: (re)start the timer for `state.scheduled`;
 * - `clear`: stop any timer and tell the host there is no unsaved design;
 * - `write`: autosave the design as it stands now;
 * - `none`.
 */
export type AutosaveAction = 'schedule' | 'clear' | 'write' | 'none';

export interface AutosaveStep {
  readonly state: AutosaveState;
  readonly action: AutosaveAction;
}

/** The design changed (or became held, or was released). */
export function onDesignChanged(state: AutosaveState, now: DesignRevision): AutosaveStep {
  if (!now.dirty) {
    return state.hostHolds || state.scheduled !== null
      ? { state: AUTOSAVE_IDLE, action: 'clear' }
      : { state, action: 'none' };
  }
  if (now.held || state.scheduled === now.revision) return { state, action: 'none' };
  const since = state.pendingSince ?? now.at ?? null;
  if (since !== null && now.at !== undefined && now.at - since >= AUTOSAVE_MAX_WAIT_MS) {
    return { state: { scheduled: null, hostHolds: true, pendingSince: null }, action: 'write' };
  }
  return { state: { ...state, scheduled: now.revision, pendingSince: since }, action: 'schedule' };
}

/** The timer fired: write only if nothing changed since it was started. */
export function onTimerFired(state: AutosaveState, now: DesignRevision): AutosaveStep {
  if (state.scheduled === null || state.scheduled !== now.revision || !now.dirty || now.held) {
    return { state: { ...state, scheduled: null }, action: 'none' };
  }
  return { state: { scheduled: null, hostHolds: true, pendingSince: null }, action: 'write' };
}
