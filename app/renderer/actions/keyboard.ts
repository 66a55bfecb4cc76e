/**
 * The studio's keyboard: / search, Ctrl+O open, F fit, arrows walk the graph along its edges,
 * Enter expands a block (or collapses the block around a layer), Escape clears the selection;
 * the design's keys (place, pin, undo, select all, ?) are in design-keys.ts.
 */
import type { ReactFlowInstance } from '@xyflow/react';
import { firstChild } from '../model/model-index.js';
import { ARROW_MOVES, firstNode, neighbour, type Move } from '../graph/navigation.js';
import { fitGraph } from '../graph/viewport.js';
import { SEARCH_INPUT_ID } from '../panels/SearchBox.js';
import { selectCurrentGraph } from '../store/selectors.js';
import { useStudio } from '../store/store.js';
import { hostHasNativeDialogs } from '../api/studio-api.js';
import { handleDesignKey } from './design-keys.js';
import { openModelDialog } from './open-model.js';
import { openProjectDialog } from './open-project.js';
import { saveProject } from './save-project.js';

// The graph flows top to bottom: navigation.ts maps the arrows as it is drawn.
const ARROWS: Readonly<Record<string, Move>> = ARROW_MOVES;

const isTyping = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName));

// The dock has its own keys (a results table's arrows, Enter and Space apply or move between
// rows; the arrows move between its tabs): the graph's keys would also walk, expand or place the
// canvas selection behind it. Escape there folds the dock, as its fold button says.
const inDock = (target: EventTarget | null, part: string): boolean =>
  target instanceof Element && target.closest(part) !== null;

function foldDock(): void {
  const open = useStudio.getState().dockTab;
  useStudio.getState().closeDock();
  if (open !== null) document.getElementById(`dock-tab-${open}`)?.focus();
}

function walk(move: Move): void {
  const state = useStudio.getState();
  const graph = selectCurrentGraph(state);
  if (!graph) return;
  const next = state.selected === null ? firstNode(graph) : neighbour(graph, state.selected, move);
  if (next !== null) state.reveal(next, 'keep-in-view');
}

function enter(): void {
  const state = useStudio.getState();
  const { selected, index } = state;
  if (selected === null || !index) return;
  if (index.blocks.has(selected) && !state.expanded.has(selected)) {
    state.toggleBlock(selected);
    const child = firstChild(index, selected);
    if (child !== null) state.reveal(child);
    return;
  }
  const parent = index.layers.get(selected)?.block ?? index.blocks.get(selected)?.parent ?? null;
  // Collapsing the block around the selection moves the selection onto the block.
  if (parent !== null) state.toggleBlock(parent);
}

/** Handles a key pressed anywhere in the window; returns whether it was the studio's. */
export function handleStudioKey(event: KeyboardEvent, flow: ReactFlowInstance): boolean {
  // While a recovered design is on offer (a modal choice), no key edits or opens anything else.
  if (useStudio.getState().recovered !== null) return false;
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'o') {
    // Ctrl+Shift+O opens a project, Ctrl+O a model.
    if (event.shiftKey) openProjectDialog();
    else openModelDialog();
    return true;
  }
  // In Electron the menu's accelerator saves; in a browser the page does.
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's' && !hostHasNativeDialogs()) {
    void saveProject(event.shiftKey);
    return true;
  }
  // Ctrl+E opens the Export tab (in a browser it would focus the address bar's search).
  if ((event.ctrlKey || event.metaKey) && !event.shiftKey && event.key.toLowerCase() === 'e') {
    if (useStudio.getState().opened === null) return false;
    useStudio.getState().openDock('export');
    return true;
  }
  if (event.key === 'Escape' && !isTyping(event.target) && inDock(event.target, '.dock')) {
    foldDock();
    return true;
  }
  if (inDock(event.target, '.dock') && !event.ctrlKey && !event.metaKey) return false;
  if (!isTyping(event.target) && handleDesignKey(event)) return true;
  if (event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return false;
  // Enter on a button presses the button, not the graph's selection.
  if (event.key === 'Enter' && event.target instanceof HTMLButtonElement) return false;
  const move = ARROWS[event.key];
  if (move) {
    walk(move);
    return true;
  }
  switch (event.key) {
    case '/':
      document.getElementById(SEARCH_INPUT_ID)?.focus();
      return true;
    case 'f':
    case 'F':
      fitGraph(flow, selectCurrentGraph(useStudio.getState()), 200);
      return true;
    case '+':
    case '=':
      void flow.zoomIn({ duration: 150 });
      return true;
    case '-':
      void flow.zoomOut({ duration: 150 });
      return true;
    case 'Enter':
      enter();
      return true;
    case 'Escape':
      useStudio.getState().select(null);
      return true;
    default:
      return false;
  }
}
