/**
 * Layout benchmark: `layoutGraph` alone on generated flat DNN-like graphs of 100, 1,000 and
 * 5,000 nodes, and on the 10,000-node bench model's hierarchy at its initial expansion (and,
 * as a worst case, fully expanded). Runs in this process: the layout is pure, synchronous code,
 * the same the renderer's layout worker runs.
 *
 * Targets (issue 3): the whole first render of a 1,000-node model within 1.5 s and of 5,000
 * nodes within 3 s in Chromium, so the layout should take a small part of that: ≤ 100 ms for
 * 1,000 nodes and ≤ 500 ms for 5,000, checked on the slowest run (the first, cold one).
 */
import { analyzeFile } from '../../core/analyze.js';
import { initialExpansion } from '../../core/hierarchy/index.js';
import { layoutGraph, type LayoutInput } from '../../core/layout/index.js';
import { buildModelView } from '../../core/view/build.js';
import type { ModelView } from '../../core/view/types.js';
import { itemTier, visibleGraph } from '../../core/view/visible.js';
import { dnnLikeGraph, LAYER_BOX } from '../../test/support/dnn-like-graph.js';
import type { CachedModel } from '../model-cache.js';
import type {
  BenchContext,
  BenchSection,
  Column,
  SectionReport,
  SectionRow,
  TargetCheck,
} from '../section.js';
import { median } from '../measurement.js';
import { ms } from '../table.js';

const LAYOUT_LIMIT_MS: Readonly<Record<number, number>> = { 1000: 100, 5000: 500 };
const BLOCK_BOX = { width: 240, height: 108 } as const;
/** At least this many timed runs: one layout takes milliseconds, so a few more cost nothing. */
const MIN_RUNS = 5;

const COLUMNS: readonly Column[] = [
  { key: 'graph', title: 'graph', align: 'left' },
  { key: 'nodes', title: 'nodes' },
  { key: 'edges', title: 'edges' },
  { key: 'ranks', title: 'ranks' },
  { key: 'prepareMs', title: 'view+visible ms' },
  { key: 'firstMs', title: 'first ms' },
  { key: 'medianMs', title: 'median ms' },
  { key: 'limit', title: 'target ms' },
];

function timeLayout(
  label: string,
  input: LayoutInput,
  runs: number,
  extra: Record<string, unknown>,
): SectionRow {
  const times: number[] = [];
  let ranks = 0;
  try {
    for (let run = 0; run < Math.max(runs, MIN_RUNS); run++) {
      const started = performance.now();
      const layout = layoutGraph(input);
      times.push(performance.now() - started);
      ranks = layout?.ranks ?? 0;
    }
  } catch (error) {
    return {
      cells: { graph: label },
      figures: { graph: label },
      checks: [],
      errors: [`${label}: ${String(error)}`],
    };
  }
  const limit = LAYOUT_LIMIT_MS[input.nodes.length];
  const slowest = Math.max(...times);
  const checks: TargetCheck[] =
    limit === undefined ? [] : [{ label: `layout of ${label} (slowest run, ms)`, value: slowest, limit }];
  const prepareMs = typeof extra.prepareMs === 'number' ? ms(extra.prepareMs) : '-';
  return {
    cells: {
      graph: label,
      nodes: String(input.nodes.length),
      edges: String(input.edges.length),
      ranks: String(ranks),
      prepareMs,
      firstMs: ms(times[0]!),
      medianMs: ms(median(times)),
      limit: limit === undefined ? '-' : String(limit),
    },
    figures: {
      graph: label,
      nodes: input.nodes.length,
      edges: input.edges.length,
      ranks,
      layoutMs: times,
      ...extra,
    },
    checks,
    errors: [],
  };
}

/** The layout input of a view with `expanded` blocks open, every layer on the device. */
function viewLayoutInput(view: ModelView, expanded: ReadonlySet<string>): LayoutInput {
  const visible = visibleGraph(view, expanded);
  return {
    nodes: visible.items.map((item) => ({
      id: item.id,
      tier: itemTier(item, {}),
      ...(item.kind === 'layer' ? LAYER_BOX : BLOCK_BOX),
    })),
    edges: visible.edges,
  };
}

function benchModelRows(model: CachedModel, context: BenchContext): SectionRow[] {
  context.log(`  ${model.info.name}: analyze and build the view`);
  const analysis = analyzeFile(model.path);
  let started = performance.now();
  const view = buildModelView(analysis);
  const viewMs = performance.now() - started;
  const rows: SectionRow[] = [];
  const cases: [string, () => ReadonlySet<string>][] = [
    ['initial expansion', () => new Set(initialExpansion(view))],
    ['all expanded', () => new Set(view.blocks.map((b) => b.id))],
  ];
  for (const [what, expansion] of cases) {
    started = performance.now();
    const input = viewLayoutInput(view, expansion());
    const prepareMs = viewMs + performance.now() - started;
    context.log(`  ${model.info.name} ${what}: ${input.nodes.length} visible items`);
    rows.push(
      timeLayout(`${model.info.name}, ${what}`, input, context.runs, {
        prepareMs,
        viewMs,
        layers: view.layers.length,
        blocks: view.blocks.length,
      }),
    );
  }
  return rows;
}

export const layoutSection: BenchSection = {
  name: 'layout',
  title: 'Layout: layoutGraph on flat DNN-like graphs and on the bench model at its initial expansion',
  run(context): Promise<SectionReport> {
    const rows: SectionRow[] = [];
    for (const count of [100, 1000, 5000]) {
      context.log(`  flat ${count}: layout`);
      rows.push(timeLayout(`flat ${count}`, dnnLikeGraph(count, { tiers: 'split' }), context.runs, {}));
    }
    const deep = context.models.find((m) => m.info.name === 'deep10k');
    if (deep) rows.push(...benchModelRows(deep, context));
    const notes = [
      `Each layout timed ${Math.max(context.runs, MIN_RUNS)} times in this process; "first" is the cold run (JIT included).`,
      'flat N: residual chains with skip connections and inception-like forks, split over the three lanes.',
      'view+visible ms: buildModelView (hierarchy included) plus the visible graph for that expansion.',
    ];
    if (!deep) notes.push('deep10k not selected (--models): its rows are left out.');
    return Promise.resolve({ columns: COLUMNS, rows, notes });
  },
};
