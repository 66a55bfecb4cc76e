/** Per-node store selectors: each node component subscribes to its own few values only. */
import type { Tier } from '../../../core/view/types.js';
import { blockTitle } from '../model/block-title.js';
import { heatOf, heatScale, type HeatScale } from '../overlay/heat.js';
import { selectCurrentGraph } from '../store/selectors.js';
import type { Store } from '../store/store.js';
import { selectionSet } from './drag/selection.js';

let heatCache: { overlay: Store['overlay']; metric: string; graph: unknown; scale: HeatScale } | null = null;

/** The heat scale over the nodes on screen; recomputed only when the overlay, metric or layout change. */
export function selectHeatScale(state: Store): HeatScale {
  const graph = selectCurrentGraph(state);
  if (
    heatCache &&
    heatCache.overlay === state.overlay &&
    heatCache.metric === state.metric &&
    heatCache.graph === graph
  ) {
    return heatCache.scale;
  }
  const ids = graph ? graph.nodes.map((n) => n.id) : [];
  const scale = heatScale(state.overlay, state.metric, ids);
  heatCache = { overlay: state.overlay, metric: state.metric, graph, scale };
  return scale;
}

/** Heat in twentieths: a node re-renders only when its colour visibly changes. */
export const selectHeat = (state: Store, id: string): number =>
  Math.round(heatOf(selectHeatScale(state), state.overlay.values.get(id)?.[state.metric]) * 20) / 20;

export const selectIsSelected = (state: Store, id: string): boolean => state.selected === id;
/** Whether the node is one of several selected (shift-click, box, Ctrl+A); style it apart. */
export const selectIsInSelection = (state: Store, id: string): boolean =>
  selectionSet(state.selection).has(id);
export const selectLayer = (state: Store, id: string) => state.index?.layers.get(id);
export const selectBlock = (state: Store, id: string) => state.index?.blocks.get(id);
export const selectFigures = (state: Store, id: string) => state.overlay.values.get(id);
export const selectTier = (state: Store, id: string): Tier => state.design?.placement[id] ?? 'device';
export const selectBlockTitle = (state: Store, id: string): string => {
  const block = state.index?.blocks.get(id);
  return block && state.index ? blockTitle(state.index, block) : id;
};
export const selectIsPinned = (state: Store, id: string): boolean => state.design?.pins.includes(id) ?? false;
