/**
 * "Import onnxruntime profile…" in real Chromium: a profile real onnxruntime-node writes for the
 * open sample is picked in the This machine tab, and every layer drawn shows as its measured time
 * the very figure `cutline profile --from-ort-profile` reports for its node, on its badge and in
 * the selected layer's details.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';
import { analyzeFile } from '../../core/analyze.js';
import { concreteInputShapes, randomFeeds } from '../../core/profiling/feeds.js';
import { findTraceFile } from '../../core/profiling/trace-file.js';
import { formatMs } from '../../app/renderer/util/format.js';
import { openStudio, screenshot, type StudioSession } from './support/browser.js';
import { openTool } from './support/dock-page.js';
import * as find from './support/locators.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../../bin/cutline.js');
const SAMPLE = path.resolve(import.meta.dirname, '../../samples/edge-prune-vehicle.onnx');

let session: StudioSession;
let page: Page;
let anyFailed = false;
let tmp: string;
let profileFile: string;
/** Node name → measured ms, as the CLI reports them for the profile. */
let cliTimes: Map<string, number>;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-e2e-ort-'));
  const analysis = analyzeFile(SAMPLE);
  const feeds = randomFeeds(analysis, concreteInputShapes(analysis.graph));
  const ortSession = await ort.InferenceSession.create(SAMPLE, {
    enableProfiling: true,
    profileFilePrefix: path.join(tmp, 'vehicle'),
    graphOptimizationLevel: 'disabled',
  });
  for (let i = 0; i < 3; i++) await ortSession.run(feeds);
  ortSession.endProfiling();
  await ortSession.release();
  profileFile = findTraceFile(path.join(tmp, 'vehicle'));
  const { stdout } = await run(process.execPath, [
    CLI,
    'profile',
    SAMPLE,
    '--from-ort-profile',
    profileFile,
    '--json',
  ]);
  const report = JSON.parse(stdout) as { models: { nodes: { name: string; measuredMs: number | null }[] }[] };
  cliTimes = new Map(
    report.models[0]!.nodes.flatMap((n) => (n.measuredMs === null ? [] : [[n.name, n.measuredMs] as const])),
  );

  session = await openStudio({ colorScheme: 'light' });
  page = session.page;
  await find.modelTitle(page).filter({ hasText: 'edge-prune-vehicle' }).waitFor();
  await find.layerNodes(page).first().waitFor();
}, 120_000);

afterAll(async () => {
  await session?.close(anyFailed, 'ort-profile-import');
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

/** Layer id → the text of its measured time badge ('' when it shows none), for every layer drawn. */
const measuredBadges = (): Promise<[string, string][]> =>
  find.layerNodes(page).evaluateAll((nodes) =>
    (
      nodes as unknown as {
        getAttribute(name: string): string | null;
        querySelector(selector: string): { textContent: string | null } | null;
      }[]
    ).map((node) => [
      (node.getAttribute('aria-label') ?? '').replace(/^layer /, ''),
      node.querySelector('.badge-measured')?.textContent ?? '',
    ]),
  );

it('lays an imported profile over the graph: each layer shows the time cutline profile reports for it', async () => {
  onTestFailed(() => void (anyFailed = true));
  expect(cliTimes.size).toBeGreaterThan(0);
  const panel = await openTool(page, 'This machine');
  await panel.getByRole('button', { name: 'Import onnxruntime profile…' }).waitFor();
  await page.getByLabel('onnxruntime profile file').setInputFiles(profileFile);
  const notice = page.getByRole('status', { name: 'Notice' });
  await expect
    .poll(() => notice.textContent())
    .toMatch(/Imported vehicle_.*\.json: \d+ layers timed, medians of 3 runs\./);

  await expect.poll(async () => (await measuredBadges()).every(([, text]) => text !== '')).toBe(true);
  const badges = await measuredBadges();
  expect(badges.length).toBeGreaterThan(0);
  for (const [id, text] of badges) {
    expect(cliTimes.has(id), id).toBe(true);
    expect(text, id).toBe(`${formatMs(cliTimes.get(id)!)} measured`);
  }
  // The selected layer's details give the same figure as its badge, as a measurement.
  const [firstId, firstBadge] = badges[0]!;
  await find.layerNode(page, firstId).click();
  const measured = find.details(page).getByRole('table', { name: 'Measured time' });
  await expect
    .poll(() => measured.getByRole('row').textContent())
    .toBe(`measured (imported onnxruntime profile)${firstBadge.replace(/ measured$/, '')}`);
  expect(Number(await measured.locator('td[data-value]').getAttribute('data-value'))).toBe(
    cliTimes.get(firstId),
  );
  // Once: not again among the costs, where an estimated layer's ~ would mark it.
  const costs = await find.details(page).getByRole('table', { name: 'Costs' }).textContent();
  expect(costs).toContain('MACs');
  expect(costs).not.toContain('onnxruntime');
  await screenshot(page, 'ort-profile-imported');

  // Hiding them brings the predictions back.
  await panel.getByRole('button', { name: 'Hide imported times' }).click();
  await expect.poll(async () => (await measuredBadges()).every(([, text]) => text === '')).toBe(true);
}, 60_000);

it('names a file that is not an onnxruntime profile and changes nothing', async () => {
  onTestFailed(() => void (anyFailed = true));
  await page.getByLabel('onnxruntime profile file').setInputFiles({
    name: 'notes.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"these": "are not trace events"}'),
  });
  const alert = page.getByRole('alert');
  await expect.poll(() => alert.textContent()).toContain('notes.json is not an onnxruntime trace');
  expect((await measuredBadges()).every(([, text]) => text === '')).toBe(true);
  await page.getByRole('button', { name: 'Dismiss error' }).click();
});
