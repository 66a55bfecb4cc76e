/**
 * Editor benchmark (issue 11, "Speed"): the studio as a partition editor in headless Chromium,
 * driven through its real controls with real mouse and keyboard input, on the render
 * benchmark's generated models (flat names, so the studio folds them only into sections of 40).
 *
 * - Dragging at 5,000 layers: a cut line's grip along the data flow, and a layer node across
 *   into the next lane, each with the live figures of the preview. Figure: the median
 *   main-thread work per frame while the pointer moves, from a Chrome trace (every task of the
 *   page's main thread, summed per frame; see render/frame-work.ts for why a trace). Baseline, in
 *   the same page and with the same pointer cadence: panning the canvas. Target ≤ 8 ms.
 * - Committing a move at 1,000 visible items (every block expanded): a layer dropped into the
 *   next lane, from the drop to the new layout drawn (the layout worker's run, the transfer and
 *   React Flow's render included). Baseline: the layout function alone, in this process.
 *   Target ≤ 100 ms.
 * - Editing a link's bandwidth at 1,000 layers: a new uplink typed in the lane header, from
 *   Enter to the figures bar showing the new latency (the problem re-costed on the new topology,
 *   the evaluation, the render). Baseline: the idle page's frame interval. Target ≤ 16 ms.
 */
import { ensureRendererBuilt } from '../render/renderer-build.js';
import { expandEverything, openModel } from '../render/editor-page.js';
import {
  commitMoves,
  dragCutLine,
  dragLayer,
  dragPan,
  editLinks,
  idleFrameMs,
  pooled,
  type TimedEdits,
} from '../render/editor-measures.js';
import { timeLayouts } from '../render/layout-time.js';
import { ensureRenderModel, renderModelName, type RenderModelSpec } from '../render/render-models.js';
import { startBenchStudio, type BenchStudio } from '../render/studio-browser.js';
import type { DragFigures } from '../render/traced-drag.js';
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

const DRAG_MODEL: RenderModelSpec = { layers: 5000, naming: 'flat' };
const EDIT_MODEL: RenderModelSpec = { layers: 1000, naming: 'flat' };
/** The default topology's tiers, device first: the lanes the studio opens a model with. */
const TIERS = ['device', 'edge', 'cloud'] as const;
const DRAG_LIMIT_MS = 8;
const COMMIT_LIMIT_MS = 100;
const LINK_LIMIT_MS = 16;

const COLUMNS: readonly Column[] = [
  { key: 'what', title: 'measurement', align: 'left' },
  { key: 'model', title: 'model', align: 'left' },
  { key: 'figure', title: 'median ms (all frames)' },
  { key: 'spread', title: 'p95/max ms' },
  { key: 'samples', title: 'samples' },
  { key: 'evaluated', title: 're-evaluating frames: median ms (n)' },
  { key: 'toDom', title: 'edit → DOM ms' },
  { key: 'baseline', title: 'baseline ms', align: 'left' },
  { key: 'target', title: 'target' },
  { key: 'verdict', title: 'verdict', align: 'left' },
];

interface Measure {
  readonly what: string;
  readonly model: RenderModelSpec;
  readonly run: () => Promise<DragFigures | TimedEdits | null>;
  readonly baseline: () => string;
  readonly limitMs: number | null;
}

const isDrag = (f: DragFigures | TimedEdits): f is DragFigures => 'medianWorkMs' in f;

/**
 * The figure a target is checked on: for a drag, the median over the frames that re-evaluated
 * the preview (the target's "including the live re-evaluation"; most frames of a drag only move
 * the pointer and cost less), or over every frame when none did; for an edit, the median time.
 */
function checkedMs(figures: DragFigures | TimedEdits): number {
  if (!isDrag(figures)) return figures.medianMs;
  return figures.evaluatedFrames > 0 ? figures.evaluatedMedianWorkMs : figures.medianWorkMs;
}

function rowOf(m: Measure, figures: DragFigures | TimedEdits | null, error: string | null): SectionRow {
  const name = renderModelName(m.model);
  const medianMs = figures ? checkedMs(figures) : null;
  const checks: TargetCheck[] =
    medianMs !== null && m.limitMs !== null
      ? [
          {
            label: `editor ${m.what}, ${m.model.layers} layers (median ms)`,
            value: medianMs,
            limit: m.limitMs,
          },
        ]
      : [];
  const spread = figures
    ? isDrag(figures)
      ? `${ms(figures.p95WorkMs)}/${ms(figures.maxWorkMs)}`
      : `-/${ms(Math.max(...figures.timesMs))}`
    : '-';
  return {
    cells: {
      what: m.what,
      model: name,
      figure: figures ? ms(isDrag(figures) ? figures.medianWorkMs : figures.medianMs) : '-',
      spread,
      samples: figures
        ? isDrag(figures)
          ? `${figures.frames} frames`
          : `${figures.timesMs.length} edits`
        : '-',
      evaluated:
        figures && isDrag(figures) && figures.evaluatedFrames > 0
          ? `${ms(figures.evaluatedMedianWorkMs)} (${figures.evaluatedFrames})`
          : '-',
      toDom: figures && !isDrag(figures) ? ms(figures.medianToDomMs) : '-',
      baseline: m.baseline(),
      target: m.limitMs === null ? '-' : `≤ ${m.limitMs}`,
      verdict: checks.length === 0 ? '-' : checks.every(passes) ? 'PASS' : 'MISS',
    },
    figures: { what: m.what, model: name, layers: m.model.layers, ...(figures ? { figures } : {}) },
    checks,
    errors: error ? [`${m.what}: ${error}`] : [],
  };
}

async function measureAll(studio: BenchStudio, context: BenchContext): Promise<SectionRow[]> {
  const { runs, log } = context;
  const dragModel = ensureRenderModel(DRAG_MODEL);
  const editModel = ensureRenderModel(EDIT_MODEL);
  log(`  ${renderModelName(EDIT_MODEL)}: layout alone, every block expanded, in this process`);
  const layoutMs = timeLayouts(editModel.path, runs).expandedLayoutMedianMs;

  const rows: SectionRow[] = [];
  let idleMs = Number.NaN;
  const measure = async (m: Measure): Promise<void> => {
    log(`  ${m.what}`);
    try {
      rows.push(rowOf(m, await m.run(), null));
    } catch (error) {
      rows.push(rowOf(m, null, error instanceof Error ? error.message : String(error)));
    }
  };

  log(`  ${renderModelName(DRAG_MODEL)}: open, then drags (${runs} of each, traced)`);
  let page = await openModel(studio, dragModel.path, `${renderModelName(DRAG_MODEL)}.onnx`);
  try {
    const repeat = async (drag: () => Promise<DragFigures>): Promise<DragFigures> => {
      const all: DragFigures[] = [];
      for (let run = 0; run < runs; run++) all.push(await drag());
      return pooled(all);
    };
    // The view the model opens with (folded into sections), then every block expanded.
    for (const view of ['at open', 'all expanded'] as const) {
      if (view === 'all expanded') await expandEverything(page);
      let pan: DragFigures | null = null;
      const drag = {
        model: DRAG_MODEL,
        limitMs: DRAG_LIMIT_MS,
        baseline: () => (pan ? `pan ${ms(pan.medianWorkMs)}` : '-'),
      };
      await measure({
        ...drag,
        what: `pan the canvas, ${view} (baseline)`,
        limitMs: null,
        baseline: () => '-',
        run: async () => (pan = await repeat(() => dragPan(page, TIERS))),
      });
      await measure({
        ...drag,
        what: `drag a cut line, ${view}`,
        run: () => repeat(() => dragCutLine(page)),
      });
      if (view === 'all expanded')
        await measure({
          ...drag,
          what: `drag a layer across lanes, ${view}`,
          run: () => repeat(() => dragLayer(page, TIERS)),
        });
    }
  } finally {
    await page.context().close();
  }

  log(`  ${renderModelName(EDIT_MODEL)}: open, expand every block, commit moves, edit a link`);
  page = await openModel(studio, editModel.path, `${renderModelName(EDIT_MODEL)}.onnx`);
  try {
    await expandEverything(page);
    idleMs = await idleFrameMs(page);
    await measure({
      model: EDIT_MODEL,
      what: 'commit a move: drop → new layout on screen',
      limitMs: COMMIT_LIMIT_MS,
      baseline: () => `layout alone ${ms(layoutMs)}`,
      run: () => commitMoves(page, TIERS, runs),
    });
    await measure({
      model: EDIT_MODEL,
      what: "edit a link's bandwidth: Enter → new latency shown",
      limitMs: LINK_LIMIT_MS,
      baseline: () => `idle frame ${ms(idleMs)}`,
      run: () => editLinks(page, TIERS, Math.max(runs, 5)),
    });
  } finally {
    await page.context().close();
  }
  return rows;
}

export const editorSection: BenchSection = {
  name: 'editor',
  title: 'Editor: dragging, committing a move and editing a link, in headless Chromium',
  async run(context): Promise<SectionReport> {
    ensureRendererBuilt(context.log);
    const studio = await startBenchStudio();
    let rows: SectionRow[];
    try {
      rows = await measureAll(studio, context);
    } finally {
      await studio.close();
    }
    return {
      columns: COLUMNS,
      rows,
      notes: [
        `Chromium ${studio.browserVersion} headless, 1440×900, driven with real mouse and keyboard input.`,
        "Drags: the pointer moves 4 px a frame for 2 s (out and back), each drag run --runs times; figures pool every frame. Work per frame: main-thread task time from one frame's rendering task to the next, from a Chrome trace; p95/max over the frames.",
        'Commit: from the drop (or the click, when the studio has no node drag) to the new layout drawn and the next frame rendered; baseline: computeLayout alone on the same expanded graph.',
        'Link edit: from the Enter key to the new latency in the figures bar and the next frame rendered; baseline: the idle frame interval.',
        'edit → DOM: from the input event to the result in the DOM, before the wait for the next frame (up to one frame interval, by when in the frame the input came); the targets are checked on the time to the frame shown.',
      ],
    };
  },
};
