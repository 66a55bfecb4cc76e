/**
 * The studio page as the editor benchmark works it, through its real controls: open a model,
 * expand every block, find layer nodes and lanes on screen, drag with the mouse, edit a link in
 * the lane header's fields. Timings come from the editor probe (editor-probe.ts) and the traced
 * drags (traced-drag.ts); this file only drives.
 */
import fs from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { installEditorProbe, type EditorProbeHost, type EditTiming } from './editor-probe.js';
import { openOnce } from './measure-page.js';
import type { ProbeHost } from './page-probe.js';
import type { BenchStudio } from './studio-browser.js';
import type { Point } from './traced-drag.js';

const SETTLE_TIMEOUT_MS = 60_000;
/** A commit or an edit that shows nothing in this long has failed, not merely been slow. */
export const EDIT_TIMEOUT_MS = 20_000;
/** The studio's least zoom, at which the most blocks are on screen at once, to double-click them. */
const OVERVIEW_ZOOM = 0.02;

/** The little of the page's DOM that code run in it here touches (the bench has no DOM typings). */
interface PageWindow {
  readonly document: {
    querySelectorAll(selector: string): {
      readonly length: number;
      readonly [index: number]: { dispatchEvent(event: unknown): boolean };
    };
  };
  readonly MouseEvent: new (type: string, init: Record<string, unknown>) => unknown;
}

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export const centre = (box: Box): Point => ({ x: box.x + box.width / 2, y: box.y + box.height / 2 });

/** Opens the model in a fresh page (its file chosen in the page's file input), with the editor probe. */
export async function openModel(studio: BenchStudio, modelPath: string, fileName: string): Promise<Page> {
  const [, page] = await openOnce(studio, fileName, fs.readFileSync(modelPath));
  await page.evaluate(installEditorProbe);
  await settle(page);
  return page;
}

export async function settle(page: Page): Promise<void> {
  await page.evaluate(
    (timeoutMs) => (globalThis as unknown as ProbeHost).__cutlineBench!.settle(timeoutMs),
    SETTLE_TIMEOUT_MS,
  );
}

async function zoomTo(page: Page, zoom: number): Promise<void> {
  await page.evaluate(
    ([to, timeoutMs]) => (globalThis as unknown as ProbeHost).__cutlineBench!.zoomTo(to, timeoutMs),
    [zoom, SETTLE_TIMEOUT_MS] as const,
  );
}

/**
 * Expands every block: zoomed out until the blocks are all on screen, each double-clicked,
 * round by round (nested blocks come out of their parents); then F, the studio's fit (the lanes
 * across the canvas, from the model's start). Returns the nodes the graph then has, lanes included.
 */
export async function expandEverything(page: Page): Promise<number> {
  for (let round = 0; round < 8; round++) {
    await zoomTo(page, OVERVIEW_ZOOM);
    // Synthetic double-clicks (setup, not measured), all dispatched before the first layout ends,
    // so the blocks stay where they are meanwhile.
    const count = await page.evaluate(() => {
      const w = globalThis as unknown as PageWindow;
      const blocks = w.document.querySelectorAll('.react-flow__node-block');
      for (let i = 0; i < blocks.length; i++)
        blocks[i]!.dispatchEvent(
          new w.MouseEvent('dblclick', { bubbles: true, cancelable: true, detail: 2 }),
        );
      return blocks.length;
    });
    if (count === 0) break;
    await settle(page);
  }
  await page.keyboard.press('f');
  await settle(page);
  // The minimap draws every node of the graph (the canvas only those on screen): lanes + items.
  return page.locator('.react-flow__minimap-node').count();
}

/** The screen box of a tier's lane: its header cell's columns, from the top of the canvas to its bottom. */
export async function laneBox(page: Page, tier: string): Promise<Box> {
  const cell = await page.locator(`.lane-header-cell[data-tier="${tier}"]`).boundingBox();
  const canvas = await page.locator('.react-flow__pane').boundingBox();
  if (!cell || !canvas) throw new Error(`The studio shows no ${tier} lane.`);
  return { x: cell.x, y: canvas.y, width: cell.width, height: canvas.height };
}

/** Layer nodes on `tier` wholly on screen inside the canvas, nearest the canvas's middle first. */
export async function layerNodesOn(page: Page, tier: string): Promise<{ id: string; box: Box }[]> {
  const canvas = await page.locator('.react-flow__pane').boundingBox();
  if (!canvas) throw new Error('The studio shows no canvas.');
  const nodes = page.locator(`.react-flow__node-layer:has(.layer-node[data-tier="${tier}"])`);
  const found: { id: string; box: Box }[] = [];
  for (let i = 0; i < (await nodes.count()); i++) {
    const node = nodes.nth(i);
    const box = await node.boundingBox();
    const id = await node.getAttribute('data-id');
    // Clear of the lane header at the top and the controls and minimap at the bottom.
    if (!box || !id || box.y < canvas.y + 60 || box.y + box.height > canvas.y + canvas.height - 200) continue;
    found.push({ id, box });
  }
  const middle = canvas.y + canvas.height / 2;
  return found.sort((a, b) => Math.abs(centre(a.box).y - middle) - Math.abs(centre(b.box).y - middle));
}

export async function armRelayout(page: Page): Promise<void> {
  await page.evaluate(
    (timeoutMs) => (globalThis as unknown as EditorProbeHost).__cutlineEditorBench!.armRelayout(timeoutMs),
    EDIT_TIMEOUT_MS,
  );
}

export const relayoutDone = (page: Page): Promise<EditTiming> =>
  page.evaluate(() => (globalThis as unknown as EditorProbeHost).__cutlineEditorBench!.relayoutDone());

export async function armFigure(page: Page, key: string): Promise<void> {
  await page.evaluate(
    ([figure, timeoutMs]) =>
      (globalThis as unknown as EditorProbeHost).__cutlineEditorBench!.armFigure(figure, timeoutMs),
    [key, EDIT_TIMEOUT_MS] as const,
  );
}

export const figureDone = (page: Page): Promise<EditTiming> =>
  page.evaluate(() => (globalThis as unknown as EditorProbeHost).__cutlineEditorBench!.figureDone());

/** Drags with the mouse from `from` to `to` in `steps` moves a frame apart, and drops there. */
export async function dragTo(page: Page, from: Point, to: Point, steps: number): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  for (let i = 1; i <= steps; i++) {
    await page.mouse.move(from.x + ((to.x - from.x) * i) / steps, from.y + ((to.y - from.y) * i) / steps);
    await new Promise((resolve) => setTimeout(resolve, 1000 / 60));
  }
  await page.mouse.up();
}

/** The lane header's link chip of the hop from `from` (e.g. "device") to the next tier. */
export const linkChip = (page: Page, from: string): Locator =>
  page
    .getByRole('toolbar', { name: 'Tiers and links' })
    .getByRole('button', { name: new RegExp(`^Link ${from} → `) });
