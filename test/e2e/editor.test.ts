/**
 * The studio as a partition editor, end to end (issue 11's acceptance): real Chromium against the
 * web host, through the real UI with real mouse drags and keys. On the bundled ResNet-style
 * sample it picks a topology, drags a cut line and a block, and checks that every figure shown
 * equals core/partition's evaluator for the placement the studio saved, and `cutline export
 * --project` on that saved file writes exactly those segments; undoes and redoes; pins a
 * layer and sees a move refused; edits a link's bandwidth; binds the PaddleOCR-like detector's
 * input and gets the CLI's MACs; saves, reloads and reopens a project; and kills the host
 * process during an unsaved edit, restarts it and recovers the design. Screenshots of each state
 * go to test-results/screenshots/editor-NN-*.png.
 *
 * How the test knows the placement the page shows: it saves the project (the studio's own record
 * of the design, the file `cutline solve --project` reads) and reads the file, and checks that
 * every layer drawn sits in the lane (`data-tier`) that file gives it. Reading the nodes alone
 * would miss layers React Flow does not draw (off screen, or inside a collapsed block).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { ProjectFile } from '../../core/project/types.js';
import { loadTopology } from '../../core/profiles/load.js';
import type { Topology } from '../../core/profiles/types.js';
import { AUTOSAVE_FILE } from '../../app/host/autosave.js';
import { formatCount } from '../../app/shared/format.js';
import { openStudio, screenshot, STUDIO_VIEWPORT, TRACE_DIR, type StudioSession } from './support/browser.js';
import {
  evaluatorFigures,
  layerOrder,
  shownFigures,
  showsPreview,
  type FigureValues,
  type PlacementRecord,
} from './support/design-figures.js';
import {
  boxOf,
  centre,
  drag,
  drawnNodesTopDown,
  expectDrawnAsPlaced,
  expectFigures,
  laneAt,
  laneUnder,
  laneX,
  saveProject,
  withRange,
} from './support/editor-page.js';
import { freePort, startHostProcess, type HostProcess } from './support/host-process.js';
import * as find from './support/locators.js';
import { analyzeFile } from '../../core/analyze.js';
import { decodeModelProto } from '../../core/onnx/codec.js';
import { buildPartitionProblem, nodePlacement } from '../../core/partition/build-problem.js';

/** Node name → tier for a layer placement, as export assigns nodes: each with its layer. */
function nodesByTier(
  modelFile: string,
  topology: Topology,
  placement: PlacementRecord,
): Map<string, string[]> {
  const analysis = analyzeFile(modelFile);
  const built = buildPartitionProblem(analysis, topology);
  const tiers = topology.tiers.map((t) => t.name);
  const layerPlacement = Uint8Array.from(built.problem.units, (unit) =>
    Math.max(0, tiers.indexOf(placement[unit.name] ?? 'device')),
  );
  const constants = new Set(analysis.graph.nodes.filter((n) => n.opType === 'Constant').map((n) => n.name));
  const byTier = new Map<string, string[]>();
  for (const [node, tier] of Object.entries(nodePlacement(analysis, built, layerPlacement))) {
    if (!constants.has(node)) byTier.set(tier, [...(byTier.get(tier) ?? []), node]);
  }
  return byTier;
}

const SAMPLES = path.resolve('samples');
const RESNET = path.join(SAMPLES, 'resnet-mini.onnx');
const OCR = path.join(SAMPLES, 'ocr-det-mini.onnx');
const VEHICLE = path.join(SAMPLES, 'edge-prune-vehicle.onnx');
const THREE_TIERS = 'pi4-wifi-edge-wan-cloud';
const OCR_BINDING = { x: '1x3x640x640' } as const;

const CLI = path.resolve('bin/cutline.js');
const run = promisify(execFile);
/** The project the studio saved after step 3: `cutline export --project` reads it in step 3b. */
let savedSplit: string | null = null;
let session: StudioSession;
let page: Page;
let anyFailed = false;
const pi4: Topology = loadTopology(THREE_TIERS);
/** pi4-wifi-edge-wan-cloud with the device → edge uplink edited in the lane header (step 6). */
const UPLINK_MBPS = 10;
const edited: Topology = {
  ...pi4,
  hops: pi4.hops.map((hop, h) => (h === 0 ? { ...hop, uplinkMbps: UPLINK_MBPS } : hop)),
};

const notice = () => page.getByRole('status', { name: 'Notice' });
const modelTitle = () => find.modelTitle(page);
const layer = (id: string) => find.layerNode(page, id);
const cutGrip = (on: Page, between: string) => on.getByRole('slider', { name: `Cut between ${between}` });

beforeAll(async () => {
  session = await openStudio({ colorScheme: 'light' });
  page = session.page;
});

afterAll(async () => {
  await session?.close(anyFailed, 'editor');
});

describe('the studio as a partition editor, in Chromium', () => {
  const track = (): void => onTestFailed(() => void (anyFailed = true));
  const order = layerOrder(RESNET, pi4);
  const DEVICE_LAYERS = 4;
  /** The Device | Edge cut after /maxpool/MaxPool: everything below it on the edge. */
  const cutPlacement = withRange({}, order, DEVICE_LAYERS, order.length, 'edge');
  const block = '/layer3/layer3.0';
  const blockLayers = order.filter((id) => id.startsWith(`${block}/`));
  /** Then the /layer3/layer3.0 block dragged into the Cloud lane. */
  const splitPlacement: PlacementRecord = {
    ...cutPlacement,
    ...Object.fromEntries(blockLayers.map((id) => [id, 'cloud' as const])),
  };
  /** The header's MACs as `cutline analyze --input x=1x3x640x640 --json` gives them (step 7). */
  let cliMacs = '';
  const resnetFigures = (placement: PlacementRecord, topology = pi4): FigureValues =>
    evaluatorFigures({ modelFile: RESNET, topology, placement });

  it('1. opens a sample and chooses the pi4-wifi-edge-wan-cloud topology', async () => {
    track();
    await expect.poll(() => modelTitle().textContent()).toContain('edge-prune-vehicle');
    await page.getByRole('combobox', { name: 'Open a sample' }).selectOption({ label: 'ResNet-style CNN' });
    await expect.poll(() => modelTitle().textContent()).toBe('resnet-mini.onnx');
    const topology = page.getByRole('combobox', { name: 'Topology' });
    // Another topology first (two tiers), so choosing the three-tier one is a real change.
    await topology.selectOption('n2-wifi-i7');
    await expect.poll(() => page.getByRole('group', { name: 'Cloud lane' }).count()).toBe(0);
    await expect.poll(async () => Object.keys(await shownFigures(page))).not.toContain('hop-1');
    await topology.selectOption(THREE_TIERS);
    await expect.poll(() => page.getByRole('group', { name: 'Cloud lane' }).count()).toBe(1);
    expect(await topology.inputValue()).toBe(THREE_TIERS);
    // Everything on the device: the evaluator's figures for that, on this topology.
    await expectFigures(page, resnetFigures({}));
    await screenshot(page, 'editor-01-topology');
  });

  it('2–3. a dragged cut line and a block dragged into the Cloud lane show the evaluator figures', async () => {
    track();
    // The cut line's grip: a fresh design's line is after the last layer, its grip at the
    // canvas's bottom edge pointing down. Drag it up between /maxpool/MaxPool and the next layer.
    const grip = cutGrip(page, 'Device and Edge');
    await expect.poll(() => grip.getAttribute('aria-valuenow')).toBe(String(order.length));
    const above = await boxOf(layer(order[DEVICE_LAYERS - 1]!));
    const below = await boxOf(layer(order[DEVICE_LAYERS]!));
    const gap = (above.y + above.height + below.y) / 2;
    await drag(page, centre(await boxOf(grip)), { x: centre(await boxOf(grip)).x, y: gap }, async () => {
      // While the pointer moves, the figures preview the placement the drop would make.
      await expect.poll(() => showsPreview(page)).toBe(true);
      expect(await shownFigures(page)).toEqual(resnetFigures(cutPlacement));
      await screenshot(page, 'editor-02-cut-line-dragging');
    });
    await expect.poll(() => grip.getAttribute('aria-valuenow')).toBe(String(DEVICE_LAYERS));
    await expectFigures(page, resnetFigures(cutPlacement));
    await expect
      .poll(() => layer(order[DEVICE_LAYERS]!).locator('[data-tier]').first().getAttribute('data-tier'))
      .toBe('edge');
    await screenshot(page, 'editor-03-cut-line-dropped');

    // Collapse the block around one of its layers (found by search, then Enter), and drag the
    // block node into the Cloud lane.
    await page.keyboard.press('/');
    await page.getByRole('searchbox').fill(blockLayers[0]!);
    await page.getByRole('searchbox').press('Enter');
    await expect.poll(() => find.details(page).textContent()).toContain(blockLayers[0]!);
    await page.getByRole('searchbox').blur();
    await page.keyboard.press('Enter');
    const blockNode = find.blockNode(page, block);
    await expect.poll(() => find.insidePane(page, blockNode)).toBe(true);
    const from = centre(await boxOf(blockNode));
    await drag(page, from, { x: await laneX(page, 'Cloud'), y: from.y });
    // The drop lays the block out in the Cloud lane (a block has no tier of its own to read).
    await expect.poll(() => laneUnder(page, blockNode)).toBe('Cloud');
    const expected = resnetFigures(splitPlacement);
    await expectFigures(page, expected);
    await screenshot(page, 'editor-04-block-in-cloud');

    // The placement the page shows, as the studio saves it: exactly the one dragged, and what
    // is drawn agrees with it.
    const { project, file } = await saveProject(page);
    savedSplit = file;
    expect(project.model.fileName).toBe('resnet-mini.onnx');
    expect(project.topology).toEqual({ kind: 'bundled', id: THREE_TIERS });
    expect(project.placement).toEqual(
      Object.fromEntries(Object.entries(splitPlacement).filter(([, tier]) => tier !== 'device')),
    );
    await expectDrawnAsPlaced(page, project.placement);
    // Some layers on each tier, and every figure the evaluator's for that saved placement.
    expect(new Set(Object.values(project.placement))).toEqual(new Set(['edge', 'cloud']));
    expect(await shownFigures(page)).toEqual(resnetFigures(project.placement));
  });

  it('3b. `cutline export --project` on the project the studio saved writes the segments it showed', async () => {
    track();
    expect(savedSplit).not.toBeNull();
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-e2e-export-'));
    try {
      const { stdout } = await run(
        process.execPath,
        [CLI, 'export', '--project', savedSplit!, '--out', path.join(out, 'b'), '--json'],
        {
          maxBuffer: 64 * 1024 ** 2,
        },
      );
      const summary = JSON.parse(stdout) as {
        verification: { ok: boolean };
        segments: { tier: string; file: string }[];
      };
      expect(summary.verification.ok).toBe(true);
      // Every node that does work, by tier, as the saved placement puts its layer (plumbing goes
      // with its layer); Constants are copied into each segment that reads them.
      const expected = nodesByTier(RESNET, pi4, splitPlacement);
      const written = new Map<string, string[]>();
      for (const segment of summary.segments) {
        const model = decodeModelProto(new Uint8Array(fs.readFileSync(path.join(out, 'b', segment.file))));
        for (const node of model.graph!.node!)
          if (node.opType !== 'Constant')
            written.set(segment.tier, [...(written.get(segment.tier) ?? []), node.name!]);
      }
      for (const tier of ['device', 'edge', 'cloud']) {
        expect((written.get(tier) ?? []).sort()).toEqual((expected.get(tier) ?? []).sort());
      }
      expect(written.get('cloud')!.length).toBeGreaterThan(0);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('4. undo and redo (keys and the menu) restore the figures', async () => {
    track();
    const split = resnetFigures(splitPlacement);
    const cut = resnetFigures(cutPlacement);
    const start = resnetFigures({});
    await page.keyboard.press('Control+z');
    await expectFigures(page, cut);
    await page.keyboard.press('Control+z');
    await expectFigures(page, start);
    await expect
      .poll(() => cutGrip(page, 'Device and Edge').getAttribute('aria-valuenow'))
      .toBe(String(order.length));
    await screenshot(page, 'editor-05-undone');
    await page.keyboard.press('Control+Shift+z');
    await expectFigures(page, cut);
    await page.keyboard.press('Control+y');
    await expectFigures(page, split);
    // The host's Edit menu sends the same commands (Electron's menu; the web host relays them).
    session.web.sendCommand({ type: 'undo' });
    await expectFigures(page, cut);
    session.web.sendCommand({ type: 'redo' });
    await expectFigures(page, split);
    await screenshot(page, 'editor-06-redone');
  });

  it('5. a pinned layer refuses a move and the notice says why', async () => {
    track();
    const pinnedId = order[0]!;
    const split = resnetFigures(splitPlacement);
    await page.getByRole('button', { name: 'Fit', exact: true }).click();
    await expect.poll(() => find.insidePane(page, layer(pinnedId))).toBe(true);
    await layer(pinnedId).click();
    await expect.poll(() => find.details(page).textContent()).toContain(pinnedId);
    await page.keyboard.press('p');
    await expect.poll(() => layer(pinnedId).getByRole('img', { name: 'pinned' }).count()).toBe(1);
    expect(await find.details(page).getByRole('button', { name: 'Unpin' }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    // By key: 3 sends the selection to the cloud.
    await page.keyboard.press('3');
    await expect.poll(() => notice().textContent()).toContain(`${pinnedId} is pinned to Device`);
    expect(await notice().textContent()).toContain('unpin it (P) to move it');
    await expectFigures(page, split);
    await screenshot(page, 'editor-07-pinned-refused-key');
    await notice().getByRole('button', { name: 'Dismiss' }).click();
    // By dragging it into the Edge lane.
    const from = centre(await boxOf(layer(pinnedId)));
    await drag(page, from, { x: await laneX(page, 'Edge'), y: from.y });
    await expect.poll(() => notice().textContent()).toContain(`${pinnedId} is pinned to Device`);
    await expectFigures(page, split);
    expect(await layer(pinnedId).locator('[data-tier]').first().getAttribute('data-tier')).toBe('device');
    await screenshot(page, 'editor-08-pinned-refused-drag');
    await notice().getByRole('button', { name: 'Dismiss' }).click();
    const { project } = await saveProject(page);
    expect(project.pins).toEqual([pinnedId]);
  });

  it("6. a link's bandwidth edited in the lane header changes latency as the cost model says", async () => {
    track();
    const before = resnetFigures(splitPlacement);
    const after = resnetFigures(splitPlacement, edited);
    // The cut tensor goes up the first hop: a slower uplink must cost latency.
    expect(Number(after.latency)).toBeGreaterThan(Number(before.latency));

    const header = page.getByRole('toolbar', { name: 'Tiers and links' });
    await header.getByRole('button', { name: /^Link device → edge: / }).click();
    const dialog = page.getByRole('dialog', { name: 'Link device → edge' });
    const field = dialog.getByRole('spinbutton', { name: 'Uplink (Mb/s)' });
    await field.fill(String(UPLINK_MBPS));
    await field.press('Enter');
    await expectFigures(page, after);
    const shown = await shownFigures(page);
    expect(Number(shown.latency) - Number(before.latency)).toBe(
      Number(after.latency) - Number(before.latency),
    );
    await screenshot(page, 'editor-09-link-edited');
    await dialog.getByRole('button', { name: 'Done' }).click();
    // The picker says the topology is no longer the bundled one as it is.
    const picker = page.getByRole('combobox', { name: 'Topology' });
    expect(await picker.locator('option:checked').textContent()).toBe(`${pi4.spec.name} (custom)`);
    // The edited topology travels with the design (inline in the project).
    const { project } = await saveProject(page);
    expect(project.topology.kind).toBe('inline');
    if (project.topology.kind === 'inline') {
      expect(project.topology.topology.hops[0]!.uplinkMbps).toBe(UPLINK_MBPS);
      expect(project.topology.topology.hops[1]).toEqual(pi4.hops[1]);
    }
    // Undo puts the link back.
    await page.keyboard.press('Control+z');
    await expectFigures(page, before);
    await page.keyboard.press('Control+Shift+z');
    await expectFigures(page, after);
  });

  it("7. binding the detector's input to 1x3x640x640 shows the CLI's MACs", async () => {
    track();
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['bin/cutline.js', 'analyze', OCR, '--input', `x=${OCR_BINDING.x}`, '--json'],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const cli = JSON.parse(stdout) as { totals: { macs: number; exact: boolean } };
    cliMacs = `${cli.totals.exact ? '' : '~'}${formatCount(cli.totals.macs)}`;
    const macs = () =>
      find
        .modelSummary(page)
        .locator('div', { has: page.getByText('MACs', { exact: true }) })
        .locator('dd');

    // The redo above left the design unsaved: opening another model asks first. Cancel keeps
    // the design; OK opens the detector.
    const asked: string[] = [];
    const openDetector = async (answer: 'accept' | 'dismiss'): Promise<void> => {
      page.once('dialog', (dialog) => {
        asked.push(dialog.message());
        void dialog[answer]();
      });
      await page
        .getByRole('combobox', { name: 'Open a sample' })
        .selectOption({ label: 'DB text detector (PaddleOCR-like)' });
      await expect.poll(() => asked.length).toBeGreaterThan(0);
    };
    await openDetector('dismiss');
    expect(asked[0]).toContain('The design of resnet-mini.onnx has unsaved changes.');
    expect(await modelTitle().textContent()).toContain('resnet-mini.onnx');
    await expectFigures(page, resnetFigures(splitPlacement, edited));
    asked.length = 0;
    await openDetector('accept');
    await expect.poll(() => modelTitle().textContent()).toBe('ocr-det-mini.onnx');
    expect(asked).toHaveLength(1);
    const bindings = page.getByRole('form', { name: 'Input bindings' });
    const height = bindings.getByRole('textbox').nth(0);
    const width = bindings.getByRole('textbox').nth(1);
    expect(await bindings.getByRole('textbox').count()).toBe(2);
    await expect.poll(() => macs().textContent()).not.toBe(cliMacs);
    await screenshot(page, 'editor-10-detector-unbound');
    await height.fill('640');
    await width.fill('640');
    await width.press('Enter');
    await expect.poll(() => macs().textContent()).toBe(cliMacs);
    expect(await find.modelSummary(page).textContent()).toContain('x: 1 × 3 × ');
    // A model opens on the topology last used: the one with the edited link. The figures are
    // the evaluator's for the bound model on it (everything still on the device).
    const chip = page
      .getByRole('toolbar', { name: 'Tiers and links' })
      .getByRole('button', { name: /^Link device → edge: / });
    expect(await chip.getAttribute('aria-label')).toContain(`${UPLINK_MBPS}/37.6 Mb/s`);
    await expectFigures(
      page,
      evaluatorFigures({ modelFile: OCR, topology: edited, placement: {}, inputs: OCR_BINDING }),
    );
    await screenshot(page, 'editor-11-detector-bound');
  });

  /** The detector's sections drawn are `names`, the first three in the Device lane, the rest on the Edge. */
  /**
   * The detector's sections on screen are the ones Fit showed, in the same order, the first
   * three in the Device lane and the rest in the Edge lane. Fit shows a long model from its start
   * at a legible zoom, so after the split's relayout fewer sections may be on screen: at least
   * four (both sides of the cut) must be.
   */
  async function expectSectionLanes(names: readonly string[]): Promise<void> {
    await expect.poll(async () => (await drawnNodesTopDown(page)).length).toBeGreaterThanOrEqual(4);
    const drawn = await drawnNodesTopDown(page);
    const shown = drawn.map((node) => node.name);
    expect(shown).toEqual(names.filter((name) => shown.includes(name)));
    const lanes = await Promise.all(drawn.map((node) => laneAt(page, centre(node.box).x)));
    expect(lanes).toEqual(shown.map((name) => (names.indexOf(name) < 3 ? 'Device' : 'Edge')));
  }

  it('8. a saved project, reopened after a reload, gives the same placement and figures', async () => {
    track();
    const ocrOrder = layerOrder(OCR, edited, OCR_BINDING);
    // A split of the bound detector: the Device | Edge cut dragged between its third and fourth
    // sections (it has no name scopes: the studio groups its layers into stages, collapsed).
    const grip = cutGrip(page, 'Device and Edge');
    await page.getByRole('button', { name: 'Fit', exact: true }).click();
    const sections = await drawnNodesTopDown(page);
    expect(sections.length).toBeGreaterThan(4);
    const above = sections.slice(0, 3);
    const layersAbove = above.reduce((sum, node) => sum + node.layers, 0);
    const lastAbove = above[2]!.box;
    const gripAt = centre(await boxOf(grip));
    await drag(page, gripAt, { x: gripAt.x, y: (lastAbove.y + lastAbove.height + sections[3]!.box.y) / 2 });
    await expect.poll(() => grip.getAttribute('aria-valuenow')).toBe(String(layersAbove));
    const placement = withRange({}, ocrOrder, layersAbove, ocrOrder.length, 'edge');
    const expected = evaluatorFigures({ modelFile: OCR, topology: edited, placement, inputs: OCR_BINDING });
    await expectFigures(page, expected);
    await expectSectionLanes(sections.map((node) => node.name));

    // In a browser the saved project is also offered as a download: that file is reopened below.
    const [download, saved] = await Promise.all([page.waitForEvent('download'), saveProject(page)]);
    expect(saved.project.inputs).toEqual(OCR_BINDING);
    expect(saved.project.placement).toEqual(placement);
    const downloaded = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-e2e-download-')),
      download.suggestedFilename(),
    );
    await download.saveAs(downloaded);
    expect(JSON.parse(fs.readFileSync(downloaded, 'utf8'))).toEqual(saved.project);
    await screenshot(page, 'editor-12-project-saved');

    await page.reload();
    // A fresh page opens the default sample; the project comes back through Open project….
    await expect.poll(() => modelTitle().textContent()).toContain('edge-prune-vehicle');
    await page.getByLabel('Project file').setInputFiles(downloaded);
    await expect.poll(() => modelTitle().textContent()).toContain('ocr-det-mini.onnx');
    await expectFigures(page, expected);
    await expect.poll(() => find.modelSummary(page).textContent()).toContain(`MACs${cliMacs}`);
    // The same sections, the first three in the Device lane and the others in the Edge lane.
    await expectSectionLanes(sections.map((node) => node.name));
    expect(await grip.getAttribute('aria-valuenow')).toBe(String(layersAbove));
    const reopened = await saveProject(page);
    expect(reopened.project.placement).toEqual(placement);
    expect(reopened.project.inputs).toEqual(OCR_BINDING);
    await screenshot(page, 'editor-13-project-reopened');
    fs.rmSync(path.dirname(downloaded), { recursive: true, force: true });

    // The host's copy is in the recent list: after another reload it opens from there too.
    await page.reload();
    await expect.poll(() => modelTitle().textContent()).toContain('edge-prune-vehicle');
    const recent = page.getByRole('combobox', { name: 'Open a recent file' });
    await recent.focus();
    const entry = recent.getByRole('option', { name: `Project: ${path.basename(saved.file)}` });
    await expect.poll(() => entry.count()).toBe(1);
    await recent.selectOption({ label: (await entry.textContent())! });
    await expect.poll(() => modelTitle().textContent()).toContain('ocr-det-mini.onnx');
    await expectFigures(page, expected);
    await expectSectionLanes(sections.map((node) => node.name));
  });

  describe('9. the host killed during an unsaved edit', () => {
    let host: HostProcess | null = null;
    let context: BrowserContext | null = null;
    const configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-e2e-kill-'));

    afterAll(async () => {
      if (context) {
        if (anyFailed) await context.tracing.stop({ path: path.join(TRACE_DIR, 'editor-host-kill.zip') });
        await context.close();
      }
      await host?.stop();
      fs.rmSync(configDir, { recursive: true, force: true });
    });

    it('restarts on the same config folder and recovers the design from the banner', async () => {
      track();
      const port = await freePort();
      host = await startHostProcess({ configDir, port });
      context = await session.browser.newContext({ viewport: STUDIO_VIEWPORT });
      await context.tracing.start({ screenshots: true, snapshots: true });
      const other = await context.newPage();
      const thrown: string[] = [];
      other.on('pageerror', (error) => thrown.push(error.message));
      await other.goto(host.url);
      await expect.poll(() => find.modelTitle(other).textContent()).toContain('edge-prune-vehicle');
      const vehicleOrder = layerOrder(VEHICLE, pi4);
      const grip = cutGrip(other, 'Device and Edge');
      await expect.poll(() => grip.getAttribute('aria-valuenow')).toBe(String(vehicleOrder.length));
      // An edit: the cut after the first three layers (block L1), by the keyboard this time.
      await grip.focus();
      await other.keyboard.press('Home');
      for (let i = 0; i < 3; i++) await other.keyboard.press('ArrowDown');
      await expect.poll(() => grip.getAttribute('aria-valuenow')).toBe('3');
      const placement = withRange({}, vehicleOrder, 3, vehicleOrder.length, 'edge');
      const expected = evaluatorFigures({ modelFile: VEHICLE, topology: pi4, placement });
      await expectFigures(other, expected);
      await expect.poll(() => find.modelTitle(other).getByLabel('Unsaved changes').count()).toBe(1);
      // The host holds the autosave a moment after the edit: then kill it, no goodbye.
      const autosave = path.join(configDir, AUTOSAVE_FILE);
      await expect
        .poll(() =>
          fs.existsSync(autosave)
            ? (JSON.parse(fs.readFileSync(autosave, 'utf8')) as { design: { project: ProjectFile } }).design
                .project.placement
            : null,
        )
        .toEqual(placement);
      await screenshot(other, 'editor-14-unsaved-before-kill');
      await host.kill();

      host = await startHostProcess({ configDir, port });
      // The old page's token died with its host: open the new launch's address.
      await other.goto(host.url);
      const banner = other.getByRole('alertdialog', { name: 'Recover unsaved design' });
      await expect.poll(() => banner.count()).toBe(1);
      expect(await banner.textContent()).toContain('edge-prune-vehicle.onnx');
      await screenshot(other, 'editor-15-recovery-banner');
      await banner.getByRole('button', { name: 'Recover' }).click();
      await expect.poll(() => banner.count()).toBe(0);
      await expectFigures(other, expected);
      await expect.poll(() => grip.getAttribute('aria-valuenow')).toBe('3');
      await expectDrawnAsPlaced(other, placement);
      // It is still unsaved; saved now, it is the design from before the kill.
      expect(await find.modelTitle(other).getByLabel('Unsaved changes').count()).toBe(1);
      await screenshot(other, 'editor-16-recovered');
      const { project } = await saveProject(other);
      expect(project.placement).toEqual(placement);
      expect(project.model.fileName).toBe('edge-prune-vehicle.onnx');
      // Losing its host mid-session made the page throw nothing.
      expect(thrown).toEqual([]);
    });
  });
});
