/**
 * Chart colours from the theme's CSS variables (theme.css and charts.css), re-read when the theme
 * changes, so a chart is readable in light and dark alike. Each series also has its own marker and
 * dash: two series never differ by colour alone.
 */
import { useMemo, useSyncExternalStore } from 'react';
import { DARK_QUERY } from '../theme/theme-choice.js';

/** Recharts' built-in scatter symbols. */
export type ChartMarker = 'circle' | 'square' | 'triangle' | 'diamond' | 'cross' | 'star' | 'wye';

export interface SeriesStyle {
  readonly color: string;
  readonly marker: ChartMarker;
  /** SVG `stroke-dasharray` for the series' line; 'none': solid. */
  readonly dash: string;
}

export interface ChartColors {
  readonly text: string;
  readonly muted: string;
  readonly grid: string;
  readonly axis: string;
  readonly background: string;
  readonly accent: string;
  /** The series styles in order; `seriesStyle(colors, i)` wraps around. */
  readonly series: readonly SeriesStyle[];
}

const SERIES_SHAPES: readonly { readonly marker: ChartMarker; readonly dash: string }[] = [
  { marker: 'circle', dash: 'none' },
  { marker: 'square', dash: '6 3' },
  { marker: 'triangle', dash: '2 3' },
  { marker: 'diamond', dash: '8 3 2 3' },
  { marker: 'cross', dash: '12 4' },
  { marker: 'star', dash: '1 2' },
];

/** The values used where no stylesheet is loaded (unit tests, a detached document). */
const FALLBACK = {
  text: '#1d232b',
  muted: '#5f6b7a',
  grid: '#e3e7ec',
  axis: '#b9c1cc',
  background: '#ffffff',
  accent: '#2563eb',
  series: ['#1f5fd1', '#b35c00', '#00795c', '#b0328f', '#c0392b', '#4b5563'],
} as const;

/** Reads one CSS variable, or the fallback when it is unset. */
export type ReadVariable = (name: string) => string;

/** The chart colours from a variable reader (the document's computed style in the page). */
export function chartColorsFrom(read: ReadVariable): ChartColors {
  const pick = (name: string, fallback: string): string => read(name).trim() || fallback;
  return {
    text: pick('--text', FALLBACK.text),
    muted: pick('--muted', FALLBACK.muted),
    grid: pick('--chart-grid', FALLBACK.grid),
    axis: pick('--node-border', FALLBACK.axis),
    background: pick('--panel', FALLBACK.background),
    accent: pick('--accent', FALLBACK.accent),
    series: SERIES_SHAPES.map((shape, i) => ({
      ...shape,
      color: pick(`--chart-${i + 1}`, FALLBACK.series[i] ?? FALLBACK.text),
    })),
  };
}

/** The style of the `index`-th series, wrapping around the palette. */
export function seriesStyle(colors: ChartColors, index: number): SeriesStyle {
  const n = colors.series.length;
  return colors.series[((index % n) + n) % n]!;
}

export function readChartColors(): ChartColors {
  if (typeof document === 'undefined') return chartColorsFrom(() => '');
  const style = getComputedStyle(document.documentElement);
  return chartColorsFrom((name) => style.getPropertyValue(name));
}

// The theme is `data-theme` on <html> (set by useDocumentTheme) or, before it is set, the OS's.
const themeKey = (): string =>
  document.documentElement.dataset['theme'] ?? (window.matchMedia(DARK_QUERY).matches ? 'dark' : 'light');

const subscribeToTheme = (onChange: () => void): (() => void) => {
  // Watch the attribute itself, not the store's choice: the attribute is set in an effect of the
  // page, which runs after a chart's own effects, so reading on the store's change would be early.
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  const query = window.matchMedia(DARK_QUERY);
  query.addEventListener('change', onChange);
  return () => {
    observer.disconnect();
    query.removeEventListener('change', onChange);
  };
};

/** The chart colours of the theme in effect; a new object when the theme changes. */
export function useChartColors(): ChartColors {
  const key = useSyncExternalStore(subscribeToTheme, themeKey);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` is the reason to read again.
  return useMemo(() => readChartColors(), [key]);
}
