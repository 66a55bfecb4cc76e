/**
 * What the editor's e2e steps do on the page and read back from it: real mouse drags, the lane
 * under a node (from the lane header, whose cells span the lanes), the figures bar settling on
 * expected values, Save and the project file it wrote, where each drawn layer sits, a layer
 * found by search, and a model opened from bytes through the file picker.
 */
import fs from 'node:fs';
import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { ProjectFile } from '../../../core/project/types.js';
import type { TierName } from '../../../core/profiles/types.js';
import {
  shownFigures,
  showsPreview,
  type ElementLike,
  type FigureValues,
  type PlacementRecord,
} from './design-figures.js';
import * as find from './locators.js';

export type Box = { x: number; y: number; width: number; height: number };
export type LaneTitle = 'Device' | 'Edge' | 'Cloud';

/** Opens `bytes` as `name` through the header's file picker and waits until the studio shows it. */
export async function openModelBytes(on: Page, name: string, bytes: Uint8Array): Promise<void> {
  await on.getByLabel('Model file').setInputFiles({
    name,
    mimeType: 'application/octet-stream',
    buffer: Buffer.from(bytes),
  });
  await expect.poll(() => find.modelTitle(on).textContent()).toBe(name);
}

/** Moves the mouse from one point to another in small steps, as a hand does, button held. */
export async function drag(
  on: Page,
  from: { x: number; y: number },
  to: { x: number; y: number },
  whileHeld?: () => Promise<void>,
): Promise<void> {
  await on.mouse.move(from.x, from.y);
  await on.mouse.down();
  await on.mouse.move(from.x + (to.x - from.x) / 4, from.y + (to.y - from.y) / 4, { steps: 4 });
  await on.mouse.move(to.x, to.y, { steps: 12 });
  await whileHeld?.();
  await on.mouse.up();
}

export const centre = (box: Box): { x: number; y: number } => ({
  x: box.x + box.width / 2,
  y: box.y + box.height / 2,
});

/** The element's box on screen; throws when it is not drawn. */
export async function boxOf(element: Locator): Promise<Box> {
  const box = await element.boundingBox();
  if (!box) throw new Error(`${element.toString()} has no box on screen.`);
  return box;
}

/** A tier's cell in the lane header (it spans the lane): the tier's label button's parent. */
const laneCell = (on: Page, tier: LaneTitle): Locator =>
  on
    .getByRole('toolbar', { name: 'Tiers and links' })
    .getByRole('button', { name: new RegExp(`^${tier} · `) })
    .locator('xpath=..');

/** Horizontal middle of a tier's lane on screen. */
export async function laneX(on: Page, tier: LaneTitle): Promise<number> {
  return centre(await boxOf(laneCell(on, tier))).x;
}

/** The lane under an element's centre, or null. */
export async function laneUnder(on: Page, element: Locator): Promise<LaneTitle | null> {
  return laneAt(on, centre(await boxOf(element)).x);
}

/** The lane at a horizontal position on screen, or null. */
export async function laneAt(on: Page, x: number): Promise<LaneTitle | null> {
  for (const tier of ['Device', 'Edge', 'Cloud'] as const) {
    const cell = laneCell(on, tier);
    if ((await cell.count()) === 0) continue;
    const box = await boxOf(cell);
    if (x >= box.x && x < box.x + box.width) return tier;
  }
  return null;
}

/** Saves with the toolbar's Save and reads the file the host wrote (path from the notice). */
export async function saveProject(on: Page): Promise<{ project: ProjectFile; file: string }> {
  const status = on.getByRole('status', { name: 'Notice' });
  if ((await status.count()) > 0) await status.getByRole('button', { name: 'Dismiss' }).click();
  await on
    .getByRole('toolbar', { name: 'Studio' })
    .getByRole('button', { name: 'Save', exact: true })
    .click();
  await expect.poll(() => status.textContent()).toMatch(/Saved the project to .*\.json/);
  const file = /Saved the project to (.*\.json)/.exec((await status.textContent()) ?? '')![1]!;
  await status.getByRole('button', { name: 'Dismiss' }).click();
  return { project: JSON.parse(fs.readFileSync(file, 'utf8')) as ProjectFile, file };
}

/** Layer id → `data-tier` of every layer node drawn now. */
async function drawnTiers(on: Page): Promise<Record<string, string>> {
  const pairs = await find
    .layerNodes(on)
    .evaluateAll((nodes) =>
      (nodes as unknown as ElementLike[]).map((node) => [
        (node.getAttribute('aria-label') ?? '').replace(/^layer /, ''),
        node.querySelector('[data-tier]')?.getAttribute('data-tier') ?? '',
      ]),
    );
  return Object.fromEntries(pairs) as Record<string, string>;
}

/** Every drawn layer sits in the lane `placement` gives it (the device when not listed). */
export async function expectDrawnAsPlaced(on: Page, placement: PlacementRecord): Promise<void> {
  const drawn = await drawnTiers(on);
  expect(Object.keys(drawn).length).toBeGreaterThan(0);
  const expected = Object.fromEntries(Object.keys(drawn).map((id) => [id, placement[id] ?? 'device']));
  expect(drawn).toEqual(expected);
}

/** The layers and blocks drawn, top to bottom: each with its box and how many layers it stands for. */
export async function drawnNodesTopDown(on: Page): Promise<{ name: string; layers: number; box: Box }[]> {
  const nodes = find.graphNodes(on);
  const found = [];
  for (let i = 0; i < (await nodes.count()); i++) {
    const node = nodes.nth(i);
    const name = (await node.getAttribute('aria-label')) ?? '';
    const count = /· (\d+) layers/.exec((await node.textContent()) ?? '')?.[1];
    found.push({
      name,
      layers: name.startsWith('block ') ? Number(count) : 1,
      box: await boxOf(node),
    });
  }
  return found.sort((a, b) => a.box.y - b.box.y);
}

/** A placement record of `order` with the layers from `from` up to `to` (exclusive) on `tier`. */
export function withRange(
  base: PlacementRecord,
  order: readonly string[],
  from: number,
  to: number,
  tier: TierName,
): PlacementRecord {
  const next: Record<string, TierName> = { ...base };
  for (const id of order.slice(from, to)) next[id] = tier;
  return next;
}

/** The figures bar settles on `expected` (a drag's preview is over). */
export async function expectFigures(on: Page, expected: FigureValues): Promise<void> {
  await expect.poll(() => shownFigures(on)).toEqual(expected);
  expect(await showsPreview(on)).toBe(false);
}

/** Finds a layer by search, as a user would, and returns its node once it is drawn in the pane. */
export async function searchLayer(on: Page, id: string): Promise<Locator> {
  await on.getByRole('searchbox').fill(id);
  await on.getByRole('searchbox').press('Enter');
  await expect.poll(() => find.details(on).textContent()).toContain(id);
  const node = find.layerNode(on, id);
  await expect.poll(() => find.insidePane(on, node)).toBe(true);
  return node;
}
