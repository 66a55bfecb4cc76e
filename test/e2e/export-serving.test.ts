/**
 * The Export tab's serving choice, what its result says the bundle holds, and where the Folder
 * field goes after an export, end to end (issue 14): real Chromium against the web host, real
 * `cutline export`, on the Edge-PRUNE vehicle classifier split three ways over Raspberry Pi 4 →
 * WiFi → i7 edge → WAN → cloud. Driven with mouse and keyboard as a user would: the stock choice
 * shows the design's stock figures (core's evaluateServing), and the bundle's manifest says stock
 * with those figures; the result names the README with each machine's commands, the Triton
 * repository and the whole model of the local fallback; the folder then moves to a fresh sibling,
 * stays with "Replace", and "Replace" leaves a folder that is not a bundle alone. Screenshots go
 * to test-results/screenshots/serving-NN-*.png.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Page } from 'playwright-core';
import { buildPartitionProblem } from '../../core/partition/build-problem.js';
import type { Evaluation } from '../../core/partition/evaluate.js';
import { evaluateServing, type ServingMode } from '../../core/partition/serving-mode.js';
import { loadTopology } from '../../core/profiles/load.js';
import { formatBytes, formatMs } from '../../app/renderer/util/format.js';
import { openStudio, screenshot, type StudioSession } from './support/browser.js';
import { analysis, layerOrder, type PlacementRecord } from './support/design-figures.js';
import { openTool } from './support/dock-page.js';
import { withRange } from './support/editor-page.js';
import * as find from './support/locators.js';

const VEHICLE = path.resolve('samples/edge-prune-vehicle.onnx');
const TOPOLOGY = 'pi4-wifi-edge-wan-cloud';
/** Layers 0–2 on the device, 3–5 on the edge, the rest in the cloud. */
const DEVICE_LAYERS = 3;
const EDGE_END = 6;

const pi4 = loadTopology(TOPOLOGY);
const order = layerOrder(VEHICLE, pi4);
const split: PlacementRecord = withRange(
  withRange({}, order, DEVICE_LAYERS, EDGE_END, 'edge'),
  order,
  EDGE_END,
  order.length,
  'cloud',
);

/** The split's figures in `mode`, computed in the test through core/partition. */
function servingFigures(mode: ServingMode): Evaluation {
  const { problem } = buildPartitionProblem(analysis(VEHICLE), pi4);
  const placement = new Uint8Array(problem.units.length);
  problem.units.forEach((unit, u) => (placement[u] = problem.tiers.indexOf(split[unit.name] ?? 'device')));
  return evaluateServing(problem, placement, mode);
}

interface ManifestFields {
  readonly runtime: { readonly serving?: string; readonly onUnreachable: string };
  readonly model: { readonly file?: string };
  readonly plan: { readonly predicted: { readonly latencyMs: number } };
}
const manifestOf = (dir: string): ManifestFields =>
  JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as ManifestFields;

let session: StudioSession;
let page: Page;
let anyFailed = false;
let work: string;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-e2e-serving-'));
  session = await openStudio({ colorScheme: 'light' });
  page = session.page;
});

afterAll(async () => {
  await session?.close(anyFailed, 'export-serving');
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("the Export tab's serving choice, its result and its folder, in Chromium", () => {
  const track = (): void => onTestFailed(() => void (anyFailed = true));
  const panel = () => page.getByRole('tabpanel', { name: 'Export' });
  const folder = () => panel().getByRole('textbox', { name: 'Bundle folder' });
  const result = () => panel().getByRole('region', { name: 'Export result' });
  /** Clicks Export and waits for the result of the bundle written to `dir`. */
  const exportTo = async (dir: string): Promise<void> => {
    await panel().getByRole('button', { name: 'Export', exact: true }).click();
    await expect.poll(() => result().textContent(), { timeout: 60_000 }).toContain(`Bundle: ${dir}`);
  };

  it('1. exports for stock servers: the figures are stock’s, the result says where the commands are', async () => {
    track();
    await expect.poll(() => find.modelTitle(page).textContent()).toContain('edge-prune-vehicle');
    await page.getByRole('combobox', { name: 'Topology' }).selectOption(TOPOLOGY);
    const edgeCloud = page.getByRole('slider', { name: 'Cut between Edge and Cloud' });
    const deviceEdge = page.getByRole('slider', { name: 'Cut between Device and Edge' });
    await edgeCloud.focus();
    await page.keyboard.press('Home');
    for (let i = 0; i < EDGE_END; i++) await page.keyboard.press('ArrowDown');
    await deviceEdge.focus();
    await page.keyboard.press('Home');
    for (let i = 0; i < DEVICE_LAYERS; i++) await page.keyboard.press('ArrowDown');
    await expect.poll(() => edgeCloud.getAttribute('aria-valuenow')).toBe(String(EDGE_END));
    await expect.poll(() => deviceEdge.getAttribute('aria-valuenow')).toBe(String(DEVICE_LAYERS));

    await openTool(page, 'Export');
    const relay = servingFigures('relay');
    const stock = servingFigures('stock');
    // The split sends the edge's output to the cloud: stock pays it down to the device and up again.
    expect(stock.latencyMs).toBeGreaterThan(relay.latencyMs);
    expect(stock.linkBytes).toBeGreaterThan(relay.linkBytes);
    const relayChoice = panel().getByRole('radio', { name: /^Tiers relay/ });
    const stockChoice = panel().getByRole('radio', { name: /^Stock servers/ });
    expect(await relayChoice.isChecked()).toBe(true);
    const said = (e: Evaluation) => `(${formatMs(e.latencyMs)}, ${formatBytes(e.linkBytes)} on the links)`;
    // Each choice's label shows the design's figures in that mode; stock's title says why it costs more.
    const label = (radio: typeof relayChoice) => radio.locator('xpath=..');
    expect(await label(relayChoice).textContent()).toContain(said(relay));
    expect(await label(stockChoice).textContent()).toContain(said(stock));
    expect(await label(stockChoice).getAttribute('title')).toMatch(/down to the device and up again/);

    await stockChoice.click();
    await panel().getByRole('radio', { name: 'run the whole model on the device' }).click();
    const bundleDir = path.join(work, 'studio-bundle');
    await folder().click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type(bundleDir);
    await screenshot(page, 'serving-01-stock-chosen');
    await exportTo(bundleDir);
    await screenshot(page, 'serving-02-stock-exported');

    const manifest = manifestOf(bundleDir);
    expect(manifest.runtime.serving).toBe('stock');
    expect(manifest.runtime.onUnreachable).toBe('local');
    expect(manifest.plan.predicted.latencyMs).toBeCloseTo(stock.latencyMs, 9);
    // The figures the result shows are the stock mode's.
    const predicted = result().getByRole('definition').first();
    expect(await predicted.textContent()).toBe(formatMs(stock.latencyMs));
    expect(await result().getByRole('status', { name: 'Verification' }).textContent()).toMatch(/^Verified/);

    const readme = path.join(bundleDir, 'README.md');
    expect(fs.existsSync(readme)).toBe(true);
    expect(await result().getByLabel('Per-machine commands').textContent()).toBe(
      `Commands for each machine (certificates, each server, the device): ${readme}`,
    );
    const holds = await result()
      .getByRole('list', { name: 'The bundle holds' })
      .getByRole('listitem')
      .allTextContents();
    expect(holds[0]).toMatch(/^3 segments for Device, Edge, Cloud/);
    expect(holds).toContain(
      'A Triton model repository (1 cloud segment, written once: the cloud tier serves it from there too): cloud/triton/',
    );
    expect(fs.statSync(path.join(bundleDir, 'cloud', 'triton')).isDirectory()).toBe(true);
    expect(manifest.model.file).toBeDefined();
    expect(holds).toContain(
      `The whole model, for the device to run when a tier is unreachable: ${manifest.model.file}`,
    );
    expect(fs.existsSync(path.join(bundleDir, manifest.model.file!))).toBe(true);
    expect(holds.at(-1)).toMatch(/^Served by stock OIP servers/);

    // The folder stays the user's: its fresh sibling, since this one now holds a bundle.
    await expect.poll(() => folder().inputValue()).toBe(`${bundleDir}-2`);
  });

  it('2. exports again to the sibling for relay without the fallback, then replaces it in place', async () => {
    track();
    const bundleDir = path.join(work, 'studio-bundle');
    const sibling = `${bundleDir}-2`;
    expect(await folder().inputValue()).toBe(sibling);
    await panel()
      .getByRole('radio', { name: /^Tiers relay/ })
      .click();
    await panel().getByRole('radio', { name: 'fail the request' }).click();
    await panel().getByRole('checkbox', { name: 'Verify', exact: true }).uncheck();
    await exportTo(sibling);
    expect(manifestOf(sibling).runtime.serving).toBe('relay');
    expect(manifestOf(sibling).model.file).toBeUndefined();
    const holds = await result()
      .getByRole('list', { name: 'The bundle holds' })
      .getByRole('listitem')
      .allTextContents();
    expect(holds).toContain('No whole model: the device fails a request when a tier is unreachable');
    expect(holds.at(-1)).toBe("Served by Cutline's tiers, each relaying the request to the next");
    expect(await result().getByRole('definition').first().textContent()).toBe(
      formatMs(servingFigures('relay').latencyMs),
    );
    // Counted on from the first bundle's name, not NAME-2-2.
    await expect.poll(() => folder().inputValue()).toBe(`${bundleDir}-3`);

    // With Replace ticked, exporting into the bundle just written keeps the folder.
    await folder().fill(sibling);
    await panel().getByRole('checkbox', { name: 'Replace existing folder' }).check();
    const before = fs.statSync(path.join(sibling, 'manifest.json')).mtimeMs;
    await panel()
      .getByRole('radio', { name: /^Stock servers/ })
      .click();
    await panel().getByRole('button', { name: 'Export', exact: true }).click();
    await expect.poll(() => manifestOf(sibling).runtime.serving, { timeout: 60_000 }).toBe('stock');
    expect(fs.statSync(path.join(sibling, 'manifest.json')).mtimeMs).toBeGreaterThan(before);
    await expect
      .poll(() =>
        result()
          .getByText(/^Served by stock OIP servers/)
          .count(),
      )
      .toBe(1);
    expect(await folder().inputValue()).toBe(sibling);
    await screenshot(page, 'serving-03-replaced');
  });

  it('3. Replace leaves a folder that is not a bundle untouched, and says so', async () => {
    track();
    const notes = path.join(work, 'my-notes');
    fs.mkdirSync(notes);
    fs.writeFileSync(path.join(notes, 'plan.txt'), 'keep me');
    await folder().fill(notes);
    expect(await panel().getByRole('checkbox', { name: 'Replace existing folder' }).isChecked()).toBe(true);
    await panel().getByRole('button', { name: 'Export', exact: true }).click();
    const failed = panel().getByText(/is not a Cutline bundle/);
    await expect.poll(() => failed.count(), { timeout: 60_000 }).toBe(1);
    expect(fs.readFileSync(path.join(notes, 'plan.txt'), 'utf8')).toBe('keep me');
    expect(fs.readdirSync(notes)).toEqual(['plan.txt']);
    expect(await folder().inputValue()).toBe(notes);
    await screenshot(page, 'serving-04-not-a-bundle');
  });
});
