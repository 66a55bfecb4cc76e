/**
 * What the issue 12 e2e steps do with the dock under the canvas and read back from it: open a
 * tool's tab, the marks a previewed suggestion puts on the drawn layers, and placements as a
 * project file records them.
 */
import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { ElementLike, PlacementRecord } from './design-figures.js';
import * as find from './locators.js';

export type DockTabLabel =
  'Suggestions' | 'Cut points' | 'Pareto' | 'Bandwidth' | 'Export' | 'Run' | 'This machine';

/** Opens a tool's tab (clicking an open tab would fold the dock, so an open one is left). */
export async function openTool(page: Page, label: DockTabLabel): Promise<Locator> {
  const tab = page.getByRole('tablist', { name: 'Tools' }).getByRole('tab', { name: label, exact: true });
  if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
  await expect.poll(() => tab.getAttribute('aria-selected')).toBe('true');
  return page.getByRole('tabpanel', { name: label });
}

/** Layer id → the tier its mark says a previewed suggestion moves it to, for every layer drawn now. */
export async function previewMarks(page: Page): Promise<Record<string, string>> {
  const pairs = await find
    .layerNodes(page)
    .evaluateAll((nodes) =>
      (nodes as unknown as ElementLike[]).map((node) => [
        (node.getAttribute('aria-label') ?? '').replace(/^layer /, ''),
        node.querySelector('.layer-node')?.getAttribute('data-preview-move') ?? '',
      ]),
    );
  return Object.fromEntries(pairs) as Record<string, string>;
}

/** The marks `previewMarks` should read when `to` is previewed over the design `from`. */
export function expectedMarks(
  drawn: readonly string[],
  from: PlacementRecord,
  to: PlacementRecord,
): Record<string, string> {
  return Object.fromEntries(
    drawn.map((id) => {
      const now = from[id] ?? 'device';
      const next = to[id] ?? 'device';
      return [id, now === next ? '' : next];
    }),
  );
}

/**
 * A node-name → tier placement (as `cutline solve --json` gives it) as a project records a
 * design: only the layers of `order`, only those off the device.
 */
export function layerRecord(
  placement: Readonly<Record<string, string>>,
  order: readonly string[],
): PlacementRecord {
  return Object.fromEntries(
    order.flatMap((id) => {
      const tier = placement[id];
      return tier && tier !== 'device' ? [[id, tier]] : [];
    }),
  ) as PlacementRecord;
}
