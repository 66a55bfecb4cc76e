/**
 * The studio end to end: real Chromium against the local web host, through the real UI with
 * role-based locators. One browser session walks the main flows in order (open by picker and
 * by drop, badges, details, search, keyboard, theme, a bad file), saving screenshots of each
 * main view to test-results/screenshots/.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Page } from 'playwright-core';
import type { ProjectFile } from '../../app/shared/studio-api.js';
import { dropFile, openStudio, screenshot, type StudioSession } from './support/browser.js';
import * as find from './support/locators.js';

const SAMPLES = path.resolve('samples');
let session: StudioSession;
let page: Page;
let anyFailed = false;

const layerNodes = () => find.layerNodes(page);
const node = (id: string) => find.layerNode(page, id);
const details = () => find.details(page);
const modelTitle = () => find.modelTitle(page);
const inView = (id: string) => find.insidePane(page, node(id));
/** Fit: the lanes fitted to the width, from the model's start (whole only if it is legible so). */
const fitAll = () => page.getByRole('button', { name: 'Fit', exact: true }).click();
/**
 * Fit, then zoom out until all `count` layers are drawn: the 13-layer sample flows down taller
 * than the window at a legible zoom, so Fit shows its start and the rest is below (React Flow
 * draws only what is on screen).
 */
async function showEveryLayer(on: Page = page, count = 13): Promise<void> {
  await on.getByRole('button', { name: 'Fit', exact: true }).click();
  for (let step = 0; step < 12 && (await find.layerNodes(on).count()) < count; step++)
    await on.getByRole('button', { name: 'Zoom Out' }).click();
  await expect.poll(() => find.layerNodes(on).count()).toBe(count);
}

beforeAll(async () => {
  session = await openStudio({ colorScheme: 'light' });
  page = session.page;
});

afterAll(async () => {
  await session?.close(anyFailed, 'studio');
});

describe('studio in Chromium', () => {
  const track = (): void => onTestFailed(() => void (anyFailed = true));

  it('shows the bundled sample on start', async () => {
    track();
    await expect.poll(() => modelTitle().textContent()).toContain('edge-prune-vehicle');
    // It opens at a readable zoom showing its start: the first layer is on screen.
    await expect.poll(() => inView('/L1/conv/Conv')).toBe(true);
    await screenshot(page, '01-initial-sample');
    // Fit shows the start again, below the lane header: tier and hardware, and the links.
    await fitAll();
    await expect.poll(() => inView('/L1/conv/Conv')).toBe(true);
    // The lanes are fitted beside the minimap, never under it.
    const minimap = (await page.getByRole('img', { name: 'Minimap' }).boundingBox())!;
    for (const tier of ['Device', 'Edge', 'Cloud']) {
      const lane = (await page.getByRole('group', { name: `${tier} lane` }).boundingBox())!;
      expect(lane.x + lane.width).toBeLessThanOrEqual(minimap.x);
    }
    await showEveryLayer();
    expect(await modelTitle().textContent()).toContain('edge-prune-vehicle');
    await expect.poll(() => page.getByRole('group', { name: 'Device lane' }).count()).toBe(1);
    expect(await page.getByRole('img', { name: 'Minimap' }).count()).toBe(1);
    const summary = (await find.modelSummary(page).textContent()) ?? '';
    // Inputs read as the binding fields do (`x: 1 × 3 × [H] × [W]`); these dimensions are all fixed.
    expect(summary).toContain('input: 1 × 3 × 96 × 96');
    expect(summary).toContain('probabilities float[1, 4]');
    expect(summary).toContain('Opset17 (IR 8)');
    expect(summary).toContain('MACs~81.7 M');
    expect(summary).toContain('Params619 K (2.4 MiB)');
    // The first model is asked for once, and nothing is left loading.
    expect(session.jobsRun()).toBe(1);
    expect(await page.getByRole('status', { name: 'Opening' }).count()).toBe(0);
  });

  it('opens a model through the file picker (Ctrl+O)', async () => {
    track();
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.keyboard.press('Control+o')]);
    await chooser.setFiles(path.join(SAMPLES, 'resnet-mini.onnx'));
    await expect.poll(() => modelTitle().textContent()).toBe('resnet-mini.onnx');
    expect(await find.modelSummary(page).textContent()).toContain('32 (32 nodes)');
    await expect.poll(async () => (await find.graphNodes(page).count()) > 0).toBe(true);
    await screenshot(page, '02-resnet-mini-by-picker');
  });

  it('opens a model dropped on the window, with each layer badged by its costs', async () => {
    track();
    await dropFile(
      page,
      'edge-prune-vehicle.onnx',
      fs.readFileSync(path.join(SAMPLES, 'edge-prune-vehicle.onnx')),
    );
    await expect.poll(() => modelTitle().textContent()).toBe('edge-prune-vehicle.onnx');
    await showEveryLayer();
    const conv = node('/L1/conv/Conv');
    const text = await conv.textContent();
    // The CLI prints the same figures: 22.1 M MACs, 2.43 K params, 1.1 MiB output.
    expect(text).toContain('Conv');
    expect(text).toContain('[1, 32, 96, 96]');
    expect(text).toContain('22.1 M MACs');
    expect(text).toContain('2.43 K params');
    expect(text).toContain('1.1 MiB');
    // Heat follows the metric picked: by parameters the dense layer is hottest, the conv cooler.
    const heat = async (id: string): Promise<number> =>
      Number(
        /--heat:\s*([\d.]+)/.exec((await node(id).locator('.layer-node').getAttribute('style')) ?? '')?.[1],
      );
    expect(await heat('/L2/conv/Conv')).toBe(1);
    await page.getByRole('combobox', { name: 'Heat metric' }).selectOption({ label: 'Parameters' });
    await expect.poll(() => heat('/L3/dense/Gemm')).toBe(1);
    expect(await heat('/L2/conv/Conv')).toBeLessThan(1);
    expect(await heat('/L1/relu/Relu')).toBe(0);
    // The edge out of L1's conv carries its 1.1 MiB output.
    const edge = page.getByRole('img', {
      name: /^\/L1\/conv\/Conv_output_0|from \/L1\/conv\/Conv to \/L1\/pool\/MaxPool/,
    });
    expect(await edge.first().textContent()).toContain('1.1 MiB');
  });

  it('shows the details of a selected node', async () => {
    track();
    await node('/L1/conv/Conv').click();
    const panel = details();
    await expect.poll(() => panel.textContent()).toContain('/L1/conv/Conv');
    const text = (await panel.textContent()) ?? '';
    expect(text).toContain('Conv');
    expect(text).toContain('float [1, 3, 96, 96]');
    expect(text).toContain('float [1, 32, 96, 96]');
    const attributes = (await panel.getByRole('table', { name: 'Attributes' }).textContent()) ?? '';
    expect(attributes).toContain('kernel_shape[5, 5]');
    expect(await panel.getByRole('table', { name: 'Costs' }).textContent()).toContain('22.1 M');
    await screenshot(page, '03-details');
  });

  it('jumps to a searched node: selected and panned into view', async () => {
    track();
    await node('/L1/conv/Conv').click();
    for (let i = 0; i < 6; i++) await page.keyboard.press('+');
    await expect.poll(() => inView('/L5/softmax/Softmax')).toBe(false);
    await page.keyboard.press('/');
    await page.getByRole('searchbox').fill('Softmax');
    await page.getByRole('searchbox').press('Enter');
    await expect.poll(() => details().textContent()).toContain('/L5/softmax/Softmax');
    await expect.poll(() => inView('/L5/softmax/Softmax')).toBe(true);
    await screenshot(page, '04-search');
    // By op type, with the arrow keys through the hits: the second Gemm.
    await page.getByRole('searchbox').fill('gemm');
    expect(await page.getByRole('listbox', { name: 'Search results' }).getByRole('option').count()).toBe(3);
    await page.getByRole('searchbox').press('ArrowDown');
    await page.getByRole('searchbox').press('Enter');
    await expect.poll(() => details().textContent()).toContain('/L4/dense/Gemm');
    await page.getByRole('searchbox').fill('Softmax');
    await page.getByRole('searchbox').press('Enter');
    await expect.poll(() => details().textContent()).toContain('/L5/softmax/Softmax');
  });

  it('walks the graph with the arrow keys', async () => {
    track();
    await page.getByRole('searchbox').blur();
    // The graph flows down: ↑ goes to the layer feeding this one, ↓ to the one it feeds.
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => details().textContent()).toContain('/L5/dense/Gemm');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => details().textContent()).toContain('/L5/softmax/Softmax');
  });

  it('switches theme and remembers it', async () => {
    track();
    const theme = () => page.locator('html').getAttribute('data-theme');
    expect(await theme()).toBe('light');
    await page.getByRole('button', { name: 'Switch to dark theme' }).click();
    await expect.poll(theme).toBe('dark');
    await page.keyboard.press('f');
    await screenshot(page, '05-dark-theme');
    await page.reload();
    await expect.poll(() => modelTitle().textContent()).toContain('edge-prune-vehicle');
    await showEveryLayer();
    expect(await theme()).toBe('dark');
    await page.getByRole('button', { name: 'Switch to light theme' }).click();
    await expect.poll(theme).toBe('light');
    // The host's View menu can set it too; 'system' follows the OS (light in this browser).
    session.web.sendCommand({ type: 'theme', theme: 'dark' });
    await expect.poll(theme).toBe('dark');
    session.web.sendCommand({ type: 'theme', theme: 'system' });
    await expect.poll(theme).toBe('light');
  });

  it('names the problem with an invalid file and keeps the open model', async () => {
    track();
    await page.getByLabel('Model file').setInputFiles({
      name: 'broken.onnx',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from('this is not an onnx model at all'),
    });
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('NOT_ONNX');
    expect(await alert.textContent()).toContain('not an ONNX model');
    expect(await modelTitle().textContent()).toBe('edge-prune-vehicle.onnx');
    expect(await layerNodes().count()).toBe(13);
    await screenshot(page, '06-invalid-file');
    await page.getByRole('button', { name: 'Dismiss error' }).click();
    await expect.poll(() => alert.count()).toBe(0);
  });

  it('saves the project with Ctrl+S: the model named by its SHA-256, every layer on the device', async () => {
    track();
    await page.keyboard.press('Control+s');
    const notice = page.getByRole('status', { name: 'Notice' });
    await expect.poll(() => notice.textContent()).toMatch(/Saved the project to .*\.json/);
    const saved = /Saved the project to (.*\.json)/.exec((await notice.textContent()) ?? '')![1]!;
    const project = JSON.parse(fs.readFileSync(saved, 'utf8')) as ProjectFile;
    const sampleBytes = fs.readFileSync(path.join(SAMPLES, 'edge-prune-vehicle.onnx'));
    expect(project).toEqual(
      expect.objectContaining({
        format: 'cutline-project',
        version: 2,
        model: expect.objectContaining({
          fileName: 'edge-prune-vehicle.onnx',
          sha256: createHash('sha256').update(sampleBytes).digest('hex'),
        }),
        inputs: {},
        placement: {},
        pins: [],
      }),
    );
    await page.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => notice.count()).toBe(0);
  });

  it('still draws the graph where the layout worker cannot start', async () => {
    track();
    const other = await session.context.newPage();
    // The worker script fails to load, as under a host that refuses worker scripts.
    let refused = 0;
    await other.route(/layout\.worker-[\w-]+\.js$/, (route) => {
      refused++;
      return route.fulfill({ status: 404, body: '' });
    });
    await other.goto(session.web.url);
    await expect.poll(() => find.modelTitle(other).textContent()).toContain('edge-prune-vehicle');
    await showEveryLayer(other);
    expect(refused).toBeGreaterThan(0);
    await other.close();
  });

  it('names the hardware of each lane above the canvas and edits a link and a device in place', async () => {
    track();
    const header = page.getByRole('toolbar', { name: 'Tiers and links' });
    const deviceLabel = header.getByRole('button', { name: /^Device · / });
    await expect.poll(() => deviceLabel.count()).toBe(1);
    // The labels stay at the top of the canvas however the view moves.
    const pane = (await find.graphPane(page).boundingBox())!;
    await page.mouse.move(pane.x + pane.width / 3, pane.y + pane.height / 2);
    await page.mouse.wheel(0, 400);
    await expect.poll(async () => (await header.boundingBox())?.y).toBe(pane.y);
    expect(await find.insidePane(page, deviceLabel)).toBe(true);

    const chip = header.getByRole('button', { name: /^Link device → edge: / });
    const before = await chip.getAttribute('aria-label');
    await chip.click();
    const dialog = page.getByRole('dialog', { name: 'Link device → edge' });
    const field = (name: string) => dialog.getByRole('spinbutton', { name });
    await field('Uplink (Mb/s)').fill('0');
    await field('Uplink (Mb/s)').press('Enter');
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('must be above 0');
    expect(await chip.getAttribute('aria-label')).toBe(before);
    for (const [name, value] of [
      ['Uplink (Mb/s)', '20'],
      ['Downlink (Mb/s)', '20'],
      ['RTT (ms)', '5'],
    ] as const) {
      await field(name).fill(value);
      await field(name).press('Enter');
    }
    await expect
      .poll(() => chip.getAttribute('aria-label'))
      .toMatch(/^Link device → edge: .* 20 Mb\/s, 5 ms$/);
    await screenshot(page, '11-link-edit');
    await dialog.getByRole('button', { name: 'Done' }).click();

    const edgeLabel = header.getByRole('button', { name: /^Edge · / });
    await edgeLabel.click();
    const picker = page.getByRole('dialog', { name: 'Device of the edge tier' });
    const other = picker.getByRole('button', { pressed: false }).first();
    await expect.poll(() => other.count()).toBe(1);
    const name = (await other.textContent())!;
    await other.click();
    await expect.poll(() => edgeLabel.textContent()).toBe(`Edge · ${name}`);
  });
});
