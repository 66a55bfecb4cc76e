/**
 * The This machine tab calibrates as the tiers will run, in real Chromium against the web host
 * with real onnxruntime: on the Silero-VAD-like model with sr = 16000 typed in the header, the
 * tab offers a Threads field at 1 (the harness runs each tier with one), and the calibration says
 * it timed with 1 intra-op thread and fed sr = 16000. Calibrating again reuses what it kept, the
 * host peak too, so the figures stay where they were. Screenshot: machine-values-calibrated.png.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';
import { formatCount } from '../../app/shared/format.js';
import { SR_BRANCH_MACS, srBranchModel } from '../support/branch-models.js';
import { openStudio, screenshot, type StudioSession } from './support/browser.js';
import { openTool } from './support/dock-page.js';
import { openModelBytes } from './support/editor-page.js';
import * as find from './support/locators.js';

let session: StudioSession;
let page: Page;
let anyFailed = false;

beforeAll(async () => {
  session = await openStudio({ colorScheme: 'light' });
  page = session.page;
  await find.modelTitle(page).filter({ hasText: 'edge-prune-vehicle' }).waitFor();
}, 120_000);

afterAll(async () => {
  await session?.close(anyFailed, 'machine-values');
});

it("calibrates with the header's input value and one thread, and a second calibration keeps the peak", async () => {
  onTestFailed(() => void (anyFailed = true));
  await openModelBytes(page, 'vad-like.onnx', srBranchModel());
  const value = page.getByRole('form', { name: 'Input bindings' }).getByRole('textbox', { name: 'sr value' });
  await value.fill('16000');
  await value.press('Enter');
  const macs = find
    .modelSummary(page)
    .locator('div', { has: page.getByText('MACs', { exact: true }) })
    .locator('dd');
  await expect.poll(() => macs.textContent()).toContain(formatCount(SR_BRANCH_MACS.khz16));

  const panel = await openTool(page, 'This machine');
  const threads = panel.getByRole('spinbutton', { name: 'Threads' });
  expect(await threads.inputValue()).toBe('1');
  expect(await threads.getAttribute('title')).toContain('the harness runs each tier with 1');
  await panel.getByRole('spinbutton', { name: 'Runs' }).fill('2');
  await panel.getByRole('spinbutton', { name: 'Warm-up' }).fill('0');
  // The kernel-level fit (30-60 s more) is machine-kernels' test.
  await panel.getByRole('checkbox', { name: /^Kernel-level predictor/ }).uncheck();
  await panel.getByRole('button', { name: 'Calibrate' }).click();
  const figures = panel
    .getByRole('region', { name: 'Calibration' })
    .getByLabel('This machine', { exact: true });
  await expect.poll(() => figures.count(), { timeout: 90_000 }).toBe(1);
  const text = (await figures.textContent()) ?? '';
  expect(text).toContain('Threads1 intra-op thread, as the harness runs each tier');
  expect(text).toContain('Input valuessr = 16000 (fed to the model, as the figures assume)');
  expect(text).toContain('measured vad-like.onnx');
  const peak = /Peak([\d.]+) GFLOP\/s/.exec(text)?.[1];
  expect(peak).toMatch(/^\d+\.\d$/);
  await panel.scrollIntoViewIfNeeded();
  await screenshot(page, 'machine-values-calibrated');

  // Nothing new to time: the layers and the peak are the kept ones.
  await panel.getByRole('button', { name: 'Calibrate' }).click();
  await expect
    .poll(async () => (await figures.textContent()) ?? '', { timeout: 90_000 })
    .toContain('reused vad-like.onnx');
  const again = (await figures.textContent()) ?? '';
  expect(/Peak([\d.]+) GFLOP\/s/.exec(again)?.[1]).toBe(peak);
  expect(again).toMatch(
    /GFLOP\/s, kept from \d{4}-\d\d-\d\d \d\d:\d\d UTC \("Measure again" measures it anew\)/,
  );
  await screenshot(page, 'machine-values-kept-peak');
}, 180_000);
