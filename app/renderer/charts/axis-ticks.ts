/**
 * Linear-axis ticks at round numbers (1, 2, 2.5 or 5 × a power of ten apart), with the domain
 * widened to the ticks around it, so an axis reads 1.5 · 1.6 · 1.7 rather than 1.46 · 1.61 · 1.76.
 */
export interface NiceAxis {
  readonly domain: [number, number];
  readonly ticks: number[];
}

const STEPS = [1, 2, 2.5, 5, 10];

export function niceAxis(low: number, high: number, count = 5): NiceAxis {
  if (!Number.isFinite(low) || !Number.isFinite(high) || high < low) return { domain: [0, 1], ticks: [0, 1] };
  if (high === low) return niceAxis(low - 0.5, high + 0.5, count);
  const rough = (high - low) / Math.max(1, count - 1);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = STEPS.map((s) => s * power).find((s) => s >= rough * 0.999) ?? 10 * power;
  const first = Math.floor(low / step + 1e-9) * step;
  const last = Math.ceil(high / step - 1e-9) * step;
  const ticks: number[] = [];
  // Rounded to the step's precision, so ticks print as 0.3, not 0.30000000000000004.
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  for (let v = first; v <= last + step / 2; v += step) ticks.push(Number(v.toFixed(digits)));
  return { domain: [ticks[0]!, ticks[ticks.length - 1]!], ticks };
}
