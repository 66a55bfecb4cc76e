/**
 * Charts saved as files, in real Chromium, in both themes: the bandwidth chart's Save SVG writes
 * a standalone SVG (no stylesheet classes or CSS variables left, the theme's panel behind it, the
 * theme's text colour on its labels, the title and the legend in it), and Save PNG writes that
 * picture at twice its size. Screenshots of the chart in each theme go to
 * test-results/screenshots/charts-*.png, the saved files next to them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, onTestFailed } from 'vitest';
import { openStudio, screenshot, SCREENSHOT_DIR, type StudioSession } from './support/browser.js';
import { openTool } from './support/dock-page.js';
import * as find from './support/locators.js';

/** The theme's panel and text colours (app/renderer/styles/theme.css), as computed styles give them. */
const THEMES = {
  light: { panel: '#ffffff', text: 'rgb(29, 35, 43)' },
  dark: { panel: '#1a2028', text: 'rgb(227, 232, 239)' },
} as const;

let session: StudioSession | null = null;
let failed = false;

afterEach(async () => {
  await session?.close(failed, 'chart-export');
  session = null;
});

/** What the page-side callback reads (the tests' tsconfig has no DOM types). */
interface PageGlobals {
  document: { documentElement: unknown };
  getComputedStyle(element: unknown): { getPropertyValue(name: string): string };
}

/** `#1f5fd1` as computed styles write it: `rgb(31, 95, 209)`. */
const rgbOf = (hex: string): string =>
  `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;

/** `#fff` as `#ffffff` (Chromium shortens a custom property's colour when it can). */
const longHex = (hex: string): string =>
  hex.length === 4 ? `#${[...hex.slice(1)].map((c) => c + c).join('')}` : hex;

/** Width and height of a PNG, from its IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(bytes.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('charts saved as SVG and PNG, in Chromium', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(`${theme}: the bandwidth chart saves as a standalone SVG and a 2× PNG that look like the screen`, async () => {
      onTestFailed(() => {
        failed = true;
      });
      session = await openStudio({ colorScheme: theme });
      const { page } = session;
      await expect.poll(() => find.modelTitle(page).textContent()).toContain('.onnx');
      const model = (await find.modelTitle(page).textContent())!.trim();

      const panel = await openTool(page, 'Bandwidth');
      await panel.getByRole('button', { name: 'Sweep', exact: true }).click();
      const chart = panel.getByRole('figure', { name: /^Latency against the bandwidth of / });
      await expect.poll(() => chart.locator('.recharts-line').count()).toBe(4);
      const title = (await chart.getAttribute('aria-label'))!;
      await screenshot(page, `charts-bandwidth-${theme}`);

      const [svgDownload] = await Promise.all([
        page.waitForEvent('download'),
        chart.getByRole('button', { name: `Save ${title} as SVG` }).click(),
      ]);
      // "Latency against the bandwidth of the Device ↔ Edge link (wifi-72m)": the file is named by the id.
      const linkId = /\(([^()]+)\)$/.exec(title)?.[1] ?? '';
      const stem = `sweep-${linkId}-${model}`.toLowerCase().replace(/[^a-z0-9]+/g, '-');
      expect(svgDownload.suggestedFilename()).toBe(`${stem}.svg`);
      const svgFile = path.join(SCREENSHOT_DIR, `charts-bandwidth-${theme}.svg`);
      await svgDownload.saveAs(svgFile);
      const svg = fs.readFileSync(svgFile, 'utf8');

      expect(
        svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"'),
      ).toBe(true);
      // Standalone: no class for a stylesheet to match, no variable for it to define.
      expect(svg).not.toMatch(/ class="/);
      expect(svg).not.toContain('var(--');
      // The theme's panel behind it and its text colour on the labels.
      const background = /<rect width="100%" height="100%" fill="(#[0-9a-f]+)"\/>/.exec(svg)?.[1] ?? '';
      expect(longHex(background)).toBe(THEMES[theme].panel);
      expect(svg).toMatch(
        new RegExp(
          `<text[^>]*fill="${THEMES[theme].text.replace(/[()]/g, '\\$&')}"[^>]*>${title.replace(/[()]/g, '\\$&')}</text>`,
        ),
      );
      for (const label of ['Device only', 'Best split', 'This design', 'Latency (ms, log)'])
        expect(svg).toContain(`>${label}<`);
      // The four curves, each in its series colour of this theme (--chart-1 … --chart-4).
      const seriesColours = await page.evaluate(() => {
        const web = globalThis as unknown as PageGlobals;
        const style = web.getComputedStyle(web.document.documentElement);
        return [1, 2, 3, 4].map((i) => style.getPropertyValue(`--chart-${i}`).trim());
      });
      for (const hex of seriesColours) {
        expect(svg).toContain(`stroke="${rgbOf(longHex(hex))}"`);
      }
      const size = /<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="(\d+)" height="(\d+)"/.exec(svg)!;
      const [width, height] = [Number(size[1]), Number(size[2])];
      const box = (await chart.locator('.recharts-wrapper').boundingBox())!;
      expect(width).toBe(Math.ceil(box.width));
      expect(height).toBeGreaterThan(box.height);

      const [pngDownload] = await Promise.all([
        page.waitForEvent('download'),
        chart.getByRole('button', { name: `Save ${title} as PNG` }).click(),
      ]);
      expect(pngDownload.suggestedFilename()).toBe(`${stem}.png`);
      const pngFile = path.join(SCREENSHOT_DIR, `charts-bandwidth-${theme}-saved.png`);
      await pngDownload.saveAs(pngFile);
      expect(pngSize(fs.readFileSync(pngFile))).toEqual({ width: 2 * width, height: 2 * height });
      await expect.poll(() => chart.getByRole('alert').count()).toBe(0);
    });
  }
});
