/**
 * A pointer drag in the studio page with real input (Playwright's mouse: trusted mousedown,
 * pointer and mouse moves, mouseup, as a user's hand makes them), recorded in a Chrome trace,
 * and the main-thread work of each frame while the pointer moved (see frame-work.ts).
 *
 * The pointer moves once per display frame (16.7 ms apart, the rate a mouse reports at on a
 * 60 Hz screen), so every frame has a move to handle; Chromium aligns mouse moves to frames
 * anyway, so sending more would only coalesce them.
 *
 * With CUTLINE_BENCH_TRACES=DIR, each drag's trace is kept there, to open in Chrome's
 * performance panel and see where a frame's time went.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { median } from '../measurement.js';
import type { EditorProbeHost } from './editor-probe.js';
import { eventDispatches, framesWork, type TraceEvent } from './frame-work.js';

const FRAME_MS = 1000 / 60;
/** Frames at the start of a drag (a library's drag threshold, first hit tests) are left out. */
const WARMUP_FRAMES = 2;
const CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline.frame'];

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** What the editor probe stamps into the trace when the figures bar changes. */
export const FIGURES_CHANGED = 'cutline-figures-changed';

export interface DragFigures {
  /** Over every frame of the drag. */
  readonly medianWorkMs: number;
  readonly p95WorkMs: number;
  readonly maxWorkMs: number;
  readonly frames: number;
  readonly moves: number;
  readonly workMs: readonly number[];
  /** Over the frames in which the figures bar changed: the preview re-evaluated and redrawn. */
  readonly evaluatedMedianWorkMs: number;
  readonly evaluatedFrames: number;
  readonly evaluatedWorkMs: readonly number[];
  /** The other frames' work, ms (with `evaluatedWorkMs`, every frame's). */
  readonly otherWorkMs: readonly number[];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

export function dragFigures(
  frames: readonly { readonly workMs: number; readonly marked: boolean }[],
  moves: number,
): DragFigures {
  const workMs = frames.map((f) => f.workMs);
  if (workMs.length === 0) throw new Error('The drag produced no frames to measure.');
  const evaluatedWorkMs = frames.filter((f) => f.marked).map((f) => f.workMs);
  return {
    medianWorkMs: median(workMs),
    p95WorkMs: percentile(workMs, 0.95),
    maxWorkMs: Math.max(...workMs),
    frames: workMs.length,
    moves,
    workMs,
    evaluatedMedianWorkMs: evaluatedWorkMs.length > 0 ? median(evaluatedWorkMs) : Number.NaN,
    evaluatedFrames: evaluatedWorkMs.length,
    evaluatedWorkMs,
    otherWorkMs: frames.filter((f) => !f.marked).map((f) => f.workMs),
  };
}

/**
 * Presses at `from`, moves through `route(i)` for i = 1..moves one frame apart, releases there,
 * and returns the work of the frames in between.
 */
export async function tracedDrag(
  page: Page,
  from: Point,
  route: (step: number) => Point,
  moves: number,
  options: {
    /** Runs with the button still down, halfway through the moves. */
    readonly midway?: () => Promise<void>;
  } = {},
): Promise<DragFigures> {
  const browser = page.context().browser();
  if (!browser) throw new Error('The page has no browser to trace.');
  await page.evaluate(
    (mark) => (globalThis as unknown as EditorProbeHost).__cutlineEditorBench!.markFigureChanges(mark),
    FIGURES_CHANGED,
  );
  await page.mouse.move(from.x, from.y);
  await browser.startTracing(page, { categories: CATEGORIES });
  let traced: Buffer | undefined;
  try {
    await page.mouse.down();
    let next = performance.now();
    for (let step = 1; step <= moves; step++) {
      const to = route(step);
      await page.mouse.move(to.x, to.y);
      next += FRAME_MS;
      if (step === Math.floor(moves / 2)) await options.midway?.();
      await sleep(Math.max(0, next - performance.now()));
    }
    await page.mouse.up();
  } finally {
    traced = await browser.stopTracing();
  }
  const keep = process.env.CUTLINE_BENCH_TRACES;
  if (keep) {
    fs.mkdirSync(keep, { recursive: true });
    fs.writeFileSync(path.join(keep, `drag-${Date.now()}.json`), traced);
  }
  const document = JSON.parse(traced.toString('utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(document) ? document : (document.traceEvents ?? []);
  // Pointer events, not mouse events: a handler that cancels pointerdown suppresses the latter.
  const down = eventDispatches(events, 'pointerdown')[0];
  const up = eventDispatches(events, 'pointerup').at(-1);
  if (down === undefined || up === undefined)
    throw new Error('The trace holds no pointerdown and pointerup.');
  const frames = framesWork(events, down, up, FIGURES_CHANGED).slice(WARMUP_FRAMES);
  return dragFigures(frames, moves);
}
