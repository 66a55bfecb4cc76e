/**
 * The chart kit's colours as the page's stylesheets define them: read from theme.css and
 * charts.css for each theme, every series stands out from the panel (WCAG's 3:1 for graphics,
 * 4.5:1 for the text in tooltips and labels), and no two series share a marker or a dash, so
 * they never differ by colour alone. File names are safe on every file system.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartColorsFrom, seriesStyle } from '../../app/renderer/charts/chart-theme.js';
import { chartFileName } from '../../app/renderer/charts/chart-file-name.js';

const css = ['app/renderer/styles/theme.css', 'app/renderer/charts/charts.css']
  .map((file) => fs.readFileSync(path.resolve(file), 'utf8'))
  .join('\n');

/** The custom properties a theme's rule sets (`:root[data-theme='dark'] { … }`). */
function variablesOf(theme: 'light' | 'dark'): Map<string, string> {
  const variables = new Map<string, string>();
  const rule = new RegExp(`:root\\[data-theme='${theme}'\\]\\s*\\{([^}]*)\\}`, 'g');
  for (const match of css.matchAll(rule)) {
    for (const declaration of match[1]!.matchAll(/(--[\w-]+)\s*:\s*([^;]+);/g)) {
      variables.set(declaration[1]!, declaration[2]!.trim());
    }
  }
  return variables;
}

function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

describe('chart colours', () => {
  for (const theme of ['light', 'dark'] as const) {
    it(`${theme}: every series and the text stand out from the panel`, () => {
      const variables = variablesOf(theme);
      const colors = chartColorsFrom((name) => variables.get(name) ?? '');
      expect(colors.background).toBe(variables.get('--panel'));
      expect(colors.series).toHaveLength(6);
      for (const series of colors.series) {
        expect(series.color).toMatch(/^#[0-9a-f]{6}$/);
        expect(contrast(series.color, colors.background)).toBeGreaterThanOrEqual(4.5);
      }
      expect(contrast(colors.text, colors.background)).toBeGreaterThanOrEqual(7);
      expect(contrast(colors.muted, colors.background)).toBeGreaterThanOrEqual(4.5);
      expect(new Set(colors.series.map((s) => s.color)).size).toBe(colors.series.length);
    });
  }

  it('the two themes give each series a different colour (the dark one is not the light one)', () => {
    const light = chartColorsFrom((name) => variablesOf('light').get(name) ?? '');
    const dark = chartColorsFrom((name) => variablesOf('dark').get(name) ?? '');
    light.series.forEach((series, i) => expect(dark.series[i]!.color).not.toBe(series.color));
  });

  it('series differ by marker and by dash, not by colour alone, and wrap around', () => {
    const colors = chartColorsFrom(() => '');
    const markers = colors.series.map((s) => s.marker);
    const dashes = colors.series.map((s) => s.dash);
    expect(new Set(markers).size).toBe(markers.length);
    expect(new Set(dashes).size).toBe(dashes.length);
    expect(seriesStyle(colors, colors.series.length + 1)).toBe(colors.series[1]);
    expect(seriesStyle(colors, -1)).toBe(colors.series[colors.series.length - 1]);
  });
});

describe('chart file names', () => {
  it('are lower-case words joined by dashes, with the extension', () => {
    expect(chartFileName('Latency × device energy: resnet/8', 'svg')).toBe(
      'latency-device-energy-resnet-8.svg',
    );
    expect(chartFileName('Bandwidth sweep — Wi‑Fi (hop 0)', 'png')).toBe('bandwidth-sweep-wi-fi-hop-0.png');
    expect(chartFileName('Café', 'svg')).toBe('cafe.svg');
    expect(chartFileName('///', 'png')).toBe('chart.png');
    expect(chartFileName('x'.repeat(200), 'svg')).toBe(`${'x'.repeat(80)}.svg`);
  });
});
