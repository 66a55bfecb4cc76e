/**
 * Data-dependent layers in real Chromium: the SSD-like detector (test/support/data-dependent-models.ts)
 * opened as a user would, its NonMaxSuppression layer found by search shows a "data-dependent"
 * badge whose tooltip says why and how to measure it, its predicted time reads as a lower bound,
 * a layer after the fixed-size sum shows neither, and the figures bar marks the design's time
 * figures as bounds with a note beside them saying why. The Suggestions and Cut points tables,
 * the Export tab and its Model Explorer figures mark their predicted figures the same way.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';
import { detectorModel } from '../support/data-dependent-models.js';
import { openStudio, screenshot, type StudioSession } from './support/browser.js';
import { openTool } from './support/dock-page.js';
import { openModelBytes, searchLayer } from './support/editor-page.js';
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

it('badges the NonMaxSuppression layer as data-dependent and its time as a lower bound', async () => {
  onTestFailed(() => void (anyFailed = true));
  await openModelBytes(page, 'detector.onnx', detectorModel());

  const nms = await searchLayer(page, 'cloud_nms');
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
  const detections = await searchLayer(page, 'cloud_detections');
  expect(await detections.getByText('data-dependent', { exact: true }).count()).toBe(1);
  const scale = await searchLayer(page, 'cloud_scale');
  expect(await scale.getByText('data-dependent', { exact: true }).count()).toBe(0);
  expect(await scale.locator('.badge-time').textContent()).not.toContain('≥');

  const latency = page.getByRole('region', { name: 'Design figures' }).locator('[data-key="latency"] dd');
  expect(await latency.textContent()).toMatch(/^≥ /);
  expect(await latency.getAttribute('title')).toContain('4 layers are data-dependent');
});

it('a note beside the figures says why they read ≥, in one piece at 1280 × 800', async () => {
  onTestFailed(() => void (anyFailed = true));
  await page.setViewportSize({ width: 1280, height: 800 });
  const note = page
    .getByRole('region', { name: 'Design figures' })
    .getByRole('note', { name: 'Figures are lower bounds' });
  await expect.poll(() => note.textContent()).toBe('≥ lower bounds: 4 layers are data-dependent Measure…');
  expect(await note.getAttribute('title')).toContain('4 layers are data-dependent');
  // Each phrase stays on one line: the note wraps between them, if at all.
  const heights = await note
    .locator('.notice-phrase')
    .evaluateAll((spans) =>
      (spans as unknown as { getClientRects(): { length: number } }[]).map((s) => s.getClientRects().length),
    );
  expect(heights).toEqual([1, 1]);
  await screenshot(page, 'data-dependent-note-1280');
  await page.setViewportSize({ width: 1920, height: 1080 });
  await screenshot(page, 'data-dependent-note-1920');
  await page.setViewportSize({ width: 1440, height: 900 });
  // Measure… leads to the Run tab, where the exported bundle is run and timed.
  await note.getByRole('button', { name: 'Measure…' }).click();
  await expect
    .poll(() => page.getByRole('tab', { name: 'Run', exact: true }).getAttribute('aria-selected'))
    .toBe('true');
});

it('the Suggestions and Cut points tables read their predicted figures as bounds', async () => {
  onTestFailed(() => void (anyFailed = true));
  const suggestions = await openTool(page, 'Suggestions');
  await suggestions.getByRole('button', { name: 'Suggest', exact: true }).click();
  const table = suggestions.getByRole('table', { name: 'Suggestions' });
  await expect.poll(() => table.getByRole('row').count(), { timeout: 30_000 }).toBeGreaterThan(2);
  // Every placement runs the data-dependent layers somewhere: every row's times are bounds.
  const column = async (label: string): Promise<string[]> => {
    const heads = await table.getByRole('columnheader').allTextContents();
    const at = heads.findIndex((h) => h.startsWith(label));
    return table
      .locator('tbody tr')
      .evaluateAll(
        (rows, i) =>
          (rows as unknown as { children: ArrayLike<{ textContent: string | null }> }[]).map(
            (row) => row.children[i]?.textContent ?? '',
          ),
        at,
      );
  };
  for (const text of await column('Latency')) expect(text).toMatch(/^≥ \d/);
  for (const text of await column('Device energy')) expect(text).toMatch(/^≥ \d/);
  for (const text of await column('Throughput')) expect(text).toMatch(/^≤ \d/);
  const bound = table.locator('tbody .bounded-figure');
  expect(await bound.first().getAttribute('title')).toContain('4 layers are data-dependent');
  expect(
    await table.locator('tbody .bounded-figure', { hasText: '≤' }).first().getAttribute('title'),
  ).toContain('an upper bound');
  await screenshot(page, 'data-dependent-suggestions');

  const cuts = await openTool(page, 'Cut points');
  await cuts.getByRole('button', { name: 'Rank cut points' }).click();
  const cutTable = cuts.getByRole('table', { name: 'Cut points' });
  await expect.poll(() => cutTable.getByRole('row').count(), { timeout: 30_000 }).toBeGreaterThan(2);
  const cutRow = (name: RegExp) =>
    cutTable.getByRole('row').filter({ has: page.getByRole('rowheader', { name }) });
  const cells = async (name: RegExp): Promise<string[]> => cutRow(name).getByRole('cell').allTextContents();
  const heads = await cutTable.getByRole('columnheader').allTextContents();
  // Cells follow the row header: column c is cell c - 1.
  const at = (label: string): number => heads.findIndex((h) => h.startsWith(label)) - 1;
  // Nothing on the device: the device computes nothing data-dependent, the server all of it.
  const serverOnly = await cells(/nothing on the device/);
  expect(serverOnly[at('Device compute')]).not.toContain('≥');
  expect(serverOnly[at('Server compute')]).toMatch(/^≥ \d/);
  expect(serverOnly[at('Latency')]).toMatch(/^≥ \d/);
  expect(serverOnly[at('Device energy')]).toMatch(/^≥ \d/);
  // Everything on the device: the other way round.
  const deviceOnly = await cells(/everything on the device/);
  expect(deviceOnly[at('Device compute')]).toMatch(/^≥ \d/);
  expect(deviceOnly[at('Server compute')]).not.toContain('≥');
  await screenshot(page, 'data-dependent-cut-points');
}, 60_000);

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

    // Model Explorer shows plain numbers: the Export tab says which of them are lower bounds.
    const explorer = panel.getByRole('group', { name: 'Model Explorer figures' });
    await explorer.getByRole('button', { name: 'Save figures for Model Explorer…' }).click();
    const written = explorer.getByRole('status', { name: 'Model Explorer figures written' });
    await expect.poll(() => written.count(), { timeout: 60_000 }).toBe(1);
    expect(await written.textContent()).toContain(
      'The predicted times of the 4 data-dependent layers are lower bounds (≥)',
    );
    expect(await written.locator('.bounded-figure').getAttribute('title')).toContain(
      '4 layers are data-dependent',
    );
    await written.scrollIntoViewIfNeeded();
    await screenshot(page, 'data-dependent-model-explorer');
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}, 150_000);
