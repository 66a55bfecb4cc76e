/**
 * "Save figures for Model Explorer…" in real Chromium: with a layer moved to the edge, the Export
 * tab writes the design's node-data files beside the bundle's folder, says how many, and shows the
 * command that opens them; the tier file places that layer on the edge.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';
import { parseNodeDataText } from '../../core/export/model-explorer.js';
import { openStudio, screenshot, type StudioSession } from './support/browser.js';
import { openTool } from './support/dock-page.js';
import * as find from './support/locators.js';

let session: StudioSession;
let page: Page;
let anyFailed = false;
let tmp: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-e2e-me-'));
  session = await openStudio({ colorScheme: 'light' });
  page = session.page;
  await find.modelTitle(page).filter({ hasText: 'edge-prune-vehicle' }).waitFor();
  await find.layerNodes(page).first().waitFor();
}, 120_000);

afterAll(async () => {
  await session?.close(anyFailed, 'model-explorer-figures');
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

it('writes the open design as Model Explorer node data and shows the command that opens it', async () => {
  onTestFailed(() => void (anyFailed = true));
  const label = (await find.layerNodes(page).last().getAttribute('aria-label'))!;
  const moved = label.replace(/^layer /, '');
  await find.layerNode(page, moved).click();
  await find.details(page).getByRole('button', { name: 'Edge', exact: true }).click();
  await expect
    .poll(() =>
      find.details(page).getByRole('button', { name: 'Edge', exact: true }).getAttribute('aria-pressed'),
    )
    .toBe('true');

  const panel = await openTool(page, 'Export');
  await panel.getByRole('textbox', { name: 'Bundle folder' }).fill(path.join(tmp, 'bundle'));
  await panel.getByRole('button', { name: 'Save figures for Model Explorer…' }).click();
  const status = panel.getByRole('status', { name: 'Model Explorer figures written' });
  const outDir = path.join(tmp, 'bundle-model-explorer');
  await expect.poll(() => status.textContent()).toContain(`node-data files to ${outDir}.`);
  const files = fs.readdirSync(outDir).sort();
  expect(files).toContain('edge-prune-vehicle.tier.json');
  expect(files).toContain('edge-prune-vehicle.predicted-ms-edge.json');
  const command = await status.locator('pre').textContent();
  expect(command).toMatch(
    /^model-explorer \S+edge-prune-vehicle\.onnx --extensions=model_explorer_onnx --node_data_paths=/,
  );
  expect(
    command!
      .split('--node_data_paths=')[1]!
      .split(',')
      .map((f) => path.basename(f))
      .sort(),
  ).toEqual(files);

  const tiers = parseNodeDataText(fs.readFileSync(path.join(outDir, 'edge-prune-vehicle.tier.json'), 'utf8'));
  const results = Object.values(tiers)[0]!.results;
  expect(results[moved]!.value).toBe('edge');
  await screenshot(page, 'model-explorer-figures');
}, 60_000);
