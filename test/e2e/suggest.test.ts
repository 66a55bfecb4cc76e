/**
 * The solvers, the Pareto and the bandwidth charts in the studio, end to end (issue 12's
 * acceptance): real Chromium against the web host, through the dock under the canvas. On the
 * bundled Edge-PRUNE vehicle classifier (13 layers) over ODROID-N2 → Ethernet → i7 it asks for the
 * least device energy with at least 3 layers on the device, hovers a suggestion (the figures bar
 * previews it with the difference, the layers it moves are marked on the canvas), applies it and
 * undoes it, checking every figure against `cutline solve --json` and core's evaluator; applies a
 * point of the Pareto chart and one of its table; ranks the single cut points; and checks every
 * point of the bandwidth sweep against `cutline sweep --json`, then sets the link from the chart's
 * table. Screenshots of each view go to test-results/screenshots/suggest-NN-*.png.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Page } from 'playwright-core';
import { loadTopology } from '../../core/profiles/load.js';
import type { TierName, Topology } from '../../core/profiles/types.js';
import { TIER_TITLES } from '../../core/tiers.js';
import { openStudio, screenshot, type StudioSession } from './support/browser.js';
import { cutlineJson, type SolveJson, type SolvePlanJson, type SweepJson } from './support/cutline-cli.js';
import {
  evaluatorFigures,
  layerOrder,
  shownFigures,
  showsPreview,
  type PlacementRecord,
} from './support/design-figures.js';
import { expectedMarks, layerRecord, openTool, previewMarks } from './support/dock-page.js';
import { expectFigures, saveProject, withRange } from './support/editor-page.js';
import * as find from './support/locators.js';

const VEHICLE = path.resolve('samples/edge-prune-vehicle.onnx');
const TOPOLOGY = 'n2-ethernet-i7';
/** The sweep runs on a three-tier topology, over its second link, so `--link` is exercised. */
const SWEEP_TOPOLOGY = 'pi4-wifi-edge-wan-cloud';
const SWEEP_LINK = 'edge-cloud';
const SWEEP = { from: '0.5', to: '2000', steps: '9' } as const;
const MIN_DEVICE_LAYERS = 3;

let session: StudioSession;
let page: Page;
let anyFailed = false;
const n2: Topology = loadTopology(TOPOLOGY);
const order = layerOrder(VEHICLE, n2);
/** The design the steps start from: only the first layer on the device (the cut grip moved by keys). */
const start: PlacementRecord = withRange({}, order, 1, order.length, 'edge');
const figuresOf = (placement: PlacementRecord, topology = n2) =>
  evaluatorFigures({ modelFile: VEHICLE, topology, placement });
/** `cutline solve` with the settings the steps choose in the Suggestions tab. */
let cli: SolveJson;

/**
 * The solvers of each placement of `cli`'s plans, in their order: the table and the chart show a
 * placement once, naming every solver that found it. (The CLI names every node, so equal
 * placements are equal JSON.)
 */
function planGroups(): string[][] {
  const groups = new Map<string, string[]>();
  for (const plan of cli.plans) {
    const key = JSON.stringify(plan.placement);
    groups.set(key, [...(groups.get(key) ?? []), plan.solver]);
  }
  return [...groups.values()];
}

/** A group's name as the table writes it: "single-split · two-split · min-cut (all agree)". */
const groupName = (solvers: readonly string[]): string =>
  `${solvers.join(' · ')}${solvers.length > 1 && solvers.length === cli.plans.length ? ' (all agree)' : ''}`;

beforeAll(async () => {
  session = await openStudio({ colorScheme: 'light' });
  page = session.page;
  cli = await cutlineJson<SolveJson>([
    'solve',
    VEHICLE,
    '--topology',
    TOPOLOGY,
    '--objective',
    'energy',
    '--constraint',
    `min-device-layers=${MIN_DEVICE_LAYERS}`,
    '--pareto',
    '--json',
  ]);
});

afterAll(async () => {
  await session?.close(anyFailed, 'suggest');
});

describe('suggestions, Pareto and bandwidth charts in the studio, in Chromium', () => {
  const track = (): void => onTestFailed(() => void (anyFailed = true));
  const figuresBar = () => page.getByRole('region', { name: 'Design figures' });

  it('1. runs the solvers under a constraint, previews a suggestion, applies it and undoes it', async () => {
    track();
    await expect.poll(() => find.modelTitle(page).textContent()).toContain('edge-prune-vehicle');
    await page.getByRole('combobox', { name: 'Topology' }).selectOption(TOPOLOGY);
    const grip = page.getByRole('slider', { name: 'Cut between Device and Edge' });
    await expect.poll(() => grip.getAttribute('aria-valuenow')).toBe(String(order.length));
    await grip.focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await expectFigures(page, figuresOf(start));

    const panel = await openTool(page, 'Suggestions');
    const settings = panel.getByRole('form', { name: 'Solver settings' });
    await settings.getByRole('combobox', { name: 'Objective' }).selectOption({ label: 'Device energy' });
    await settings
      .getByRole('textbox', { name: 'At least this many layers on the device' })
      .fill(String(MIN_DEVICE_LAYERS));
    await panel.getByRole('button', { name: 'Suggest', exact: true }).click();

    // One row per placement of `cutline solve`'s plans with the same settings, naming the solvers
    // that found it, after the current design's. (Here the solvers all agree: one row.)
    const table = panel.getByRole('table', { name: 'Suggestions' });
    const solverRow = (solver: string) =>
      table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${solver}`) }) });
    const groups = planGroups();
    await expect.poll(() => table.getByRole('row').count()).toBe(2 + groups.length);
    expect(cli.infeasible).toEqual([]);
    const rowHeads = await table.getByRole('rowheader').allTextContents();
    expect(rowHeads[0]).toBe('Current design');
    expect([...rowHeads.slice(1)].sort()).toEqual(groups.map(groupName).sort());
    // Every solver is named on the row of its placement.
    for (const solvers of groups)
      for (const solver of solvers)
        expect(await table.getByRole('row', { name: new RegExp(solver) }).count()).toBe(1);

    // The first plan: it keeps at least 3 layers on the device (the constraint) and moves some.
    const plan: SolvePlanJson = cli.plans[0]!;
    const suggested = layerRecord(plan.placement, order);
    expect(plan.deviceLayersBeforeLeaving).toBeGreaterThanOrEqual(MIN_DEVICE_LAYERS);
    const expected = figuresOf(suggested);
    expect(expected).not.toEqual(figuresOf(start));
    const row = solverRow(plan.solver);
    const planSolvers = groups.find((solvers) => solvers.includes(plan.solver))!;
    expect(await row.getByRole('cell').nth(5).textContent()).toBe(String(plan.deviceLayersBeforeLeaving));

    // Hovering the row previews it: the figures bar shows its figures with the difference, and
    // every drawn layer it would move carries a mark naming the tier it would go to.
    await row.hover();
    await expect.poll(() => shownFigures(page)).toEqual(expected);
    expect(await showsPreview(page)).toBe(true);
    expect(await figuresBar().textContent()).toContain(`preview: ${planSolvers.join(' · ')} suggestion`);
    const latencyShown = figuresBar().locator('.figure[data-key="latency"] dd');
    expect(await latencyShown.locator('.figure-delta').count()).toBe(1);
    // The row's latency is the one the bar previews (as formatted text).
    const rowLatency = (await row.getByRole('cell').nth(0).textContent())!;
    expect(await latencyShown.textContent()).toMatch(new RegExp(`^${rowLatency.replace('.', '\\.')} `));
    const marks = await previewMarks(page);
    expect(marks).toEqual(expectedMarks(Object.keys(marks), start, suggested));
    const moved = Object.keys(marks).filter((id) => marks[id] !== '');
    expect(moved.length).toBeGreaterThan(0);
    // The mark reads as the tier the layer would go to.
    for (const id of moved)
      expect(await find.layerNode(page, id).textContent()).toContain(
        `→ ${TIER_TITLES[marks[id] as TierName]}`,
      );
    await screenshot(page, 'suggest-01-suggestion-preview');

    // Clicking applies it: the design's figures are the row's, the project records its placement
    // and the settings the solvers ran with.
    await row.click();
    await page.mouse.move(1, 1);
    await expectFigures(page, expected);
    await expect.poll(() => row.getAttribute('aria-current')).toBe('true');
    expect(Object.values(await previewMarks(page)).every((tier) => tier === '')).toBe(true);
    await screenshot(page, 'suggest-02-suggestion-applied');
    const { project } = await saveProject(page);
    expect(project.placement).toEqual(suggested);
    expect(project.objective).toBe('energy');
    expect(project.constraints).toContain(`min-device-layers=${MIN_DEVICE_LAYERS}`);

    // Undo: the figures are back to the design before.
    await page.keyboard.press('Control+z');
    await expectFigures(page, figuresOf(start));
    await expect.poll(() => row.getAttribute('aria-current')).toBe(null);
  });

  it('2. applies points of the Pareto chart and of its table', async () => {
    track();
    const front = cli.pareto?.points ?? [];
    expect(front.length).toBeGreaterThanOrEqual(2);
    const panel = await openTool(page, 'Pareto');
    const table = panel.getByRole('table', { name: 'Pareto points' });
    // One suggestion row per placement, as in the Suggestions table.
    const groups = planGroups();
    await expect.poll(() => table.getByRole('row').count()).toBe(2 + groups.length + front.length);
    for (const solvers of groups)
      expect(await table.getByRole('rowheader', { name: `${groupName(solvers)} suggestion` }).count()).toBe(
        1,
      );
    const pointRow = (name: RegExp) =>
      table.getByRole('row').filter({ has: page.getByRole('rowheader', { name }) });
    /** The latency and device energy a row gives its point, as exact numbers. */
    const rowFigures = async (name: RegExp) => {
      const values = await pointRow(name)
        .locator('td[data-value]')
        .evaluateAll((cells) =>
          (cells as unknown as ElementLikeValue[]).map((c) => c.getAttribute('data-value')),
        );
      return { latency: Number(values[0]), energy: Number(values[1]) };
    };
    // Each front point's figures are `cutline solve --pareto`'s for it.
    for (const [i, point] of front.entries()) {
      expect(await rowFigures(new RegExp(`^Front ${i + 1} · `))).toEqual({
        latency: point.latencyMs,
        energy: point.deviceEnergyMj,
      });
    }
    await screenshot(page, 'suggest-03-pareto');

    // Front 1 clicked on the chart: hovering previews it, the click applies it.
    const chart = panel.getByRole('figure', { name: 'Latency × device energy' });
    const marker = chart
      .locator('g.chart-marker')
      .filter({ has: page.locator('title', { hasText: /^Front 1 · / }) });
    await marker.hover();
    await expect.poll(() => showsPreview(page)).toBe(true);
    const first = await rowFigures(/^Front 1 · /);
    expect(Number((await shownFigures(page)).latency)).toBe(first.latency);
    await marker.click();
    await page.mouse.move(1, 1);
    await expect.poll(() => showsPreview(page)).toBe(false);
    await expect
      .poll(async () => {
        const shown = await shownFigures(page);
        return { latency: Number(shown.latency), energy: Number(shown.energy) };
      })
      .toEqual(first);
    const applied = await saveProject(page);
    expect(figuresOf(applied.project.placement)).toEqual(await shownFigures(page));
    await expect.poll(() => pointRow(/^Front 1 · /).getAttribute('data-applied')).toBe('true');
    await screenshot(page, 'suggest-04-pareto-applied');

    // The last front point by its table row's Apply button.
    const last = new RegExp(`^Front ${front.length} · `);
    const lastFigures = await rowFigures(last);
    await pointRow(last)
      .getByRole('button', { name: /^Apply Front / })
      .click();
    await page.mouse.move(1, 1);
    await expect
      .poll(async () => {
        const shown = await shownFigures(page);
        return { latency: Number(shown.latency), energy: Number(shown.energy) };
      })
      .toEqual(lastFigures);
    expect(lastFigures).toEqual({ latency: front.at(-1)!.latencyMs, energy: front.at(-1)!.deviceEnergyMj });
  });

  it('3. ranks the single cut points', async () => {
    track();
    const panel = await openTool(page, 'Cut points');
    await panel.getByRole('button', { name: 'Rank cut points' }).click();
    const table = panel.getByRole('table', { name: 'Cut points' });
    // Every cut: none to all 13 layers on the device.
    await expect.poll(() => table.getByRole('row').count()).toBe(1 + order.length + 1);
    expect(await panel.getByRole('status').first().textContent()).toContain(`${order.length + 1} cut points`);
    // The row of the cut after the third layer previews the evaluator's figures for that cut.
    const cut = withRange({}, order, MIN_DEVICE_LAYERS, order.length, 'edge');
    await table
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: order[MIN_DEVICE_LAYERS - 1]!, exact: true }) })
      .hover();
    await expect.poll(() => shownFigures(page)).toEqual(figuresOf(cut));
    await screenshot(page, 'suggest-05-cut-points');
    await page.mouse.move(1, 1);
    await expect.poll(() => showsPreview(page)).toBe(false);
  });

  it("4. the sweep chart's points are `cutline sweep --json`'s, and a row sets the link", async () => {
    track();
    await page.getByRole('combobox', { name: 'Topology' }).selectOption(SWEEP_TOPOLOGY);
    await expect.poll(() => page.getByRole('group', { name: 'Cloud lane' }).count()).toBe(1);
    const sweep = await cutlineJson<SweepJson>([
      'sweep',
      VEHICLE,
      '--topology',
      SWEEP_TOPOLOGY,
      '--link',
      SWEEP_LINK,
      '--from',
      SWEEP.from,
      '--to',
      SWEEP.to,
      '--steps',
      SWEEP.steps,
      '--json',
    ]);
    const panel = await openTool(page, 'Bandwidth');
    const form = panel.getByRole('form', { name: 'Bandwidth sweep' });
    await form.getByRole('combobox', { name: 'Link' }).selectOption('1');
    await form.getByRole('textbox', { name: 'From (Mb/s)' }).fill(SWEEP.from);
    await form.getByRole('textbox', { name: 'To (Mb/s)' }).fill(SWEEP.to);
    await form.getByRole('textbox', { name: 'Steps' }).fill(SWEEP.steps);
    await form.getByRole('button', { name: 'Sweep', exact: true }).click();
    await panel.getByRole('button', { name: 'Show figures' }).click();
    const table = panel.getByRole('table', { name: 'Sweep figures' });
    await expect.poll(() => table.getByRole('row').count()).toBe(1 + sweep.points.length);
    expect(await panel.getByRole('figure').getAttribute('aria-label')).toBe(
      `Latency against the bandwidth of the ${sweep.link.tiers
        .split('-')
        .map((tier) => TIER_TITLES[tier as TierName])
        .join(' ↔ ')} link (${sweep.link.id})`,
    );

    // Every number of every point, exactly: the cells carry them in data-value.
    const shown = await table.locator('tbody tr').evaluateAll((rows) =>
      (rows as unknown as ElementRows[]).map((row) => {
        const point: Record<string, string> = {
          mbps: row.querySelector('th')?.getAttribute('data-value') ?? '',
        };
        for (const cell of row.querySelectorAll('td[data-key]'))
          point[cell.getAttribute('data-key') ?? ''] = cell.getAttribute('data-value') ?? '';
        return point;
      }),
    );
    const fields = Object.keys(sweep.points[0]!);
    expect(fields).toEqual(
      expect.arrayContaining(['mbps', 'deviceOnlyMs', 'serverOnlyMs', 'bestSplitMs', 'fastest']),
    );
    expect(
      shown.map((point) =>
        Object.fromEntries(
          fields.map((field) => [field, field === 'fastest' ? point[field] : Number(point[field])]),
        ),
      ),
    ).toEqual(sweep.points);
    // Where the best split changes: one marker per change the CLI reports.
    const markers = panel
      .getByLabel('Where the best split changes')
      .getByRole('button', { name: /^Set the link to / });
    expect(await markers.count()).toBe(sweep.changes.length);
    await screenshot(page, 'suggest-06-bandwidth-sweep');

    // A row's Set puts the link at that bandwidth (as the project records it).
    const picked = sweep.points[2]!.mbps as number;
    const chip = page
      .getByRole('toolbar', { name: 'Tiers and links' })
      .getByRole('button', { name: /^Link edge → cloud: / });
    const before = await chip.getAttribute('aria-label');
    await table
      .getByRole('row')
      .nth(3)
      .getByRole('button', { name: /^Set the link to / })
      .click();
    await expect.poll(() => chip.getAttribute('aria-label')).not.toBe(before);
    const { project } = await saveProject(page);
    expect(project.topology.kind).toBe('inline');
    if (project.topology.kind === 'inline')
      expect(project.topology.topology.hops[1]!.uplinkMbps).toBe(picked);
    await screenshot(page, 'suggest-07-bandwidth-link-set');
  });
});

/** What the page-side callbacks read (the tests' tsconfig has no DOM types). */
interface ElementLikeValue {
  getAttribute(name: string): string | null;
}
interface ElementRows extends ElementLikeValue {
  querySelector(selector: string): ElementLikeValue | null;
  querySelectorAll(selector: string): Iterable<ElementLikeValue>;
}
