/**
 * Data-dependent layers in real Chromium: the SSD-like detector (test/support/data-dependent-models.ts)
 * opened as a user would, its NonMaxSuppression layer found by search shows a "data-dependent"
 * badge whose tooltip says why and how to measure it, its predicted time reads as a lower bound,
 * a layer after the fixed-size sum shows neither, and the figures bar marks the design's time
 * figures as bounds.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';
import { detectorModel } from '../support/data-dependent-models.js';
import { openStudio, screenshot, type StudioSession } from './support/browser.js';
import { openTool } from './support/dock-page.js';
import * as find from './support/locators.js';

let session: StudioSession;
let page: Page;
let anyFailed = false;

beforeAll(async () => {
  session = await openStudio({ colorScheme: 'light' });
  page = session.page;
  await find.modelTitle(page).filter({ hasText: 'edge-prune-vehicle' }).waitFor();
}, 60_000);

afterAll(async () => {
  await session?.close(anyFailed, 'data-dependent');
});

/** Finds a layer by search, as a user would, and returns its node once it is drawn. */
async function searchLayer(id: string): Promise<ReturnType<typeof find.layerNode>> {
  await page.getByRole('searchbox').fill(id);
  await page.getByRole('searchbox').press('Enter');
  await expect.poll(() => find.details(page).textContent()).toContain(id);
  const node = find.layerNode(page, id);
  await expect.poll(() => find.insidePane(page, node)).toBe(true);
  return node;
}

it('badges the NonMaxSuppression layer as data-dependent and its time as a lower bound', async () => {
  onTestFailed(() => void (anyFailed = true));
  await page.getByLabel('Model file').setInputFiles({
    name: 'detector.onnx',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from(detectorModel()),
  });
  await expect.poll(() => find.modelTitle(page).textContent()).toBe('detector.onnx');

  const nms = await searchLayer('cloud_nms');
  const badge = nms.getByText('data-dependent', { exact: true });
  await expect.poll(() => badge.isVisible()).toBe(true);
  const tooltip = (await badge.getAttribute('title')) ?? '';
  expect(tooltip).toMatch(/^NonMaxSuppression keeps as many boxes as the scores let through/);
  expect(tooltip).toContain('the predicted time is only a lower bound');
  expect(tooltip).toContain('Run tab');
  expect(tooltip).toContain('import an onnxruntime profile');
  expect(await nms.locator('.badge-time').textContent()).toMatch(/^≥ \d/);
  // The selected layer's details say the same, in words.
  expect(await find.details(page).getByRole('note').textContent()).toMatch(
    /^Data-dependent: NonMaxSuppression keeps .* predicted times are lower bounds/,
  );
  const perTier = find.details(page).getByRole('table', { name: 'Predicted time per tier' });
  expect((await perTier.locator('td[data-value]').allTextContents()).every((t) => t.startsWith('≥ '))).toBe(
    true,
  );
  // The Costs table below says the same of its time and energy: bounds, not estimates.
  const costs = find.details(page).getByRole('table', { name: 'Costs' });
  for (const row of ['Predicted time (its tier)', 'Device energy']) {
    expect(await costs.getByRole('row', { name: row }).getByRole('cell').textContent()).toMatch(/^≥ \d/);
  }
  await screenshot(page, 'data-dependent-nms');

  // Gathering the kept boxes depends on their number too; scaling their fixed-size sum does not.
  const detections = await searchLayer('cloud_detections');
  expect(await detections.getByText('data-dependent', { exact: true }).count()).toBe(1);
  const scale = await searchLayer('cloud_scale');
  expect(await scale.getByText('data-dependent', { exact: true }).count()).toBe(0);
  expect(await scale.locator('.badge-time').textContent()).not.toContain('≥');

  const latency = page.getByRole('region', { name: 'Design figures' }).locator('[data-key="latency"] dd');
  expect(await latency.textContent()).toMatch(/^≥ /);
  expect(await latency.getAttribute('title')).toContain('4 layers are data-dependent');
});

it('the Export tab reads its predicted latency and energy as lower bounds too', async () => {
  onTestFailed(() => void (anyFailed = true));
  const panel = await openTool(page, 'Export');
  const serving = panel.getByRole('group', { name: 'Serving' });
  await expect.poll(() => serving.textContent()).toMatch(/Tiers relay .*\(≥ \d/);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-e2e-data-dependent-'));
  try {
    await panel.getByRole('textbox', { name: 'Bundle folder' }).fill(path.join(out, 'bundle'));
    await panel.getByRole('button', { name: 'Export', exact: true }).click();
    const predicted = panel.getByRole('region', { name: 'Export result' }).getByLabel('Predicted');
    await expect.poll(() => predicted.count(), { timeout: 60_000 }).toBe(1);
    const [latency, energy] = await predicted.locator('dd').allTextContents();
    expect(latency).toMatch(/^≥ \d/);
    expect(energy).toMatch(/^≥ \d/);
    expect(await predicted.locator('dd').first().getAttribute('title')).toContain(
      '4 layers are data-dependent',
    );
    await screenshot(page, 'data-dependent-export');
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}, 90_000);
