/**
 * An input value typed in the header, in Chromium against the web host: the Silero-VAD-like model
 * (an If on Equal(sr, 16000)) opens costed on its larger 8 kHz branch with the MACs marked as an
 * estimate that names the If, and a notice beside the figures says so and leads to the input
 * fields; `sr = 16000` and Enter re-analyse it on the 16 kHz branch, and one
 * Undo takes the value back. Screenshots go to test-results/screenshots/input-values-NN-*.png.
 */
import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';
import type { Page } from 'playwright-core';
import { formatCount } from '../../app/shared/format.js';
import { SR_BRANCH_MACS, srBranchModel } from '../support/branch-models.js';
import { openStudio, screenshot, type StudioSession } from './support/browser.js';
import * as find from './support/locators.js';

let session: StudioSession;
let page: Page;
let anyFailed = false;

beforeAll(async () => {
  session = await openStudio({ colorScheme: 'light' });
  page = session.page;
  await find.modelTitle(page).filter({ hasText: 'edge-prune-vehicle' }).waitFor();
});

afterAll(async () => {
  await session?.close(anyFailed, 'input-values');
});

it('a value typed for sr costs the branch it selects, as one undoable step', async () => {
  onTestFailed(() => void (anyFailed = true));
  await page.getByLabel('Model file').setInputFiles({
    name: 'vad-like.onnx',
    mimeType: 'application/octet-stream',
    buffer: Buffer.from(srBranchModel()),
  });
  await expect.poll(() => find.modelTitle(page).textContent()).toBe('vad-like.onnx');
  const macs = find
    .modelSummary(page)
    .locator('div', { has: page.getByText('MACs', { exact: true }) })
    .locator('dd');
  const form = page.getByRole('form', { name: 'Input bindings' });
  const value = form.getByRole('textbox', { name: 'sr value' });
  // x [batch, 64] is data: only the scalar sr is offered a value.
  await expect.poll(() => form.getByRole('textbox').count()).toBe(2);
  expect(await value.inputValue()).toBe('');
  await expect.poll(() => macs.textContent()).toContain(formatCount(SR_BRANCH_MACS.khz8));
  expect(await macs.getAttribute('title')).toContain('The condition of by_rate depends on data');
  // Beside the figures, what they assume, and the way to the fields that lift it.
  const notice = page.getByRole('note', { name: 'Figures are estimates' });
  expect(await notice.textContent()).toContain(
    "Estimates: batch unbound: assumed 1; by_rate's branch undecided: the larger costed",
  );
  await notice.getByRole('button', { name: 'Bind inputs…' }).click();
  await expect
    .poll(() => page.locator(':focus').getAttribute('aria-label'))
    .toBe('batch');
  await screenshot(page, 'input-values-01-undecided');

  await value.fill('16000');
  await value.press('Enter');
  await expect.poll(() => macs.textContent()).toContain(formatCount(SR_BRANCH_MACS.khz16));
  expect(await value.inputValue()).toBe('16000');
  expect(await macs.getAttribute('title')).not.toContain('depends on data');
  expect(await notice.textContent()).not.toContain('undecided');
  await screenshot(page, 'input-values-02-sr-16000');

  await page.getByRole('button', { name: /^Undo/ }).click();
  await expect.poll(() => macs.textContent()).toContain(formatCount(SR_BRANCH_MACS.khz8));
  expect(await value.inputValue()).toBe('');
});
