/**
 * A pointer drag in the studio page with real input (Playwright's mouse: trusted mousedown,
 * pointer and mouse moves, mouseup, as a user's hand makes them), recorded in a Chrome trace,
 * and the main-thread work of each frame while the pointer moved (see frame-work.ts).
 *
 * The pointer moves once per display frame (16.7 ms apart, the rate a mouse reports at on a
 * 60 Hz screen), so every frame has a move to handle; Chromium aligns mouse moves to frames
 * anyway, so sending more would only coalesce them.
 */
import type { Page } from 'playwright-core';
import { median } from '../measurement.js';
import { eventDispatches, framesWork, type FrameWork, type TraceEvent } from './frame-work.js';

const FRAME_MS = 1000 / 60;
/** Frames at the start of a drag (a library's drag threshold, first hit tests) are left out. */
const WARMUP_FRAMES = 2;
const CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline.frame'];

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface DragFigures {
  readonly medianWorkMs: number;
  readonly p95WorkMs: number;
  readonly maxWorkMs: number;
  readonly frames: number;
  readonly moves: number;
  readonly workMs: readonly number[];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

export function dragFigures(frames: readonly FrameWork[], moves: number): DragFigures {
  const workMs = frames.slice(WARMUP_FRAMES).map((f) => f.workMs);
  if (workMs.length === 0) throw new Error('The drag produced no frames to measure.');
  return {
    medianWorkMs: median(workMs),
    p95WorkMs: percentile(workMs, 0.95),
    maxWorkMs: Math.max(...workMs),
    frames: workMs.length,
    moves,
    workMs,
  };
}

/**
 * Presses at `from`, moves through `path(i)` for i = 1..moves one frame apart, releases there,
 * and returns the work of the frames in between.
 * `beforeRelease` runs with the button still down (e.g. to check the preview is showing).
 */
export async function tracedDrag(
  page: Page,
  from: Point,
  path: (step: number) => Point,
  moves: number,
  options: { readonly beforeRelease?: () => Promise<void> } = {},
): Promise<DragFigures> {
  const browser = page.context().browser();
  if (!browser) throw new Error('The page has no browser to trace.');
  await page.mouse.move(from.x, from.y);
  await browser.startTracing(page, { categories: CATEGORIES });
  let traced: Buffer | undefined;
  try {
    await page.mouse.down();
    let next = performance.now();
    for (let step = 1; step <= moves; step++) {
      const to = path(step);
      await page.mouse.move(to.x, to.y);
      next += FRAME_MS;
      await sleep(Math.max(0, next - performance.now()));
    }
    await options.beforeRelease?.();
    await page.mouse.up();
  } finally {
    traced = await browser.stopTracing();
  }
  const document = JSON.parse(traced.toString('utf8')) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(document) ? document : (document.traceEvents ?? []);
  const down = eventDispatches(events, 'mousedown')[0];
  const up = eventDispatches(events, 'mouseup').at(-1);
  if (down === undefined || up === undefined) throw new Error('The trace holds no mousedown and mouseup.');
  return dragFigures(framesWork(events, down, up), moves);
}
