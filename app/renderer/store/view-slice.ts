/** What the user looks at: expanded blocks, selection, search, theme and the heat metric. */
import type { StateCreator } from 'zustand';
import type { ModelView } from '../../../core/view/types.js';
import { ancestorBlocks } from '../model/model-index.js';
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
  /** A layer or block id. */
  selected: string | null;
  searchQuery: string;
  /** A node the canvas should pan to once it is laid out. */
  focusRequest: FocusRequest | null;
  theme: ThemeChoice;
  metric: string;
  toggleBlock(blockId: string): void;
  setExpanded(expanded: ReadonlySet<string>): void;
  select(id: string | null): void;
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
): Pick<ViewSlice, 'expanded' | 'selected' | 'searchQuery' | 'focusRequest'> => ({
  expanded: new Set(initialExpansion(view)),
  selected: null,
  searchQuery: '',
  focusRequest: null,
});

export const createViewSlice: StateCreator<Store, [], [], ViewSlice> = (set, get) => ({
  expanded: new Set(),
  selected: null,
  searchQuery: '',
  focusRequest: null,
  theme: loadThemeChoice(),
  metric: DEFAULT_METRIC,
  toggleBlock: (blockId) => {
    const { expanded, selected, index } = get();
    const next = new Set(expanded);
    if (next.delete(blockId)) {
      // A selection inside the collapsed block moves to the block, so it stays on screen.
      const inside = selected !== null && index !== null && ancestorBlocks(index, selected).includes(blockId);
      set({ expanded: next, ...(inside ? { selected: blockId } : {}) });
    } else {
      next.add(blockId);
      set({ expanded: next });
    }
  },
  setExpanded: (expanded) => set({ expanded }),
  select: (id) => set({ selected: id }),
  reveal: (id, mode = 'centre') => {
    const { expanded, index } = get();
    if (!index || (!index.layers.has(id) && !index.blocks.has(id))) return;
    const chain = ancestorBlocks(index, id);
    const missing = chain.filter((b) => !expanded.has(b));
    set({
      selected: id,
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
