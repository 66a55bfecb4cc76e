/**
 * Measurements of one model in the studio page: the open → on-screen time of each run (a fresh
 * page per run, the file chosen in the page's file input), then, on the last run's page, frame
 * times while panning at the view the model opens with and, when asked, fully expanded: first
 * zoomed out as far as a fit goes, then at readable zooms.
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { median } from '../measurement.js';
import type { FrameRecord, OpenTiming, ProbeHost } from './page-probe.js';
import type { BenchStudio } from './studio-browser.js';

/** About two seconds of panning per view. */
export const PAN_MS = 2000;
/** 8 px a frame (480 px/s at 60 Hz): a brisk drag along the graph. */
export const PAN_STEP_PX = 8;
/** Frames at the start of a drag, while d3-zoom sets up its gesture, are left out. */
const WARMUP_FRAMES = 2;
const OPEN_TIMEOUT_MS = 60_000;
const SETTLE_TIMEOUT_MS = 60_000;
/** Zoom 1, and the least zoom the studio calls readable (it opens a big model at 0.6). */
export const READABLE_ZOOMS = [1, 0.6] as const;

export interface FrameFigures {
  readonly medianMs: number;
  readonly p95Ms: number;
  readonly frames: number;
  /** Median count of graph nodes in the DOM while panning. */
  readonly nodesInDom: number;
  readonly movedPx: number;
  readonly zoom: number;
  readonly intervalsMs: readonly number[];
}

export interface ExpandedFigures {
  /** Fit-and-double-click rounds it took, and the blocks double-clicked in all. */
  readonly rounds: number;
  readonly blocksExpanded: number;
  /** Panning zoomed out: a fit of the whole graph, clamped at the studio's minimum zoom. */
  readonly zoomedOut: FrameFigures;
  /** Panning at each of READABLE_ZOOMS, in that order. */
  readonly readable: readonly FrameFigures[];
}

export interface PageFigures {
  readonly opens: readonly OpenTiming[];
  readonly onScreenMedianMs: number;
  readonly arrivedMedianMs: number;
  readonly atOpen: FrameFigures;
  readonly expanded: ExpandedFigures | null;
}

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? Number.NaN;
}

export function frameFigures(record: FrameRecord): FrameFigures {
  const intervals = record.intervalsMs.slice(WARMUP_FRAMES);
  return {
    medianMs: median(intervals),
    p95Ms: percentile(intervals, 0.95),
    frames: intervals.length,
    nodesInDom: median(record.nodesInDom),
    movedPx: record.movedPx,
    zoom: record.zoom,
    intervalsMs: intervals,
  };
}

async function pan(page: Page, what: string): Promise<FrameFigures> {
  const record = await page.evaluate(
    ([durationMs, stepPx]) => (globalThis as unknown as ProbeHost).__cutlineBench!.pan(durationMs, stepPx),
    [PAN_MS, PAN_STEP_PX] as const,
  );
  if (record.movedPx < PAN_STEP_PX) throw new Error(`Panning ${what} did not move the view.`);
  return frameFigures(record);
}

/** Opens the file in a fresh page; returns the timing and the page, still showing the model. */
export async function openOnce(
  studio: BenchStudio,
  fileName: string,
  bytes: Buffer,
): Promise<[OpenTiming, Page]> {
  const page = await studio.newPage();
  try {
    await page.evaluate(
      ([name, timeoutMs]) => (globalThis as unknown as ProbeHost).__cutlineBench!.armOpen(name, timeoutMs),
      [fileName, OPEN_TIMEOUT_MS] as const,
    );
    await page
      .getByLabel('Model file')
      .setInputFiles({ name: fileName, mimeType: 'application/octet-stream', buffer: bytes });
    const timing = await page.evaluate(() => (globalThis as unknown as ProbeHost).__cutlineBench!.openDone());
    return [timing, page];
  } catch (error) {
    await page.context().close();
    throw error;
  }
}

async function panExpanded(page: Page, blocks: number): Promise<ExpandedFigures> {
  const { rounds, expanded } = await page.evaluate(
    (timeoutMs) => (globalThis as unknown as ProbeHost).__cutlineBench!.expandAll(timeoutMs),
    SETTLE_TIMEOUT_MS,
  );
  // Blocks off screen at a fit would stay collapsed: then this is not the fully expanded graph.
  if (expanded !== blocks) throw new Error(`Expanded ${expanded} of the model's ${blocks} blocks.`);
  const zoomedOut = await pan(page, 'zoomed out');
  const readable: FrameFigures[] = [];
  for (const target of READABLE_ZOOMS) {
    const zoom = await page.evaluate(
      ([to, timeoutMs]) => (globalThis as unknown as ProbeHost).__cutlineBench!.zoomTo(to, timeoutMs),
      [target, SETTLE_TIMEOUT_MS] as const,
    );
    if (Math.abs(zoom - target) > 0.01) throw new Error(`Could not zoom to ${target} (at ${zoom}).`);
    readable.push(await pan(page, `at zoom ${target}`));
  }
  return { rounds, blocksExpanded: expanded, zoomedOut, readable };
}

export async function measurePage(
  studio: BenchStudio,
  model: { readonly fileName: string; readonly path: string },
  /** `expandBlocks`: the model's block count, to pan it fully expanded too; null not to. */
  options: { readonly runs: number; readonly expandBlocks: number | null },
): Promise<PageFigures> {
  const bytes = fs.readFileSync(model.path);
  const opens: OpenTiming[] = [];
  let page: Page | undefined;
  try {
    for (let run = 0; run < options.runs; run++) {
      await page?.context().close();
      let timing: OpenTiming;
      [timing, page] = await openOnce(studio, model.fileName, bytes);
      opens.push(timing);
    }
    const open = page!;
    const atOpen = await pan(open, 'at the opening view');
    const expanded = options.expandBlocks === null ? null : await panExpanded(open, options.expandBlocks);
    return {
      opens,
      onScreenMedianMs: median(opens.map((o) => o.onScreenMs)),
      arrivedMedianMs: median(opens.map((o) => o.arrivedMs)),
      atOpen,
      expanded,
    };
  } finally {
    await page?.context().close();
  }
}

/** Frame intervals of the idle page: tells whether rAF runs at 60 Hz here at all. */
export async function idleFrameMedianMs(studio: BenchStudio): Promise<number> {
  const page = await studio.newPage();
  try {
    const record = await page.evaluate(() =>
      (globalThis as unknown as ProbeHost).__cutlineBench!.idleFrames(1000),
    );
    return median(record.intervalsMs);
  } finally {
    await page.context().close();
  }
}
