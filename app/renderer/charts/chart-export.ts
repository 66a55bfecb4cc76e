/**
 * A chart on screen as a standalone SVG or PNG file. Recharts draws the plot as SVG whose colours
 * and fonts come partly from CSS (theme variables, the page's font): the export copies each
 * element's computed style inline, so the file looks like the screen in either theme without the
 * stylesheet. The legend is HTML in recharts; its items are redrawn into the SVG at their places,
 * and the chart's title heads the file.
 */
import { chartFileName } from './chart-file-name.js';

/** Properties copied inline: what decides how an SVG element looks. */
const INLINE_PROPERTIES = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-linecap',
  'stroke-linejoin',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-anchor',
  'dominant-baseline',
  'visibility',
] as const;

const SVG_NS = 'http://www.w3.org/2000/svg';
const TITLE_BAND_PX = 24;

export interface ExportedSvg {
  readonly text: string;
  readonly width: number;
  readonly height: number;
}

function inlineStyles(live: Element, copy: Element): void {
  const computed = getComputedStyle(live);
  // As presentation attributes, not a `style` attribute: the page's Content Security Policy
  // (style-src 'self') refuses style attributes set from script, and SVG reads both alike.
  copy.removeAttribute('style');
  copy.removeAttribute('class');
  for (const name of INLINE_PROPERTIES) {
    const value = computed.getPropertyValue(name);
    if (value !== '') copy.setAttribute(name, value);
  }
  if (computed.display === 'none') copy.setAttribute('display', 'none');
  const liveChildren = live.children;
  const copyChildren = copy.children;
  for (let i = 0; i < liveChildren.length && i < copyChildren.length; i++) {
    inlineStyles(liveChildren[i]!, copyChildren[i]!);
  }
}

/** Sets SVG presentation attributes (not `style`: see inlineStyles). */
function setAttributes(element: Element, attributes: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
}

/** The plot's own <svg> (legend icons are small SVGs of their own, left out here). */
function plotSvg(body: HTMLElement): SVGSVGElement | null {
  const direct = body.querySelector<SVGSVGElement>('.recharts-wrapper > svg');
  if (direct) return direct;
  const all = Array.from(body.querySelectorAll<SVGSVGElement>('svg'));
  return all.find((svg) => !svg.closest('.recharts-legend-wrapper')) ?? null;
}

/** The legend's items as SVG, placed relative to the plot's top-left corner. */
function legendGroup(body: HTMLElement, origin: DOMRect): SVGGElement {
  const group = document.createElementNS(SVG_NS, 'g');
  for (const item of Array.from(body.querySelectorAll<HTMLElement>('.recharts-legend-item'))) {
    const icon = item.querySelector('svg');
    if (icon) {
      const box = icon.getBoundingClientRect();
      const copy = icon.cloneNode(true) as SVGSVGElement;
      inlineStyles(icon, copy);
      copy.setAttribute('x', String(box.left - origin.left));
      copy.setAttribute('y', String(box.top - origin.top));
      copy.setAttribute('width', String(box.width));
      copy.setAttribute('height', String(box.height));
      group.appendChild(copy);
    }
    const label = item.querySelector<HTMLElement>('.recharts-legend-item-text') ?? item;
    const box = label.getBoundingClientRect();
    const style = getComputedStyle(label);
    const text = document.createElementNS(SVG_NS, 'text');
    text.textContent = label.textContent ?? '';
    text.setAttribute('x', String(box.left - origin.left));
    text.setAttribute('y', String(box.top - origin.top + box.height / 2));
    setAttributes(text, {
      fill: style.color,
      'font-family': style.fontFamily,
      'font-size': style.fontSize,
      'dominant-baseline': 'central',
    });
    group.appendChild(text);
  }
  return group;
}

/**
 * The chart in `body` as a standalone SVG document: a background in the panel's colour, the
 * title, then the plot and its legend with their computed styles inline. Null when the chart has
 * not drawn yet (no <svg> or zero size).
 */
export function chartSvgForExport(body: HTMLElement, title: string): ExportedSvg | null {
  const plot = plotSvg(body);
  if (!plot) return null;
  const origin = plot.getBoundingClientRect();
  if (origin.width === 0 || origin.height === 0) return null;
  const figureStyle = getComputedStyle(body);
  const width = Math.ceil(origin.width);
  const height = Math.ceil(origin.height) + TITLE_BAND_PX;

  const root = document.createElementNS(SVG_NS, 'svg');
  root.setAttribute('xmlns', SVG_NS);
  root.setAttribute('width', String(width));
  root.setAttribute('height', String(height));
  root.setAttribute('viewBox', `0 0 ${width} ${height}`);

  const background = document.createElementNS(SVG_NS, 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', figureStyle.getPropertyValue('--panel').trim() || '#ffffff');
  root.appendChild(background);

  const heading = document.createElementNS(SVG_NS, 'text');
  heading.textContent = title;
  heading.setAttribute('x', '8');
  heading.setAttribute('y', String(TITLE_BAND_PX / 2 + 1));
  setAttributes(heading, {
    fill: figureStyle.color,
    'font-family': figureStyle.fontFamily,
    'font-size': '13px',
    'font-weight': '600',
    'dominant-baseline': 'central',
  });
  root.appendChild(heading);

  const content = document.createElementNS(SVG_NS, 'g');
  content.setAttribute('transform', `translate(0,${TITLE_BAND_PX})`);
  const copy = plot.cloneNode(true) as SVGSVGElement;
  inlineStyles(plot, copy);
  copy.setAttribute('x', '0');
  copy.setAttribute('y', '0');
  copy.setAttribute('width', String(origin.width));
  copy.setAttribute('height', String(origin.height));
  content.appendChild(copy);
  content.appendChild(legendGroup(body, origin));
  root.appendChild(content);

  const text = `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(root)}`;
  return { text, width, height };
}

/** Draws the SVG onto a canvas `scale` times its size (crisp on high-density screens) as a PNG. */
export async function pngFromSvg(svg: ExportedSvg, scale = 2): Promise<Blob> {
  // A data: URL, not a blob: one: the page's Content Security Policy allows images from data:.
  const url = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg.text)}`;
  const image = new Image();
  await new Promise<void>((resolve, reject) => {
    image.onload = () => resolve();
    image.onerror = () => reject(new Error('The chart could not be drawn as an image.'));
    image.src = url;
  });
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(svg.width * scale);
  canvas.height = Math.round(svg.height * scale);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('This window cannot draw images (no 2D canvas).');
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  return await new Promise<Blob>((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('The chart could not be encoded as PNG.'))),
      'image/png',
    ),
  );
}

/** Saves a blob the way a browser saves a link with `download` (Electron asks where). */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // The download has taken the URL by the next task; revoking at once can cancel it in Chromium.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export type ChartFileFormat = 'svg' | 'png';

/** Exports the chart in `body` as a file named after it; false when there is nothing drawn yet. */
export async function saveChart(
  body: HTMLElement,
  title: string,
  baseName: string | undefined,
  format: ChartFileFormat,
): Promise<boolean> {
  const svg = chartSvgForExport(body, title);
  if (!svg) return false;
  const blob = format === 'svg' ? new Blob([svg.text], { type: 'image/svg+xml' }) : await pngFromSvg(svg);
  downloadBlob(blob, chartFileName(baseName ?? title, format));
  return true;
}
