/**
 * Export, the live harness and this machine's calibration in the studio, end to end (issue 12's
 * acceptance), in the dark theme: real Chromium against the web host, real onnxruntime, a real
 * process per tier. On the bundled Edge-PRUNE vehicle classifier split three ways over Raspberry
 * Pi 4 → WiFi → i7 edge → WAN → cloud (cut lines moved by keys), it exports the design from the
 * Export tab and compares the manifest with `cutline export --project` on the same design saved
 * as a project; runs the harness from the Run tab with emulated links until every request is
 * answered and verified and the measured figures sit next to the predicted ones; starts a long
 * run, watches requests arrive, stops it and checks with `ps` that no tier process is left; and
 * calibrates this machine. Screenshots go to test-results/screenshots/run-NN-*.png.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Page } from 'playwright-core';
import { loadTopology } from '../../core/profiles/load.js';
import type { Topology } from '../../core/profiles/types.js';
import { formatMs } from '../../app/renderer/util/format.js';
import { openStudio, screenshot, type StudioSession } from './support/browser.js';
import { cutlineJson } from './support/cutline-cli.js';
import { evaluatorFigures, layerOrder, type PlacementRecord } from './support/design-figures.js';
import { openTool } from './support/dock-page.js';
import { expectFigures, saveProject, withRange } from './support/editor-page.js';
import * as find from './support/locators.js';
import { isRunning, processesNaming } from './support/tier-processes.js';
import { formatTolerance } from '../../core/export/tolerance.js';
import { formatDifference } from '../../core/export/verification-words.js';

const VEHICLE = path.resolve('samples/edge-prune-vehicle.onnx');
const TOPOLOGY = 'pi4-wifi-edge-wan-cloud';
/** Layers 0–2 on the device, 3–5 on the edge, the rest in the cloud. */
const DEVICE_LAYERS = 3;
const EDGE_END = 6;
const RUNS = 5;
const STREAM = 5;
/** A run long enough to be stopped in the middle (it is stopped after two answers). */
const LONG_RUNS = 400;

let session: StudioSession;
let page: Page;
let anyFailed = false;
let work: string;
const pi4: Topology = loadTopology(TOPOLOGY);
const order = layerOrder(VEHICLE, pi4);
const split: PlacementRecord = withRange(
  withRange({}, order, DEVICE_LAYERS, EDGE_END, 'edge'),
  order,
  EDGE_END,
  order.length,
  'cloud',
);
/** The bundle the studio exported (step 1); the harness steps run it. */
let bundleDir = '';

interface ExportJson {
  readonly bundle: string;
  readonly segments: readonly { id: string; tier: string; file: string; bytes: number }[];
  readonly predicted: { latencyMs: number };
  readonly verification: {
    ok: boolean;
    outputs: string[];
    rtol: number;
    worst: { atol: number } | null;
    largestAbs: { diff: number } | null;
  } | null;
}

/** A bundle's manifest without what differs between two exports of one design: the lab token. */
function manifestOf(dir: string): Record<string, unknown> {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as {
    runtime: Record<string, unknown>;
  };
  const { token, ...runtime } = manifest.runtime;
  expect(typeof token).toBe('string');
  return { ...manifest, runtime };
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-e2e-run-'));
  session = await openStudio({ colorScheme: 'dark' });
  page = session.page;
});

afterAll(async () => {
  await session?.close(anyFailed, 'export-run');
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('export, the live harness and calibration in the studio, in Chromium', () => {
  const track = (): void => onTestFailed(() => void (anyFailed = true));
  const runPanel = () => page.getByRole('tabpanel', { name: 'Run' });
  const runStatus = () => page.getByRole('status', { name: 'Run status' });
  /** "answered N of M" in the run's counts. */
  const answered = async (): Promise<number> => {
    const text = (await page.getByLabel('Counts', { exact: true }).textContent()) ?? '';
    return Number(/answered\s*(\d+) of/.exec(text)?.[1] ?? NaN);
  };
  const requestPoints = () =>
    runPanel().getByRole('figure', { name: 'Requests' }).locator('.recharts-scatter-symbol');

  it('1. exports the design from the studio: the manifest is `cutline export --project`’s', async () => {
    track();
    await expect.poll(() => find.modelTitle(page).textContent()).toContain('edge-prune-vehicle');
    await page.getByRole('combobox', { name: 'Topology' }).selectOption(TOPOLOGY);
    // The Edge | Cloud line first (moving a line pushes the one above it), then Device | Edge.
    const edgeCloud = page.getByRole('slider', { name: 'Cut between Edge and Cloud' });
    const deviceEdge = page.getByRole('slider', { name: 'Cut between Device and Edge' });
    await edgeCloud.focus();
    await page.keyboard.press('Home');
    for (let i = 0; i < EDGE_END; i++) await page.keyboard.press('ArrowDown');
    await deviceEdge.focus();
    await page.keyboard.press('Home');
    for (let i = 0; i < DEVICE_LAYERS; i++) await page.keyboard.press('ArrowDown');
    await expect.poll(() => deviceEdge.getAttribute('aria-valuenow')).toBe(String(DEVICE_LAYERS));
    await expect.poll(() => edgeCloud.getAttribute('aria-valuenow')).toBe(String(EDGE_END));
    await expectFigures(page, evaluatorFigures({ modelFile: VEHICLE, topology: pi4, placement: split }));
    const { project, file } = await saveProject(page);
    expect(project.placement).toEqual(split);

    const panel = await openTool(page, 'Export');
    const folder = panel.getByRole('textbox', { name: 'Bundle folder' });
    // The host suggests a fresh folder; the test writes into its own.
    await expect.poll(() => folder.inputValue()).toMatch(/edge-prune-vehicle-\d{8}-\d{4}/);
    bundleDir = path.join(work, 'studio-bundle');
    await folder.fill(bundleDir);
    await panel.getByRole('checkbox', { name: 'Zip', exact: true }).check();
    // What was typed outlives a visit to another tab (the form is the store's, not the tab's).
    await openTool(page, 'Bandwidth');
    await openTool(page, 'Export');
    expect(await folder.inputValue()).toBe(bundleDir);
    expect(await panel.getByRole('checkbox', { name: 'Zip', exact: true }).isChecked()).toBe(true);
    await panel.getByRole('checkbox', { name: 'Zip', exact: true }).uncheck();
    await panel.getByRole('button', { name: 'Export', exact: true }).click();
    const result = panel.getByRole('region', { name: 'Export result' });
    await expect.poll(() => result.count(), { timeout: 60_000 }).toBe(1);
    const verified = await result.getByRole('status', { name: 'Verification' }).textContent();
    await screenshot(page, 'run-01-export-result');

    const cli = await cutlineJson<ExportJson>([
      'export',
      '--project',
      file,
      '--out',
      path.join(work, 'cli-bundle'),
      '--json',
    ]);
    expect(cli.verification?.ok).toBe(true);
    // Said in words: the CLI's rule (rtol, and the atol of the deciding output) and its largest difference.
    const said =
      /^Verified: the split's outputs equal the whole model's within rtol 1e-4 \+ atol (\d(?:\.\d)?e[+-]\d+) \((?:every element identical|largest difference (\d\.\de[+-]\d+) = \S+ relative, output .+)\)\.$/.exec(
        verified ?? '',
      );
    expect(said, verified ?? '').not.toBeNull();
    // The same figures as the CLI's, in the same words.
    expect(said![1]).toBe(formatTolerance(cli.verification!.worst!.atol));
    expect(said![2] ?? '0').toBe(formatDifference(cli.verification!.largestAbs!.diff));
    // Segments, schedule, plan (placement and predictions), tiers, hops, model: all the same.
    const studioManifest = manifestOf(bundleDir);
    const cliManifest = manifestOf(cli.bundle);
    expect(Object.keys(studioManifest)).toEqual(
      expect.arrayContaining(['segments', 'schedule', 'plan', 'tiers', 'hops', 'model']),
    );
    expect(studioManifest).toEqual(cliManifest);
    // Every segment file is byte for byte the CLI's.
    for (const segment of cli.segments) {
      expect(fs.readFileSync(path.join(bundleDir, segment.file))).toEqual(
        fs.readFileSync(path.join(cli.bundle, segment.file)),
      );
    }
    // The result lists the CLI's segments, each with its tier and file.
    const rows = await result
      .getByRole('table', { name: 'Segments' })
      .locator('tbody tr')
      .evaluateAll((trs) =>
        (
          trs as unknown as {
            textContent: string | null;
            querySelectorAll(s: string): { textContent: string | null }[];
          }[]
        ).map((tr) => [...tr.querySelectorAll('td')].slice(0, 3).map((td) => td.textContent)),
      );
    expect(rows.map(([id, , segmentFile]) => [id, segmentFile])).toEqual(
      cli.segments.map((segment) => [segment.id, segment.file]),
    );
    expect(new Set(cli.segments.map((segment) => segment.tier))).toEqual(
      new Set(['device', 'edge', 'cloud']),
    );
    expect(await result.getByRole('definition').first().textContent()).toBe(
      formatMs(cli.predicted.latencyMs),
    );
  });

  it('2. runs the harness with emulated links: verified, measured next to predicted', async () => {
    track();
    expect(bundleDir).not.toBe('');
    await page.getByRole('region', { name: 'Export result' }).getByRole('button', { name: 'Run it' }).click();
    const panel = runPanel();
    await expect
      .poll(() => page.getByRole('tab', { name: 'Run' }).getAttribute('aria-selected'))
      .toBe('true');
    expect(await panel.textContent()).toContain(`Bundle: ${bundleDir}`);
    expect(await panel.getByRole('checkbox', { name: 'Emulate links' }).isChecked()).toBe(true);
    await panel.getByRole('spinbutton', { name: 'Runs' }).fill(String(RUNS));
    await panel.getByRole('spinbutton', { name: 'Stream' }).fill(String(STREAM));
    await panel.getByRole('button', { name: 'Start' }).click();

    await expect.poll(() => runStatus().textContent(), { timeout: 90_000 }).toMatch(/^\s*Done/);
    expect(await answered()).toBe(RUNS + STREAM);
    expect(await page.getByRole('status', { name: 'Verification' }).textContent()).toMatch(
      /^Verified: every request answered through the split equals the whole model's answer within rtol 1e-4 \+ atol 1e-5 × the output's largest \|value\| \(at least 1\) \((every element identical|furthest off: \d\.\de[+-]\d+ where \d(\.\d)?e[+-]\d+ is allowed, output .+, element \d+)\)\.$/,
    );
    // Every answered request is a point of the requests chart.
    expect(await requestPoints().count()).toBe(RUNS + STREAM);
    // Measured next to predicted: every tier's compute and every link, each with a measured
    // median and the plan's prediction.
    const table = panel.getByRole('table', { name: 'Measured and predicted figures' });
    const figures = await table.locator('tbody tr').evaluateAll((trs) =>
      (
        trs as unknown as {
          querySelector(s: string): { textContent: string | null } | null;
          querySelectorAll(s: string): { textContent: string | null }[];
        }[]
      ).map((tr) => [
        tr.querySelector('th')?.textContent ?? '',
        ...[...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''),
      ]),
    );
    expect(figures.map(([label]) => label)).toEqual([
      'Device compute',
      'Edge compute',
      'Cloud compute',
      'Device ↔ Edge link',
      'Edge ↔ Cloud link',
    ]);
    for (const [label, measured, , plan] of figures) {
      expect(measured, label).toMatch(/^\d[\d.]* (ms|µs)$/);
      expect(plan, label).toMatch(/^\d[\d.]* (ms|µs)$/);
    }
    // The chart's groups and legend read measured, then predicted on this machine, then the plan.
    const compared = panel.getByRole('figure', { name: 'Measured and predicted' });
    expect(await compared.locator('.recharts-legend-item-text').allTextContents()).toEqual([
      'measured',
      'predicted on this machine',
      "predicted (plan, the topology's devices)",
    ]);
    // The last group (the Edge ↔ Cloud link) has all three bars: measured on top, the plan below.
    const lastBarTop = (series: string) =>
      compared
        .locator(`.run-bar-${series} .recharts-rectangle`)
        .evaluateAll((rects) =>
          Math.max(
            ...(rects as unknown as { getBoundingClientRect(): { top: number } }[]).map(
              (r) => r.getBoundingClientRect().top,
            ),
          ),
        );
    const tops = [
      await lastBarTop('measuredMs'),
      await lastBarTop('thisMachineMs'),
      await lastBarTop('planMs'),
    ];
    expect(tops.every(Number.isFinite)).toBe(true);
    expect([...tops].sort((x, y) => x - y)).toEqual(tops);
    expect(new Set(tops).size).toBe(3);
    const summary = panel.getByRole('region', { name: /summary$/i });
    expect(await summary.textContent()).toContain(
      `${RUNS + STREAM} requests: ${RUNS + STREAM} answered through the split, 0 failed`,
    );
    // The measured compute laid over the graph: the heat is the measured metric now.
    const measured = panel.getByRole('button', { name: 'Show measured on the graph' });
    await measured.click();
    await expect.poll(() => measured.getAttribute('aria-pressed')).toBe('true');
    expect(
      await page.getByRole('combobox', { name: 'Heat' }).locator('option:checked').textContent(),
    ).toMatch(/^Measured/);
    // The nodes' time badges give the measured share too, marked so it is not read as predicted.
    const timeBadges = () => find.layerNodes(page).locator('.badge-time').allTextContents();
    const measuredBadge = /^≈ \d[\d.]* (ms|µs) measured$/;
    await expect
      .poll(async () => {
        const texts = await timeBadges();
        return texts.length > 0 && texts.every((text) => measuredBadge.test(text));
      })
      .toBe(true);
    await screenshot(page, 'run-02-harness-done');
    await measured.click();
    await expect.poll(() => measured.getAttribute('aria-pressed')).toBe('false');
    await expect.poll(async () => (await timeBadges()).some((text) => text.includes('measured'))).toBe(false);
  });

  it('3. a harness stopped mid-run leaves no tier process', async () => {
    track();
    const panel = runPanel();
    await panel.getByRole('spinbutton', { name: 'Runs' }).fill(String(LONG_RUNS));
    await panel.getByRole('spinbutton', { name: 'Stream' }).fill('0');
    // The Run form keeps its counts through a visit to another tab, not the last run's.
    await openTool(page, 'Export');
    await openTool(page, 'Run');
    expect(await panel.getByRole('spinbutton', { name: 'Runs' }).inputValue()).toBe(String(LONG_RUNS));
    expect(await panel.getByRole('spinbutton', { name: 'Stream' }).inputValue()).toBe('0');
    await panel.getByRole('button', { name: 'Start' }).click();
    // Requests arrive while it runs: the counts and the chart grow.
    await expect.poll(answered, { timeout: 60_000 }).toBeGreaterThanOrEqual(2);
    await expect.poll(() => requestPoints().count()).toBeGreaterThanOrEqual(2);
    const stop = panel.getByRole('button', { name: 'Stop' });
    expect(await stop.isEnabled()).toBe(true);
    expect(await answered()).toBeLessThan(LONG_RUNS);
    // The tiers the run started, as the page lists them, are processes naming the bundle.
    const tiersText = (await page.getByLabel('Tiers', { exact: true }).textContent()) ?? '';
    const tierPids = [...tiersText.matchAll(/pid (\d+)/g)].map((match) => Number(match[1]));
    expect(tierPids).toHaveLength(3);
    const running = await processesNaming(bundleDir);
    for (const pid of tierPids) {
      expect(running, `tier process ${pid}`).toContain(pid);
      expect(isRunning(pid)).toBe(true);
    }
    await screenshot(page, 'run-03-harness-running');

    await stop.click();
    // The job ends once its processes are gone: then none is left.
    await expect.poll(() => runStatus().textContent(), { timeout: 30_000 }).toMatch(/^\s*Stopped/);
    for (const pid of tierPids) expect(isRunning(pid), `tier process ${pid}`).toBe(false);
    expect(await processesNaming(bundleDir)).toEqual([]);
    expect(await answered()).toBeLessThan(LONG_RUNS);
    await screenshot(page, 'run-04-harness-stopped');
  });

  it('4. calibrates this machine and shows predicted against measured per layer', async () => {
    track();
    const panel = await openTool(page, 'This machine');
    await panel.getByRole('spinbutton', { name: 'Runs' }).fill('2');
    await panel.getByRole('spinbutton', { name: 'Warm-up' }).fill('1');
    // The kernel-level fit (30-60 s more) is machine-kernels' test; this one reads the layer fit.
    await panel.getByRole('checkbox', { name: /^Kernel-level predictor/ }).uncheck();
    await panel.getByRole('button', { name: 'Calibrate' }).click();
    const calibration = panel.getByRole('region', { name: 'Calibration' });
    await expect.poll(() => calibration.count(), { timeout: 90_000 }).toBe(1);
    const chart = calibration.getByRole('figure', { name: 'Predicted against measured' });
    await expect.poll(() => chart.locator('.recharts-scatter-symbol').count()).toBeGreaterThan(0);
    expect(await calibration.getByLabel('This machine', { exact: true }).textContent()).toMatch(
      /Peak\d[\d.]* GFLOP\/s/,
    );
    await screenshot(page, 'run-05-this-machine');
  });
});
