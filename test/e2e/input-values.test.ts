/**
 * An input value typed in the header, in Chromium against the web host: the Silero-VAD-like model
 * (an If on Equal(sr, 16000)) opens costed on its larger 8 kHz branch with the MACs marked as an
 * estimate that names the If, and a notice beside the figures says so and leads to the input
 * fields; `sr = 16000` and Enter re-analyse it on the 16 kHz branch and fade the 8 kHz branch's
 * layers as not run (badge, tooltip and details say so), and one Undo takes the value back. At
 * 1280 × 800 the notice wraps between its phrases, not inside one. Screenshots go to
 * test-results/screenshots/input-values-NN-*.png.
 */
import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';
import type { Page } from 'playwright-core';
import { formatCount } from '../../app/shared/format.js';
import { SR_BRANCH_MACS, srBranchModel } from '../support/branch-models.js';
import { openStudio, screenshot, type StudioSession } from './support/browser.js';
import { openModelBytes } from './support/editor-page.js';
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
  await openModelBytes(page, 'vad-like.onnx', srBranchModel());
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
  // At a common laptop width the notice wraps between its phrases, never inside one.
  await page.setViewportSize({ width: 1280, height: 800 });
  const lines = await notice
    .locator('.notice-phrase')
    .evaluateAll((spans) =>
      (spans as unknown as { getClientRects(): { length: number } }[]).map((s) => s.getClientRects().length),
    );
  expect(lines).toEqual([1, 1]);
  await screenshot(page, 'input-values-00-notice-1280');
  await page.setViewportSize({ width: 1440, height: 900 });
  // Undecided, both branches may run: neither is faded.
  expect(await page.locator('.layer-node[data-not-run]').count()).toBe(0);
  await notice.getByRole('button', { name: 'Bind inputs…' }).click();
  await expect.poll(() => page.locator(':focus').getAttribute('aria-label')).toBe('batch');
  await screenshot(page, 'input-values-01-undecided');

  await value.fill('16000');
  await value.press('Enter');
  await expect.poll(() => macs.textContent()).toContain(formatCount(SR_BRANCH_MACS.khz16));
  expect(await value.inputValue()).toBe('16000');
  expect(await macs.getAttribute('title')).not.toContain('depends on data');
  expect(await notice.textContent()).not.toContain('undecided');
  await screenshot(page, 'input-values-02-sr-16000');

  // The 8 kHz branch will not run: its layers are faded, say why, and cost nothing.
  const skipped = find.layerNode(page, 'by_rate/else_branch/mm8a');
  await expect.poll(() => skipped.locator('.layer-node').getAttribute('data-not-run')).toBe('true');
  const notRun = skipped.locator('.badge-not-run');
  expect(await notRun.textContent()).toBe('not run');
  expect(await notRun.getAttribute('title')).toBe(
    'Not run for sr = 16000: by_rate runs its then_branch: it costs nothing.',
  );
  expect(await skipped.locator('del.badge-macs').count()).toBe(1);
  expect(
    await find
      .layerNode(page, 'by_rate/else_branch/mm8b')
      .locator('.layer-node')
      .getAttribute('data-not-run'),
  ).toBe('true');
  const runs = find.layerNode(page, 'by_rate/then_branch/mm16').locator('.layer-node');
  expect(await runs.getAttribute('data-not-run')).toBeNull();
  expect(await runs.locator('.badge-not-run').count()).toBe(0);
  await skipped.click();
  const why = find.details(page).getByRole('note', { name: 'Not run' });
  await expect
    .poll(() => why.textContent())
    .toMatch(
      /^Not run for sr = 16000: by_rate runs its then_branch\. This layer never runs, so it costs nothing/,
    );
  await screenshot(page, 'input-values-03-branch-not-run');
  // Collapsed, the branch is one faded block that says the same.
  await find
    .details(page)
    .getByRole('navigation', { name: 'Enclosing blocks' })
    .getByRole('button', { name: 'else_branch' })
    .click();
  const branch = find.blockNode(page, '/by_rate/else_branch');
  await expect.poll(() => branch.locator('.block-node').getAttribute('data-not-run')).toBe('true');
  expect(await branch.locator('.badge-not-run').count()).toBe(1);
  await expect
    .poll(() => find.details(page).getByRole('note', { name: 'Not run' }).textContent())
    .toMatch(/^Not run for sr = 16000: by_rate runs its then_branch\. Its layers never run/);
  await screenshot(page, 'input-values-04-branch-block-not-run');
  await find.details(page).getByRole('button', { name: 'Expand block' }).click();

  await page.getByRole('button', { name: /^Undo/ }).click();
  await expect.poll(() => macs.textContent()).toContain(formatCount(SR_BRANCH_MACS.khz8));
  expect(await value.inputValue()).toBe('');
  // Undecided again: both branches are drawn as running.
  await expect.poll(() => page.locator('.graph-node[data-not-run]').count()).toBe(0);
});
