/** What the user looks at: expanded blocks, selection, search, theme and the heat metric. */
import type { StateCreator } from 'zustand';
import type { ModelView } from '../../../core/view/types.js';
import { ancestorBlocks } from '../model/model-index.js';
import { gatheredInto, many, only, toggled } from '../graph/drag/selection.js';
import { initialExpansion } from '../../../core/hierarchy/expansion.js';
import { DEFAULT_METRIC } from '../overlay/static-costs.js';
import { loadThemeChoice, saveThemeChoice, type ThemeChoice } from '../theme/theme-choice.js';
import type { Store } from './store-types.js';

export interface FocusRequest {
  readonly id: string;
  /** Distinguishes two requests for the same node (search twice, pan twice). */
  readonly nonce: number;
  /** Centre the node (a search hit), or pan only if it is off screen (stepping with arrows). */
  readonly mode: 'centre' | 'keep-in-view';
}

export interface ViewSlice {
  expanded: ReadonlySet<string>;
  /** A layer or block id: the one the details panel shows (the last picked of `selection`). */
  selected: string | null;
  /** Every selected layer or block id (shift-click, a selection box, Ctrl+A); holds `selected`. */
  selection: readonly string[];
  /** Whether the keyboard shortcuts dialog is open. */
  shortcutsOpen: boolean;
  searchQuery: string;
  /** A node the canvas should pan to once it is laid out. */
  focusRequest: FocusRequest | null;
  theme: ThemeChoice;
  metric: string;
  toggleBlock(blockId: string): void;
  setExpanded(expanded: ReadonlySet<string>): void;
  /** Selects just `id` (null: nothing). */
  select(id: string | null): void;
  /** Shift-click: adds `id` to the selection or takes it out. */
  toggleInSelection(id: string): void;
  /** Selects exactly `ids` (a selection box, Ctrl+A); the first is the one the details show. */
  selectMany(ids: readonly string[]): void;
  showShortcuts(open: boolean): void;
  /** Selects a node, expands every block around it and asks the canvas to pan there. */
  reveal(id: string, mode?: FocusRequest['mode']): void;
  focusDone(nonce: number): void;
  setSearchQuery(query: string): void;
  setTheme(theme: ThemeChoice): void;
  setMetric(metric: string): void;
}

let nextNonce = 1;

/** The view of a freshly opened model: collapsed to a readable level, nothing selected. */
export const viewStateFor = (
  view: ModelView,
): Pick<ViewSlice, 'expanded' | 'selected' | 'selection' | 'searchQuery' | 'focusRequest'> => ({
  expanded: new Set(initialExpansion(view)),
  selected: null,
  selection: [],
  searchQuery: '',
  focusRequest: null,
});

export const createViewSlice: StateCreator<Store, [], [], ViewSlice> = (set, get) => ({
  expanded: new Set(),
  selected: null,
  selection: [],
  shortcutsOpen: false,
  searchQuery: '',
  focusRequest: null,
  theme: loadThemeChoice(),
  metric: DEFAULT_METRIC,
  toggleBlock: (blockId) => {
    const { expanded, selected, selection, index } = get();
    const next = new Set(expanded);
    if (next.delete(blockId)) {
      // A selection inside the collapsed block moves to the block, so it stays on screen.
      const isInside = (id: string): boolean => index !== null && ancestorBlocks(index, id).includes(blockId);
      set({ expanded: next, ...gatheredInto({ selection, selected }, blockId, isInside) });
    } else {
      next.add(blockId);
      set({ expanded: next });
    }
  },
  setExpanded: (expanded) => set({ expanded }),
  select: (id) => set(only(id)),
  toggleInSelection: (id) => {
    const { selection, selected } = get();
    set(toggled({ selection, selected }, id));
  },
  selectMany: (ids) => set(many(ids)),
  showShortcuts: (open) => set({ shortcutsOpen: open }),
  reveal: (id, mode = 'centre') => {
    const { expanded, index } = get();
    if (!index || (!index.layers.has(id) && !index.blocks.has(id))) return;
    const chain = ancestorBlocks(index, id);
    const missing = chain.filter((b) => !expanded.has(b));
    set({
      ...only(id),
      focusRequest: { id, nonce: nextNonce++, mode },
      ...(missing.length > 0 ? { expanded: new Set([...expanded, ...missing]) } : {}),
    });
  },
  focusDone: (nonce) => {
    if (get().focusRequest?.nonce === nonce) set({ focusRequest: null });
  },
  setSearchQuery: (searchQuery) => set({ searchQuery }),
  setTheme: (theme) => {
    saveThemeChoice(theme);
    set({ theme });
  },
  setMetric: (metric) => set({ metric }),
});
