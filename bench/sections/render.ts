/**
 * Render benchmark (issue 3): the studio in headless Chromium on generated DNN-like models of
 * 100, 1,000 and 5,000 layers, each named flat (only the studio's sections of 40 fold it) and
 * with torch-style scopes (stages and units fold it).
 *
 * - open → on screen: from the file input's change event to the first layout drawn (host
 *   analysis, transfer, layout worker and React Flow render included), median of `--runs`, each
 *   in a fresh page. Targets: 1,000 layers ≤ 1.5 s, 5,000 ≤ 3 s.
 * - layout alone: the layout worker's `computeLayout`, timed in this process (see layout-time.ts).
 * - panning: median requestAnimationFrame interval over a 2 s drag at the view the model opens
 *   with, and (flat models) fully expanded at zoom 1 and 0.6. Target ≤ 17 ms, i.e. 60 frames a second.
 */
import path from 'node:path';
import { ensureRendererBuilt } from '../render/renderer-build.js';
import { timeLayouts, type LayoutTiming } from '../render/layout-time.js';
import {
  idleFrameMedianMs,
  measurePage,
  PAN_MS,
  PAN_STEP_PX,
  READABLE_ZOOMS,
  type FrameFigures,
  type PageFigures,
} from '../render/measure-page.js';
import { ensureRenderModel, renderModelName, type RenderModelSpec } from '../render/render-models.js';
import { startBenchStudio } from '../render/studio-browser.js';
import type { CachedModel } from '../model-cache.js';
import {
  passes,
  type BenchContext,
  type BenchSection,
  type Column,
  type SectionReport,
  type SectionRow,
  type TargetCheck,
} from '../section.js';
import { ms } from '../table.js';

const LAYER_COUNTS = [100, 1000, 5000] as const;
const NAMINGS = ['flat', 'scoped'] as const;
const ON_SCREEN_LIMIT_MS: Readonly<Record<number, number>> = { 1000: 1500, 5000: 3000 };
const FRAME_LIMIT_MS = 17;

const COLUMNS: readonly Column[] = [
  { key: 'model', title: 'model', align: 'left' },
  { key: 'items', title: 'items at open' },
  { key: 'arrived', title: 'host ms' },
  { key: 'onScreen', title: 'on screen ms' },
  { key: 'layout', title: 'layout ms' },
  { key: 'layoutAll', title: 'layout all ms' },
  { key: 'panOpen', title: 'pan at open' },
  { key: 'panFar', title: 'pan all, zoomed out' },
  ...READABLE_ZOOMS.map((zoom) => ({ key: `panZoom${zoom}`, title: `pan all, zoom ${zoom}` })),
  { key: 'verdict', title: 'targets', align: 'left' },
];

interface Measured {
  readonly spec: RenderModelSpec;
  readonly model: CachedModel;
  readonly layout: LayoutTiming | null;
  readonly page: PageFigures | null;
  readonly errors: string[];
}

const frameCell = (f: FrameFigures | undefined): string =>
  f ? `${ms(f.medianMs)}/${ms(f.p95Ms)} (${Math.round(f.nodesInDom)})` : '-';

function checksOf(m: Measured): TargetCheck[] {
  const name = `${m.spec.naming} ${m.spec.layers}`;
  const checks: TargetCheck[] = [];
  const limit = ON_SCREEN_LIMIT_MS[m.spec.layers];
  if (m.page && limit !== undefined)
    checks.push({ label: `render ${name}: open → on screen (ms)`, value: m.page.onScreenMedianMs, limit });
  if (m.page) {
    checks.push({
      label: `render ${name}: pan at the opening view (median frame ms)`,
      value: m.page.atOpen.medianMs,
      limit: FRAME_LIMIT_MS,
    });
  }
  for (const frames of m.page?.expanded?.readable ?? []) {
    checks.push({
      label: `render ${name}: pan fully expanded at zoom ${frames.zoom.toFixed(1)} (median frame ms)`,
      value: frames.medianMs,
      limit: FRAME_LIMIT_MS,
    });
  }
  return checks;
}

function rowOf(m: Measured): SectionRow {
  const checks = checksOf(m);
  const missed = checks
    .filter((c) => !passes(c))
    .map((c) => c.label.replace(/^[^:]*: /, '').replace(/ \(.*\)$/, ''));
  const { page, layout } = m;
  return {
    cells: {
      model: `${m.spec.naming} ${m.spec.layers}`,
      ...(layout ? { items: String(layout.itemsAtOpen) } : {}),
      ...(page ? { arrived: ms(page.arrivedMedianMs), onScreen: ms(page.onScreenMedianMs) } : {}),
      ...(layout
        ? { layout: ms(layout.openLayoutMedianMs), layoutAll: ms(layout.expandedLayoutMedianMs) }
        : {}),
      panOpen: frameCell(page?.atOpen),
      panFar: frameCell(page?.expanded?.zoomedOut),
      ...Object.fromEntries(
        READABLE_ZOOMS.map((zoom, i) => [`panZoom${zoom}`, frameCell(page?.expanded?.readable[i])]),
      ),
      verdict: checks.length === 0 ? '-' : missed.length === 0 ? 'PASS' : `MISS ${missed.join('; ')}`,
    },
    figures: {
      model: renderModelName(m.spec),
      naming: m.spec.naming,
      layers: m.spec.layers,
      fileBytes: m.model.info.fileBytes,
      path: path.relative(process.cwd(), m.model.path),
      layout,
      page,
    },
    checks,
    errors: m.errors,
  };
}

async function measureAll(context: BenchContext): Promise<{ measured: Measured[]; notes: string[] }> {
  const log = context.log;
  const measured: Measured[] = [];
  for (const layers of LAYER_COUNTS) {
    for (const naming of NAMINGS) {
      const spec = { layers, naming };
      const model = ensureRenderModel(spec);
      const errors: string[] = [];
      let layout: LayoutTiming | null = null;
      log(`  ${renderModelName(spec)}: layout in this process`);
      try {
        layout = timeLayouts(model.path, context.runs);
      } catch (error) {
        errors.push(`${renderModelName(spec)} layout: ${String(error)}`);
      }
      measured.push({ spec, model, layout, page: null, errors });
    }
  }

  ensureRendererBuilt(log);
  const studio = await startBenchStudio();
  const notes: string[] = [];
  try {
    const idleMs = await idleFrameMedianMs(studio);
    notes.push(
      `Chromium ${studio.browserVersion} headless, 1440×900; idle frame interval ${ms(idleMs)} ms (median).`,
    );
    for (const [index, m] of measured.entries()) {
      const name = renderModelName(m.spec);
      log(`  ${name}: ${context.runs} opens in Chromium, then panning`);
      try {
        const page = await measurePage(
          studio,
          { fileName: `${name}.onnx`, path: m.model.path },
          {
            runs: context.runs,
            expandBlocks: m.spec.naming === 'flat' ? (m.layout?.blocksToExpand ?? null) : null,
          },
        );
        measured[index] = { ...m, page };
      } catch (error) {
        m.errors.push(`${name} in Chromium: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  } finally {
    await studio.close();
  }
  return { measured, notes };
}

export const renderSection: BenchSection = {
  name: 'render',
  title: 'Render: open → first layout on screen and panning frame times, in headless Chromium',
  async run(context): Promise<SectionReport> {
    const { measured, notes } = await measureAll(context);
    return {
      columns: COLUMNS,
      rows: measured.map(rowOf),
      notes: [
        ...notes,
        `host ms: file chosen → the host's analysis applied (title shows it); on screen ms: → first layout drawn and the next frame begun. Median of ${context.runs} opens, each in a fresh page.`,
        "layout ms: computeLayout (the layout worker's function) in this process, at the opening expansion and with every block expanded; median.",
        `pan: median/p95 requestAnimationFrame interval (ms) over a ${PAN_MS / 1000} s drag of ${PAN_STEP_PX} px a frame along the graph and back, with the median number of graph nodes in the DOM; target ≤ ${FRAME_LIMIT_MS} ms.`,
        'pan all: fully expanded (every block double-clicked, fit by fit), measured on the flat models; the scoped ones fully expanded are the same graph, only named differently.',
        'zoomed out: a fit of the expanded graph, clamped at the minimum zoom 0.02 (no target).',
      ],
    };
  },
};
