/**
 * One-dimensional minimisation over a positive parameter spanning decades (an efficiency, a
 * bandwidth): a log-spaced grid finds the basin, golden-section search polishes it. The roofline's
 * `max` makes the objectives piecewise smooth with kinks, where derivative methods stall.
 */

const GRID_POINTS = 65;
const GOLDEN = (Math.sqrt(5) - 1) / 2;

/** The `x` in [low, high] (both > 0) where `f` is least, to a relative tolerance of about 1e-4. */
export function minimizeLog(f: (x: number) => number, low: number, high: number): number {
  const lo = Math.log(low);
  const step = (Math.log(high) - lo) / (GRID_POINTS - 1);
  let best = 0;
  let bestValue = Infinity;
  for (let k = 0; k < GRID_POINTS; k++) {
    const value = f(Math.exp(lo + k * step));
    // Strictly less: on a flat stretch the lowest x wins, so ties resolve the same way every run.
    if (value < bestValue) {
      bestValue = value;
      best = k;
    }
  }
  let a = lo + Math.max(0, best - 1) * step;
  let b = lo + Math.min(GRID_POINTS - 1, best + 1) * step;
  let c = b - GOLDEN * (b - a);
  let d = a + GOLDEN * (b - a);
  let fc = f(Math.exp(c));
  let fd = f(Math.exp(d));
  while (b - a > 1e-4) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - GOLDEN * (b - a);
      fc = f(Math.exp(c));
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + GOLDEN * (b - a);
      fd = f(Math.exp(d));
    }
  }
  const polished = Math.exp((a + b) / 2);
  return f(polished) <= bestValue ? polished : Math.exp(lo + best * step);
}

/**
 * Whether `x`, found by `minimizeLog` over [low, high], sits within one grid step of an edge: the
 * objective still fell towards the edge, so the search's bound chose `x`, not the data.
 */
export function atSearchEdge(x: number, low: number, high: number): 'low' | 'high' | null {
  const step = (Math.log(high) - Math.log(low)) / (GRID_POINTS - 1);
  if (Math.log(high) - Math.log(x) < step) return 'high';
  if (Math.log(x) - Math.log(low) < step) return 'low';
  return null;
}
