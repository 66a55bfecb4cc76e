/**
 * A 1,004-layer model stays usable: it opens collapsed to what a person can read, only what is
 * on screen is rendered, a search expands down to a deep layer and pans there, and the view
 * still answers after panning.
 */
import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';
import type { Page } from 'playwright-core';
import { openStudio, screenshot, type StudioSession } from './support/browser.js';
import { DEEP_LAYER_COUNT, deepModelBytes } from './support/deep-model.js';
import { openModelBytes } from './support/editor-page.js';
import * as find from './support/locators.js';

let session: StudioSession;
let page: Page;
let anyFailed = false;

beforeAll(async () => {
  session = await openStudio({ colorScheme: 'dark' });
  page = session.page;
  await find.modelTitle(page).filter({ hasText: 'edge-prune-vehicle' }).waitFor();
});

afterAll(async () => {
  await session?.close(anyFailed, 'big-model');
});

/** React Flow's pan and zoom, as the style of its viewport layer. */
const viewportTransform = (): Promise<string | null> =>
  page.locator('.react-flow__viewport').getAttribute('style');

it('opens a 1,000-layer model and renders only what is on screen', async () => {
  onTestFailed(() => void (anyFailed = true));
  await openModelBytes(page, 'deep1k.onnx', deepModelBytes());
  expect(await find.modelSummary(page).textContent()).toContain(
    `${DEEP_LAYER_COUNT} (${DEEP_LAYER_COUNT} nodes)`,
  );
  await expect.poll(async () => (await find.graphNodes(page).count()) > 0).toBe(true);
  expect(await find.graphNodes(page).count()).toBeLessThan(200);
  await screenshot(page, '07-deep-model');
});

it('expands a block in place and collapses it again', async () => {
  onTestFailed(() => void (anyFailed = true));
  // A stage of 50 blocks is too many children to read: it opens split into sections.
  const section = find.blockNode(page, '/stage0#section-1');
  expect(await section.textContent()).toContain('125 layers');
  expect(await section.textContent()).toContain('stage0 · section 1 of 2');
  // The section's badges are the sums over its 125 layers (25 blocks × 2 convs of 8 channels on 8×8).
  expect(await section.textContent()).toContain(
    `${((25 * (8 * 8 * 8 * 8 * 9 + 8 * 8 * 8 * 8)) / 1e6).toFixed(2)} M MACs`,
  );
  await section.dblclick();
  await expect.poll(() => find.blockNode(page, '/stage0/block0').count()).toBe(1);
  expect(await section.count()).toBe(0);
  await screenshot(page, '08-deep-model-expanded');

  // Enter on a collapsed block expands it and selects its first layer…
  await find.blockNode(page, '/stage0/block0').click();
  await page.keyboard.press('Enter');
  await expect.poll(() => find.details(page).textContent()).toContain('/stage0/block0/conv1/Conv');
  await expect.poll(() => find.layerNode(page, '/stage0/block0/conv1/Conv').count()).toBe(1);
  // …and Enter on a layer collapses the block around it, selecting the block.
  await page.keyboard.press('Enter');
  await expect.poll(() => find.layerNode(page, '/stage0/block0/conv1/Conv').count()).toBe(0);
  expect(await find.details(page).textContent()).toContain('Expand block');
});

it('searches down to a deep layer, then pans and still answers', async () => {
  onTestFailed(() => void (anyFailed = true));
  const target = '/stage3/block37/conv2/Conv';
  await page.getByRole('searchbox').fill('stage3/block37/conv2');
  await page.getByRole('searchbox').press('Enter');
  await expect.poll(() => find.details(page).textContent()).toContain(target);
  await expect.poll(() => find.insidePane(page, find.layerNode(page, target))).toBe(true);
  await screenshot(page, '09-deep-model-search');

  const before = await viewportTransform();
  const pane = (await find.graphPane(page).boundingBox())!;
  // From empty canvas left of the lanes (the centre may hold a layer, which would be dragged).
  await page.mouse.move(pane.x + 60, pane.y + pane.height - 60);
  await page.mouse.down();
  await page.mouse.move(pane.x + 460, pane.y + pane.height - 160, { steps: 10 });
  await page.mouse.up();
  await expect.poll(viewportTransform).not.toBe(before);
  // The window still answers: arrow keys move the selection along the edges (down the flow).
  await page.keyboard.press('ArrowDown');
  await expect.poll(() => find.details(page).textContent()).toContain('/stage3/block37/add/Add');
});
