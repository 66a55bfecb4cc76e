/**
 * A data-dependent layer predicted from a measurement, in real Chromium against the web host
 * with real onnxruntime: the SSD-like detector opened as a user would, calibrated in the This
 * machine tab, this machine used as the Device; its NonMaxSuppression then reads `= t` (measured
 * here) instead of `≥ t`, in its badge, its details and its per-tier times, where the other
 * tiers read `≈` (scaled from the measurement); moved to the Edge it reads `≈`; the Suggestions
 * (solved by the host with the page's measurements) read none of their figures as bounds.
 */
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
  await session?.close(anyFailed, 'data-dependent-measured');
});

it('calibrated on this machine, the NMS reads as measured on the Device and scaled elsewhere', async () => {
  onTestFailed(() => void (anyFailed = true));
  await openModelBytes(page, 'detector.onnx', detectorModel());
  const nms = await searchLayer(page, 'cloud_nms');
  expect(await nms.locator('.badge-time').textContent()).toMatch(/^≥ \d/);

  const panel = await openTool(page, 'This machine');
  await panel.getByRole('spinbutton', { name: 'Runs' }).fill('5');
  await panel.getByRole('spinbutton', { name: 'Warm-up' }).fill('1');
  // The layer fit is enough here: the kernel-level fit (30-60 s more) is machine-kernels' test.
  await panel.getByRole('checkbox', { name: /^Kernel-level predictor/ }).uncheck();
  await panel.getByRole('button', { name: 'Calibrate' }).click();
  const calibration = panel.getByRole('region', { name: 'Calibration' });
  await expect.poll(() => calibration.count(), { timeout: 90_000 }).toBe(1);
  const use = panel.getByRole('group', { name: 'Use this machine' });
  await use.getByRole('combobox', { name: 'Tier' }).selectOption({ index: 0 });
  await use.getByRole('button', { name: 'Use' }).click();
  await expect.poll(() => use.textContent()).toContain('Device run on this machine');

  // On the Device, now this machine: the measured median, not a bound.
  await searchLayer(page, 'cloud_nms');
  const time = nms.locator('.badge-time');
  await expect.poll(() => time.textContent()).toMatch(/^= \d/);
  expect(await time.getAttribute('data-measured')).toBe('measured');
  expect(await time.getAttribute('title')).toMatch(
    /^Measured on this machine \(calibration \d{4}-\d\d-\d\d\)/,
  );
  const note = find.details(page).getByRole('note');
  expect(await note.textContent()).toMatch(/^Data-dependent: NonMaxSuppression .* Measured on this machine/);
  const perTier = find.details(page).getByRole('table', { name: 'Predicted time per tier' });
  const cells = await perTier.locator('td[data-value]').allTextContents();
  expect(cells[0]).toMatch(/^= /);
  expect(cells.slice(1).every((t) => t.startsWith('≈ '))).toBe(true);
  // Every data-dependent layer runs on this machine: the design's latency is no longer a bound.
  const latency = page.getByRole('region', { name: 'Design figures' }).locator('[data-key="latency"] dd');
  await expect.poll(() => latency.textContent()).not.toMatch(/^≥/);
  expect(await latency.getAttribute('title')).toContain("costed from this machine's calibration");
  // Nor does the note beside the figures call them lower bounds.
  const boundNote = page
    .getByRole('region', { name: 'Design figures' })
    .getByRole('note', { name: 'Figures are lower bounds' });
  await expect.poll(() => boundNote.count()).toBe(0);
  await screenshot(page, 'data-dependent-measured-device');

  // Moved to the Edge (another device): scaled from the measurement.
  await find
    .details(page)
    .getByRole('group', { name: 'Place the layer' })
    .getByRole('button', { name: 'Edge' })
    .click();
  await expect.poll(() => time.textContent()).toMatch(/^≈ \d/);
  expect(await time.getAttribute('title')).toMatch(/^Scaled from a measurement on this machine/);
  expect(await boundNote.count()).toBe(0);
  await screenshot(page, 'data-dependent-measured-edge');

  // The solvers plan with the same figures: the Suggestions table reads none of them as a bound.
  const suggestions = await openTool(page, 'Suggestions');
  await suggestions.getByRole('button', { name: 'Suggest', exact: true }).click();
  const table = suggestions.getByRole('table', { name: 'Suggestions' });
  await expect.poll(() => table.getByRole('row').count(), { timeout: 30_000 }).toBeGreaterThan(2);
  expect(await table.locator('tbody .bounded-figure').count()).toBe(0);
  const latencies = await table
    .locator('tbody tr')
    .evaluateAll((rows) =>
      (rows as unknown as { textContent: string | null }[]).map((row) => row.textContent ?? ''),
    );
  expect(latencies.every((row) => !row.includes('≥'))).toBe(true);
  await screenshot(page, 'data-dependent-measured-suggestions');
});
