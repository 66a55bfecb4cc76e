/**
 * Placing what is selected, from the keyboard and the canvas: send it to a tier, pin or unpin
 * it, and say why when a move is refused (a pinned layer, a tier the topology lacks).
 */
import { TIER_NAMES, type TierName } from '../../../core/profiles/types.js';
import { layersOfIds, tierTitleOf } from '../design/placement.js';
import type { MoveOutcome } from '../store/design-types.js';
import { selectCurrentGraph } from '../store/selectors.js';
import { useStudio } from '../store/store.js';

/**
 * The notice for a move's refusals: the one reason, or for several the count and the first
 * ("3 layers stayed where they are. conv1 is pinned to Device: unpin it (P) to move it.").
 */
export function refusalNotice(outcome: MoveOutcome): string | null {
  const [first] = outcome.refused;
  if (!first) return null;
  const count = new Set(outcome.refused.map((r) => r.id)).size;
  return count === 1 ? first.reason : `${count} layers stayed where they are. ${first.reason}`;
}

/** Shows the refusals of a move, if any. */
export function reportRefusals(outcome: MoveOutcome): void {
  const notice = refusalNotice(outcome);
  if (notice !== null) useStudio.getState().noticed(notice);
}

/** What the keyboard acts on: the selection (every selected layer and block). */
const selectedIds = (): readonly string[] => {
  const { selection, selected } = useStudio.getState();
  return selection.length > 0 ? selection : selected !== null ? [selected] : [];
};

/** The tier the n-th placement key stands for (1 = Device, 2 = Edge, 3 = Cloud). */
export const tierOfKey = (n: number): TierName | undefined => TIER_NAMES[n - 1];

/** Sends the selection to `tier`, saying why when it cannot. */
export function sendSelectionTo(tier: TierName): void {
  const state = useStudio.getState();
  const { design } = state;
  if (!design) return;
  const ids = selectedIds();
  if (ids.length === 0) {
    state.noticed(
      `Select layers first (click, Shift+click, or Shift+drag a box), then send them to ${tierTitleOf(tier)}.`,
    );
    return;
  }
  const tiers = design.topology.tiers.map((t) => t.name);
  if (!tiers.includes(tier)) {
    state.noticed(
      `The topology "${design.topology.spec.name}" has no ${tierTitleOf(tier)} tier: it runs on ${tiers.map(tierTitleOf).join(' and ')}.`,
    );
    return;
  }
  reportRefusals(state.moveLayers(ids, tier));
}

/** P: pins the selected layers, or unpins them if every one is pinned already. */
export function togglePinSelection(): void {
  const state = useStudio.getState();
  const { design, index } = state;
  if (!design || !index) return;
  const layers = layersOfIds(index, selectedIds());
  if (layers.length === 0) {
    state.noticed('Select layers first, then press P to pin them to their tier.');
    return;
  }
  const pins = new Set(design.pins);
  state.setPinned(layers, !layers.every((id) => pins.has(id)));
}

/** Ctrl+A: every layer and collapsed block on screen. */
export function selectAllVisible(): void {
  const state = useStudio.getState();
  const graph = selectCurrentGraph(state);
  if (graph) state.selectMany(graph.nodes.map((node) => node.id));
}
