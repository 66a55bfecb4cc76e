/**
 * The canvas's own overlays, in Chromium with real mouse input: a dragged layer is drawn as a
 * ghost under the pointer while the laid-out node stays where it is, dimmed (React Flow's nodes
 * are not moved during a drag), and Escape leaves nothing behind; the minimap is drawn from the
 * layout and a click on it pans the canvas there.
 */
import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';
import type { Page } from 'playwright-core';
import { openStudio, screenshot, type StudioSession } from './support/browser.js';
import { boxOf, centre, laneX } from './support/editor-page.js';
import * as find from './support/locators.js';

let session: StudioSession;
let page: Page;
let anyFailed = false;

beforeAll(async () => {
  session = await openStudio({ colorScheme: 'light' });
  page = session.page;
  await find.modelTitle(page).filter({ hasText: 'edge-prune-vehicle' }).waitFor();
  await find.graphNodes(page).first().waitFor();
});

afterAll(async () => {
  await session?.close(anyFailed, 'canvas-overlays');
});

/** The page's own types, for code run in it (this project's node-side tsconfig has no DOM). */
interface PageWindow {
  getComputedStyle(element: unknown): { opacity: string };
}
interface PageCanvas {
  readonly width: number;
  readonly height: number;
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
  };
}

const opacityOf = (element: ReturnType<typeof find.graphNodes>): Promise<number> =>
  element.evaluate((el) => Number((globalThis as unknown as PageWindow).getComputedStyle(el).opacity));

const viewportTransform = (): Promise<string | null> =>
  page.locator('.react-flow__viewport').getAttribute('style');

it('draws a dragged layer as a ghost under the pointer, the real node dimmed in place; Escape leaves nothing', async () => {
  onTestFailed(() => void (anyFailed = true));
  const node = find.graphNodes(page).first();
  const id = (await node.getAttribute('aria-label'))!.replace(/^(layer|block) /, '');
  const before = await boxOf(node);
  const from = centre(before);
  const to = { x: await laneX(page, 'Edge'), y: from.y + 30 };
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 12 });

  const ghost = page.locator('.drag-ghost');
  await expect.poll(() => ghost.count()).toBe(1);
  expect(await ghost.textContent()).toBe(id);
  // Under the pointer, as far from it as the grab point was (within React Flow's 4 px threshold).
  const drawn = centre(await boxOf(ghost));
  expect(Math.abs(drawn.x - to.x)).toBeLessThan(8);
  expect(Math.abs(drawn.y - to.y)).toBeLessThan(8);
  // The laid-out node has not moved; it is dimmed; the figures preview the move.
  expect(await boxOf(node)).toEqual(before);
  expect(await opacityOf(node)).toBeLessThan(1);
  await expect.poll(() => page.locator('[aria-label="Design figures"][data-preview]').count()).toBe(1);
  await screenshot(page, 'canvas-ghost-drag');

  await page.keyboard.press('Escape');
  await expect.poll(() => ghost.count()).toBe(0);
  expect(await page.locator('[aria-label="Design figures"][data-preview]').count()).toBe(0);
  await page.mouse.up();
  expect(await opacityOf(node)).toBe(1);
  // Nothing was recorded.
  expect(await page.getByRole('group', { name: 'History' }).getByRole('button').first().isDisabled()).toBe(
    true,
  );
});

it('draws the minimap from the layout and pans the canvas to where it is clicked', async () => {
  onTestFailed(() => void (anyFailed = true));
  const minimap = page.getByRole('img', { name: 'Minimap' });
  expect(await minimap.count()).toBe(1);
  // The layout is painted: the map's canvas has coloured pixels.
  const painted = await minimap.locator('canvas').evaluate((element) => {
    const canvas = element as unknown as PageCanvas;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let coloured = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) coloured++;
    return coloured;
  });
  expect(painted).toBeGreaterThan(100);

  const map = await boxOf(minimap);
  const windowBefore = await boxOf(minimap.locator('.overview-map-window'));
  const transformBefore = await viewportTransform();
  // A click near the map's bottom: the canvas pans there and the map's viewport box follows.
  const target = { x: map.x + map.width / 2, y: map.y + map.height - 6 };
  await page.mouse.click(target.x, target.y);
  await expect.poll(viewportTransform).not.toBe(transformBefore);
  const windowAfter = await boxOf(minimap.locator('.overview-map-window'));
  expect(windowAfter.y).toBeGreaterThan(windowBefore.y);
  expect(Math.abs(centre(windowAfter).y - target.y)).toBeLessThan(2);
  await screenshot(page, 'canvas-minimap-click');
});
