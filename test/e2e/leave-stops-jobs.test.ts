/**
 * A page that is reloaded stops the jobs it started: its calibration (1,000 timed runs) ends
 * stopped, its `cutline profile` process gone, instead of running on with no page to show it. Real Chromium against the web host, real onnxruntime; processes read from `ps`.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Page } from 'playwright-core';
import type { JobEvent } from '../../app/shared/studio-api.js';
import { openStudio, type StudioSession } from './support/browser.js';
import { openTool } from './support/dock-page.js';
import * as find from './support/locators.js';
import { isRunning, processesNaming } from './support/tier-processes.js';

let session: StudioSession;
let page: Page;
let anyFailed = false;

beforeAll(async () => {
  session = await openStudio({ colorScheme: 'light' });
  page = session.page;
});

afterAll(async () => {
  await session?.close(anyFailed, 'leave-stops-jobs');
});

describe('a page that leaves', () => {
  it('stops its calibration when it is reloaded', async () => {
    onTestFailed(() => void (anyFailed = true));
    await expect.poll(() => find.modelTitle(page).textContent()).toContain('edge-prune-vehicle');
    // The profile command saves to `…/cutline-job-*/this-machine.json`; others may run one too.
    const before = new Set(await processesNaming('this-machine.json'));
    // How the calibration ends, as the host reports it (a finished one would end `done`).
    const ended = new Promise<JobEvent>((resolve) =>
      session.web.host.onJob((event) => {
        if (event.kind === 'profile' && (event.type === 'done' || event.type === 'failed')) resolve(event);
      }),
    );
    const panel = await openTool(page, 'This machine');
    await panel.getByRole('spinbutton', { name: 'Runs' }).fill('1000');
    await panel.getByRole('spinbutton', { name: 'Warm-up' }).fill('0');
    await panel.getByRole('button', { name: 'Calibrate' }).click();
    let ours: number[] = [];
    await expect
      .poll(
        async () => (ours = (await processesNaming('this-machine.json')).filter((pid) => !before.has(pid))),
        { timeout: 30_000 },
      )
      .not.toEqual([]);
    for (const pid of ours) expect(isRunning(pid)).toBe(true);

    await page.reload();
    expect(await ended).toMatchObject({ type: 'failed', error: { code: 'SESSION_CLOSED' } });
    await expect.poll(() => ours.filter((pid) => isRunning(pid)), { timeout: 30_000 }).toEqual([]);
  });
});
