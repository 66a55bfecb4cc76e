/**
 * The This machine tab keeps its calibration, in real Chromium against the web host with real
 * onnxruntime: calibrating the open sample fills a table of measured against predicted per
 * layer, the largest misses first and sortable by its headers; the selected layer's details say
 * the same figures; and after the page is reloaded (the studio reopened on the same config
 * folder) the tab shows the kept calibration again without timing anything.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';
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
  await find.layerNodes(page).first().waitFor();
}, 120_000);

afterAll(async () => {
  await session?.close(anyFailed, 'machine-measured');
});

/** The table's rows as [layer, op, measured, predicted, error] texts. */
async function tableRows(page: Page): Promise<string[][]> {
  const table = page.getByRole('table', { name: 'Measured and predicted per layer' });
  return table
    .locator('tbody tr')
    .evaluateAll((rows) =>
      (rows as unknown as { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> }[]).map(
        (row) => Array.from(row.querySelectorAll('th, td'), (cell) => cell.textContent ?? ''),
      ),
    );
}

const errorOf = (text: string): number => Math.abs(Number(text.replace(/[^\d.+-]/g, '')));

it('calibrates, shows measured against predicted per layer, and shows it again after a reload', async () => {
  onTestFailed(() => void (anyFailed = true));
  const panel = await openTool(page, 'This machine');
  await panel.getByRole('spinbutton', { name: 'Runs' }).fill('2');
  await panel.getByRole('spinbutton', { name: 'Warm-up' }).fill('1');
  // The kernel-level fit (30-60 s more) is machine-kernels' test; this one reads the layer fit.
  await panel.getByRole('checkbox', { name: /^Kernel-level predictor/ }).uncheck();
  await panel.getByRole('button', { name: 'Calibrate' }).click();
  const calibration = panel.getByRole('region', { name: 'Calibration' });
  await expect.poll(() => calibration.count(), { timeout: 90_000 }).toBe(1);
  expect(await calibration.getByLabel('This machine', { exact: true }).textContent()).toMatch(
    /Measurementscalibration \d{4}-\d\d-\d\d; measured edge-prune-vehicle\.onnx; kept for the next calibration/,
  );
  const rows = await tableRows(page);
  expect(rows.length).toBeGreaterThan(5);
  // The largest misses first.
  const errors = rows.map((row) => errorOf(row[4]!));
  expect(errors).toEqual([...errors].sort((a, b) => b - a));
  await page.getByRole('table', { name: 'Measured and predicted per layer' }).scrollIntoViewIfNeeded();
  await screenshot(page, 'machine-measured-table');

  // Sorting by measured time, slowest first.
  const table = page.getByRole('table', { name: 'Measured and predicted per layer' });
  await table.getByRole('button', { name: 'Measured' }).click();
  await expect
    .poll(() => table.getByRole('columnheader', { name: /Measured/ }).getAttribute('aria-sort'))
    .toBe('descending');
  const byMeasured = await tableRows(page);
  const measuredOrder = byMeasured.map((row) => errorOf(row[2]!) * (row[2]!.endsWith('µs') ? 1e-3 : 1));
  expect(measuredOrder).toEqual([...measuredOrder].sort((x, y) => y - x));

  // The slowest layer drawn on the canvas: its details give the same figures.
  const drawn = new Set(
    await find
      .layerNodes(page)
      .evaluateAll((nodes) =>
        (nodes as unknown as { getAttribute(name: string): string | null }[]).map((node) =>
          (node.getAttribute('aria-label') ?? '').replace(/^layer /, ''),
        ),
      ),
  );
  const slowest = byMeasured.find((row) => drawn.has(row[0]!))!;
  await find.layerNode(page, slowest[0]!).click();
  const line = find.details(page).getByLabel('Measured on this machine');
  await expect
    .poll(() => line.textContent())
    .toMatch(
      new RegExp(
        `^measured ${slowest[2]!.replace('.', '\\.')} on this machine \\(calibration \\d{4}-\\d\\d-\\d\\d\\), predicted ${slowest[3]!.replace('.', '\\.')}$`,
      ),
    );
  expect(slowest[2]).toMatch(/ (ms|µs)$/);

  await screenshot(page, 'machine-measured-details');

  // The studio reopened: the kept calibration comes back from the config folder, nothing timed.
  await page.reload();
  await find.modelTitle(page).filter({ hasText: 'edge-prune-vehicle' }).waitFor();
  const reopened = await openTool(page, 'This machine');
  const kept = reopened.getByRole('region', { name: 'Calibration' });
  await expect.poll(() => kept.count(), { timeout: 60_000 }).toBe(1);
  expect(await kept.getByLabel('This machine', { exact: true }).textContent()).toMatch(
    /reused edge-prune-vehicle\.onnx; kept for the next calibration/,
  );
  expect((await tableRows(page)).map((row) => row.slice(0, 3)).sort()).toEqual(
    rows.map((row) => row.slice(0, 3)).sort(),
  );
  await screenshot(page, 'machine-measured-reopened');
}, 180_000);
