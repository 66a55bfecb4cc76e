/** Role-based locators for the studio's parts, shared by the e2e specs. */
import type { Locator, Page } from 'playwright-core';

export const layerNodes = (page: Page): Locator => page.getByRole('button', { name: /^layer / });
export const graphNodes = (page: Page): Locator => page.getByRole('button', { name: /^(layer|block) / });
export const layerNode = (page: Page, id: string): Locator =>
  page.getByRole('button', { name: `layer ${id}`, exact: true });
export const blockNode = (page: Page, id: string): Locator =>
  page.getByRole('button', { name: `block ${id}`, exact: true });
export const details = (page: Page): Locator => page.getByRole('complementary', { name: 'Details' });
export const modelTitle = (page: Page): Locator => page.getByRole('heading', { level: 1 });
export const modelSummary = (page: Page): Locator => page.getByRole('region', { name: 'Model summary' });
export const graphPane = (page: Page): Locator => page.getByRole('region', { name: 'Layer graph' });

/** Whether an element's box lies wholly inside the graph's pane. */
export async function insidePane(page: Page, element: Locator): Promise<boolean> {
  if ((await element.count()) === 0) return false;
  const [box, pane] = await Promise.all([element.boundingBox(), graphPane(page).boundingBox()]);
  if (!box || !pane) return false;
  return (
    box.x >= pane.x &&
    box.y >= pane.y &&
    box.x + box.width <= pane.x + pane.width &&
    box.y + box.height <= pane.y + pane.height
  );
}
