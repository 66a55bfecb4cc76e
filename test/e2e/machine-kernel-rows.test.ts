/**
 * The This machine tab under a kernel-level calibration, in real Chromium against the web host
 * with real onnxruntime: the studio reopened on a config folder that keeps one (the vehicle sample
 * timed per node and kernel by kernel, as `cutline profile --kernels --save` keeps them) shows
 * each kernel as the tiers run it against its kernel-level prediction, and the ReLUs onnxruntime
 * fuses into their Gemm as "fused into /L3/dense/Gemm", in the table and in the layer's details,
 * instead of a measured-alone time against a prediction of 0.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';
import { calibrateKernels } from '../../core/profiling/kernel-calibrate.js';
import { withKernelModels } from '../../core/profiling/kernel-fit.js';
import {
  measurementTablePath,
  readMeasurementTable,
  writeMeasurementTable,
} from '../../core/profiling/measurement-table-file.js';
import { loadDeviceProfile } from '../../core/profiles/load.js';
import { openStudio, screenshot, type StudioSession } from './support/browser.js';
import { openTool } from './support/dock-page.js';
import * as find from './support/locators.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../../bin/cutline.js');
const VEHICLE = path.resolve(import.meta.dirname, '../../samples/edge-prune-vehicle.onnx');

let session: StudioSession;
let page: Page;
let anyFailed = false;

beforeAll(async () => {
  // The kept calibration, with one thread as the tab calibrates by default. The generated kernel
  // samples (most of a minute) are left out: the rows are this model's own kernels either way.
  const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-e2e-kernel-rows-'));
  const saved = path.join(configDir, 'this-machine.json');
  const quick = ['--runs', '1', '--warmup', '0', '--threads', '1'];
  await run(process.execPath, [CLI, 'profile', VEHICLE, ...quick, '--save', saved]);
  const { table: kernels, ...fit } = await calibrateKernels([{ path: VEHICLE }], {
    runs: 2,
    warmup: 1,
    intraOpThreads: 1,
    withoutSamples: true,
  });
  fs.writeFileSync(
    saved,
    JSON.stringify(withKernelModels(loadDeviceProfile(saved), fit, 'measured in the test')),
  );
  const table = measurementTablePath(saved);
  writeMeasurementTable(table, { ...readMeasurementTable(table), kernels });

  session = await openStudio({ colorScheme: 'light', configDir });
  page = session.page;
  await find.modelTitle(page).filter({ hasText: 'edge-prune-vehicle' }).waitFor();
}, 90_000);

afterAll(async () => {
  await session?.close(anyFailed, 'machine-kernel-rows');
});

/** The table's rows as [layer, op, measured, predicted, error] texts. */
async function tableRows(): Promise<string[][]> {
  return page
    .getByRole('table', { name: 'Measured and predicted per layer' })
    .locator('tbody tr')
    .evaluateAll((rows) =>
      (rows as unknown as { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> }[]).map(
        (row) => Array.from(row.querySelectorAll('th, td'), (cell) => cell.textContent ?? ''),
      ),
    );
}

it('shows kernels as the tiers run them, fused layers in the kernel of their anchor', async () => {
  onTestFailed(() => void (anyFailed = true));
  const panel = await openTool(page, 'This machine');
  const calibration = panel.getByRole('region', { name: 'Calibration' });
  await expect.poll(() => calibration.count(), { timeout: 60_000 }).toBe(1);
  const rows = await tableRows();
  const byLayer = new Map(rows.map((row) => [row[0]!, row]));
  // Both ReLUs after a Gemm run inside it (onnxruntime's Gemm + activation fusion).
  expect(byLayer.get('/L3/relu/Relu')).toEqual([
    '/L3/relu/Relu',
    'Relu',
    'fused into /L3/dense/Gemm',
    '–',
    '–',
  ]);
  expect(byLayer.get('/L4/relu/Relu')).toEqual([
    '/L4/relu/Relu',
    'Relu',
    'fused into /L4/dense/Gemm',
    '–',
    '–',
  ]);
  for (const anchor of ['/L1/conv/Conv', '/L3/dense/Gemm', '/L4/dense/Gemm'])
    expect(byLayer.get(anchor)?.slice(2)).toEqual([
      expect.stringMatching(/ (ms|µs)$/),
      expect.stringMatching(/ (ms|µs)$/),
      expect.stringMatching(/^[+-]\d+\.\d %$/),
    ]);
  // Largest misses first; the fused rows, with no error of their own, last.
  expect(
    rows
      .slice(-2)
      .map((row) => row[0])
      .sort(),
  ).toEqual(['/L3/relu/Relu', '/L4/relu/Relu']);
  await expect
    .poll(() => panel.getByText(/kernels as a tier runs them \(graph optimisations on\)/).count())
    .toBe(1);
  await page.getByRole('table', { name: 'Measured and predicted per layer' }).scrollIntoViewIfNeeded();
  await screenshot(page, 'machine-kernel-rows');

  await page.getByRole('searchbox').fill('/L3/relu/Relu');
  await page.getByRole('searchbox').press('Enter');
  await expect
    .poll(() => find.details(page).getByLabel('Measured on this machine').textContent())
    .toMatch(
      /^runs inside the kernel of \/L3\/dense\/Gemm on this machine \(calibration \d{4}-\d\d-\d\d\): measured and predicted with it$/,
    );
  await screenshot(page, 'machine-kernel-rows-details');
}, 120_000);
