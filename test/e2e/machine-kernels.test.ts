/**
 * The This machine tab calibrates with the kernel-level predictor unless told not to: the option
 * is ticked when the tab opens, a calibration then times kernels after the layer runs (the
 * progress says "timing kernels N/M", read from `cutline profile --kernels`'s stderr), and Cancel
 * stops it there as any job. Real Chromium against the web host, real onnxruntime; the kernel
 * timing is cancelled as soon as it shows, so the whole fit (30-60 s) is not waited for.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';
import type { JobEvent } from '../../app/shared/studio-api.js';
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
}, 120_000);

afterAll(async () => {
  await session?.close(anyFailed, 'machine-kernels');
});

it('ticks the kernel-level predictor by default, shows its kernels being timed and cancels there', async () => {
  onTestFailed(() => void (anyFailed = true));
  // How the calibration ends, as the host reports it; the tab's look for a kept calibration (none
  // in this fresh config folder: NOT_FOUND, before any command) is not it.
  const ended = new Promise<JobEvent>((resolve) =>
    session.web.host.onJob((event) => {
      if (event.kind !== 'profile') return;
      if (event.type === 'done' || (event.type === 'failed' && event.error.code !== 'NOT_FOUND'))
        resolve(event);
    }),
  );
  const panel = await openTool(page, 'This machine');
  const option = panel.getByRole('checkbox', { name: /^Kernel-level predictor \(as tiers run it/ });
  expect(await option.isChecked()).toBe(true);
  await panel.getByRole('spinbutton', { name: 'Runs' }).fill('1');
  await panel.getByRole('spinbutton', { name: 'Warm-up' }).fill('0');
  await panel.getByRole('button', { name: 'Calibrate' }).click();

  const progress = panel.getByRole('status', { name: 'Calibrating' });
  await expect
    .poll(() => progress.locator('.run-progress-message').textContent(), { timeout: 60_000 })
    .toMatch(/^timing kernels \d+\/\d+$/);
  // Past the layer runs: the bar stands where the kernel timing's share begins.
  const bar = await progress
    .getByRole('progressbar')
    .evaluate((el) => (el as unknown as { value: number }).value);
  expect(bar).toBeGreaterThanOrEqual(0.3);
  await screenshot(page, 'machine-kernels-timing');

  await progress.getByRole('button', { name: 'Cancel' }).click();
  expect(await ended).toMatchObject({ type: 'failed', error: { code: 'CANCELLED' } });
  await expect.poll(() => panel.getByText('Cancelled.').count()).toBe(1);
  expect(await panel.getByRole('region', { name: 'Calibration' }).count()).toBe(0);
});
