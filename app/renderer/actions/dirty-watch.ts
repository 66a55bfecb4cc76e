/**
 * Unsaved work, for the life of the window: the title's dirty marker, the host told (Electron
 * asks before closing), the browser's leave-page warning, and autosave (see autosave.ts).
 */
import type { StudioApi, Unsubscribe } from '../../shared/studio-api.js';
import { hostHasNativeDialogs } from '../api/studio-api.js';
import { selectDirty } from '../store/design-slice.js';
import { useStudio, type Store } from '../store/store.js';
import {
  AUTOSAVE_DELAY_MS,
  AUTOSAVE_IDLE,
  onDesignChanged,
  onTimerFired,
  type AutosaveState,
  type AutosaveStep,
  type DesignRevision,
} from './autosave.js';
import { buildProject } from './project-file.js';

/** The window title: the model, a dot while the design has unsaved edits. */
export function windowTitle(state: Store): string {
  const name = state.opened?.fileName;
  if (!name) return 'Cutline';
  return `${selectDirty(state) ? '• ' : ''}${name} — Cutline`;
}

const revisionOf = (state: Store): DesignRevision => ({
  revision: state.revision,
  dirty: selectDirty(state),
  held: state.recovered !== null,
  at: Date.now(),
});

export function startDirtyWatch(api: StudioApi): Unsubscribe {
  let autosave: AutosaveState = AUTOSAVE_IDLE;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let toldDirty = false;

  const write = (): void => {
    const state = useStudio.getState();
    const { opened, design } = state;
    if (!opened || !design) return;
    const project = buildProject({ ...state, opened, design });
    void api
      .autosave({ project, projectPath: state.projectPath, savedAt: new Date().toISOString() })
      .catch(() => undefined);
  };

  const perform = (step: AutosaveStep): void => {
    autosave = step.state;
    if (step.action === 'schedule') {
      clearTimeout(timer);
      timer = setTimeout(
        () => perform(onTimerFired(autosave, revisionOf(useStudio.getState()))),
        AUTOSAVE_DELAY_MS,
      );
    } else if (step.action === 'clear') {
      clearTimeout(timer);
      // A failed clear only means an old design may be offered once more: nothing to tell the user.
      void api.autosave(null).catch(() => undefined);
    } else if (step.action === 'write') write();
  };

  const update = (state: Store, previous: Store | null): void => {
    const title = windowTitle(state);
    if (document.title !== title) document.title = title;
    const dirty = selectDirty(state);
    if (dirty !== toldDirty) {
      toldDirty = dirty;
      void api.setDirty(dirty).catch(() => undefined);
    }
    if (
      previous === null ||
      state.revision !== previous.revision ||
      state.savedRevision !== previous.savedRevision ||
      state.design !== previous.design ||
      state.recovered !== previous.recovered
    ) {
      perform(onDesignChanged(autosave, revisionOf(state)));
    }
  };

  const onBeforeUnload = (event: BeforeUnloadEvent): void => {
    // Electron asks on close itself (setDirty); a browser shows its own leave-page question.
    if (hostHasNativeDialogs() || !selectDirty(useStudio.getState())) return;
    event.preventDefault();
    event.returnValue = '';
  };
  window.addEventListener('beforeunload', onBeforeUnload);
  update(useStudio.getState(), null);
  const unsubscribe = useStudio.subscribe((state, previous) => update(state, previous));
  return () => {
    unsubscribe();
    clearTimeout(timer);
    window.removeEventListener('beforeunload', onBeforeUnload);
  };
}

/**
 * Asks before work is dropped: true when there is nothing unsaved or the user agrees to discard
 * it. A browser's confirm has only OK and Cancel, so the question says what each does:
 * `action` is what OK goes on to do (`open <what>` unless said otherwise).
 */
export function confirmDiscard(opening: string, action = `open ${opening}`): boolean {
  const state = useStudio.getState();
  if (!selectDirty(state)) return true;
  const name = state.opened?.fileName ?? 'the model';
  return window.confirm(
    `The design of ${name} has unsaved changes.\n\nOK: discard them and ${action}.\nCancel: keep working (save first with Ctrl+S).`,
  );
}
