import { memo, useEffect, useRef, type KeyboardEvent } from 'react';
import { useStudio, type Store } from '../store/store.js';
import './shortcuts-dialog.css';

interface Shortcut {
  /** Keys, or for a pointer gesture (`pointer`) what to do with the mouse. */
  readonly keys: readonly string[];
  readonly does: string;
  readonly pointer?: boolean;
}

/** Every shortcut the studio has, as keyboard.ts and design-keys.ts handle them. */
export const SHORTCUTS: readonly { readonly title: string; readonly items: readonly Shortcut[] }[] = [
  {
    title: 'Files',
    items: [
      { keys: ['Ctrl+O'], does: 'Open a model' },
      { keys: ['Ctrl+Shift+O'], does: 'Open a project' },
      { keys: ['Ctrl+S'], does: 'Save the project' },
      { keys: ['Ctrl+Shift+S'], does: 'Save the project as…' },
      { keys: ['Ctrl+E'], does: 'Export the design as a bundle (the Export tab)' },
    ],
  },
  {
    title: 'Placing layers',
    items: [
      { keys: ['1', 'D'], does: 'Send the selection to the Device' },
      { keys: ['2', 'E'], does: 'Send the selection to the Edge' },
      { keys: ['3', 'C'], does: 'Send the selection to the Cloud' },
      { keys: ['P'], does: 'Pin the selection to its tier, or unpin it' },
      {
        keys: ['Drag a layer or block'],
        does: 'Move it (and the selection with it) into another lane',
        pointer: true,
      },
      {
        keys: ['Drag a cut line'],
        does: 'Move the boundary between two tiers along the data flow',
        pointer: true,
      },
      { keys: ['↑', '↓'], does: 'On a focused cut line: move it by one layer' },
      { keys: ['Home', 'End'], does: 'On a focused cut line: move it to the top or the bottom' },
      { keys: ['Esc'], does: 'Cancel a drag in progress' },
      { keys: ['Ctrl+Z'], does: 'Undo' },
      { keys: ['Ctrl+Shift+Z', 'Ctrl+Y'], does: 'Redo' },
    ],
  },
  {
    title: 'Selecting',
    items: [
      { keys: ['Click'], does: 'Select a layer or block', pointer: true },
      { keys: ['Shift+click'], does: 'Add it to the selection, or take it out', pointer: true },
      { keys: ['Shift+drag'], does: 'Select the layers inside a box', pointer: true },
      { keys: ['Ctrl+A'], does: 'Select every layer on screen' },
      { keys: ['Esc'], does: 'Clear the selection' },
    ],
  },
  {
    title: 'Moving around',
    items: [
      { keys: ['/'], does: 'Search layers' },
      { keys: ['↑', '↓', '←', '→'], does: 'Walk the graph along its edges' },
      { keys: ['Enter'], does: 'Expand a block, or collapse the block around a layer' },
      { keys: ['F'], does: 'Fit the graph' },
      { keys: ['+', '−'], does: 'Zoom in, zoom out' },
      { keys: ['Wheel'], pointer: true, does: 'Scroll along the graph' },
      { keys: ['Ctrl+wheel'], pointer: true, does: 'Zoom' },
      { keys: ['?'], does: 'Show these shortcuts' },
    ],
  },
];

const selectOpen = (s: Store): boolean => s.shortcutsOpen;
const close = (): void => useStudio.getState().showShortcuts(false);

/** "Keyboard shortcuts": a modal list of every shortcut; ? opens it, Escape or Close closes it. */
export const ShortcutsDialog = memo(function ShortcutsDialog() {
  const open = useStudio(selectOpen);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    else if (!open && element.open) element.close();
  }, [open]);
  // Keys pressed in the dialog stay in it: the graph's shortcuts must not act behind it.
  const onKeyDown = (event: KeyboardEvent<HTMLDialogElement>): void => {
    event.stopPropagation();
    if (event.key === 'Escape') {
      event.preventDefault();
      close();
    }
  };
  return (
    <dialog
      ref={dialog}
      className="shortcuts-dialog"
      aria-labelledby="shortcuts-title"
      onKeyDown={onKeyDown}
      onCancel={(event) => {
        event.preventDefault();
        close();
      }}
    >
      <header className="shortcuts-head">
        <h2 id="shortcuts-title">Keyboard shortcuts</h2>
        <button type="button" onClick={close} autoFocus>
          Close
        </button>
      </header>
      {open && (
        <div className="shortcuts-groups">
          {SHORTCUTS.map((group) => (
            <section key={group.title} aria-label={group.title}>
              <h3>{group.title}</h3>
              <dl>
                {group.items.map((item) => (
                  <div key={item.does} className="shortcut">
                    <dt>
                      {item.keys.map((key, i) => (
                        <span key={key}>
                          {i > 0 && ' or '}
                          {item.pointer ? <span className="gesture">{key}</span> : <kbd>{key}</kbd>}
                        </span>
                      ))}
                    </dt>
                    <dd>{item.does}</dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>
      )}
    </dialog>
  );
});
