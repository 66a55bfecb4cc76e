/**
 * The placement a layer drag would preview over each other lane, worked out with its figures in
 * idle time once the drag starts, so that the frame in which the pointer crosses into a lane only
 * swaps the preview. Evaluating ~5,000 units is a few ms, more while the evaluator is still cold
 * (a drag runs it once or twice), which put the frame where the figures change over budget.
 */
import type { TierName } from '../../../../core/profiles/types.js';
import { warmPreviewFigures } from '../../design/figures.js';
import { selectCurrentGraph } from '../../store/selectors.js';
import { useStudio } from '../../store/store.js';
import { placementAfterDrag } from './drag-set.js';
import { whenIdle } from './idle.js';

type PlacementRecord = Readonly<Record<string, TierName>>;

export interface LanePreviews {
  /** The placement with the dragged nodes on `tier` (the design's own object if nothing moves). */
  placementFor(tier: TierName): PlacementRecord | null;
  stop(): void;
}

export function startLanePreviews(nodes: readonly string[], fromTier: TierName): LanePreviews {
  const start = useStudio.getState();
  const lanes = selectCurrentGraph(start)?.lanes ?? [];
  const from = lanes.findIndex((lane) => lane.tier === fromTier);
  // Nearest lanes first: the pointer reaches them first.
  const queue = lanes
    .map((lane, i) => ({ tier: lane.tier, distance: Math.abs(i - from) }))
    .filter((lane) => lane.tier !== fromTier)
    .sort((a, b) => a.distance - b.distance)
    .map((lane) => lane.tier);
  const ready = new Map<TierName, PlacementRecord>();
  let cancel: (() => void) | null = null;

  const compute = (tier: TierName): PlacementRecord | null => {
    const { design, index } = useStudio.getState();
    if (!design || !index) return null;
    if (design === start.design && ready.has(tier)) return ready.get(tier)!;
    const placement = placementAfterDrag(design, index, nodes, tier);
    if (design === start.design) ready.set(tier, placement);
    return placement;
  };

  const next = (): void => {
    cancel = null;
    const tier = queue.shift();
    if (tier === undefined) return;
    const placement = compute(tier);
    const state = useStudio.getState();
    if (placement && state.design && placement !== state.design.placement)
      warmPreviewFigures(state, placement);
    cancel = whenIdle(next);
  };
  cancel = whenIdle(next);

  return {
    placementFor: compute,
    stop: () => {
      cancel?.();
      cancel = null;
      queue.length = 0;
    },
  };
}
