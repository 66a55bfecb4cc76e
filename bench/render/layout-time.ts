/**
 * The layout alone, timed in this process: `computeLayout`, the very function the renderer's
 * layout worker runs (visible graph for the expansion, then core/layout's swimlane layout in the three lanes of a device → edge → cloud topology), on
 * the model's ModelView as the host builds it. Timed for the expansion a model opens with and
 * with every block expanded.
 */
import { computeLayout } from '../../app/renderer/layout/compute-layout.js';
import { analyzeFile } from '../../core/analyze.js';
import { initialExpansion } from '../../core/hierarchy/index.js';
import { buildModelView } from '../../core/view/build.js';
import { TIERS } from '../../core/view/types.js';
import { median } from '../measurement.js';

/** A layout takes milliseconds: a few more runs than the page's cost nothing and steady the median. */
const MIN_RUNS = 5;

export interface LayoutTiming {
  readonly blocks: number;
  /** Blocks collapsed at open (those not in the opening expansion): what expanding everything double-clicks. */
  readonly blocksToExpand: number;
  /** Items (layers and collapsed blocks) the model opens with. */
  readonly itemsAtOpen: number;
  readonly openLayoutMs: readonly number[];
  readonly expandedLayoutMs: readonly number[];
  readonly openLayoutMedianMs: number;
  readonly expandedLayoutMedianMs: number;
}

function time(runs: number, layout: () => unknown): number[] {
  const times: number[] = [];
  for (let run = 0; run < Math.max(runs, MIN_RUNS); run++) {
    const started = performance.now();
    layout();
    times.push(performance.now() - started);
  }
  return times;
}

export function timeLayouts(modelPath: string, runs: number): LayoutTiming {
  const view = buildModelView(analyzeFile(modelPath));
  const atOpen = new Set(initialExpansion(view));
  const everything = new Set(view.blocks.map((b) => b.id));
  const noProgress = (): void => undefined;
  let itemsAtOpen = 0;
  const openLayoutMs = time(runs, () => {
    itemsAtOpen = computeLayout(view, atOpen, {}, TIERS, noProgress).nodes.length;
  });
  const expandedLayoutMs = time(runs, () => computeLayout(view, everything, {}, TIERS, noProgress));
  return {
    blocks: view.blocks.length,
    blocksToExpand: view.blocks.length - atOpen.size,
    itemsAtOpen,
    openLayoutMs,
    expandedLayoutMs,
    openLayoutMedianMs: median(openLayoutMs),
    expandedLayoutMedianMs: median(expandedLayoutMs),
  };
}
