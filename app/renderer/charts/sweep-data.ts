/**
 * The bandwidth chart's data: the form's range checked as `cutline sweep` checks it, the links to
 * choose from, the four curves with their styles, the bandwidths where the best split changes
 * (labelled with what becomes best), log-axis ticks, and whether a sweep still fits the design.
 */
import type { Topology, TierName } from '../../../core/profiles/types.js';
import { TIER_TITLES } from '../../../core/tiers.js';
import type { SweepArgs, SweepPoint, SweepResult } from '../../shared/studio-api.js';
import { formatMbps } from '../util/format.js';
import { seriesStyle, type ChartColors, type SeriesStyle } from './chart-theme.js';
import type { SweepForm } from './sweep-slice.js';

export const DEFAULT_SWEEP_FORM: SweepForm = {
  hop: 0,
  from: '0.1',
  to: '1000',
  steps: '25',
  logLatency: true,
};

export interface SweepFieldProblem {
  readonly field: 'from' | 'to' | 'steps';
  readonly message: string;
}

export type SweepRange =
  | { readonly ok: true; readonly fromMbps: number; readonly toMbps: number; readonly steps: number }
  | { readonly ok: false; readonly problems: readonly SweepFieldProblem[] };

// The host's limits (studio-validate.ts's MAX_SWEEP_STEPS and `mbpsSchema`; a test keeps them
// equal), repeated here so the page does not load the validators and zod with them.
export const SWEEP_MAX_STEPS = 200;
export const SWEEP_MIN_MBPS = 1e-6;
export const SWEEP_MAX_MBPS = 1e12;

/** The form's range, or what to type instead (the job refuses the same, with BAD_CONSTRAINT). */
export function sweepRange(form: Pick<SweepForm, 'from' | 'to' | 'steps'>): SweepRange {
  const problems: SweepFieldProblem[] = [];
  const bandwidth = (field: 'from' | 'to', label: string, text: string): number => {
    const value = text.trim() === '' ? Number.NaN : Number(text);
    if (!Number.isFinite(value) || value < SWEEP_MIN_MBPS || value > SWEEP_MAX_MBPS) {
      problems.push({
        field,
        message: `${label}: type a bandwidth in Mb/s between ${SWEEP_MIN_MBPS} and ${SWEEP_MAX_MBPS}, such as 0.1.`,
      });
    }
    return value;
  };
  const fromMbps = bandwidth('from', 'From', form.from);
  const toMbps = bandwidth('to', 'To', form.to);
  if (problems.length === 0 && !(toMbps > fromMbps)) {
    problems.push({ field: 'to', message: `To (${toMbps}) must be larger than From (${fromMbps}).` });
  }
  const steps = Number(form.steps);
  if (!/^\s*[0-9]+\s*$/.test(form.steps) || steps < 2 || steps > SWEEP_MAX_STEPS) {
    problems.push({
      field: 'steps',
      message: `Steps: type a whole number from 2 to ${SWEEP_MAX_STEPS}, such as 25.`,
    });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, fromMbps, toMbps, steps };
}

export interface LinkOption {
  readonly hop: number;
  /** "Device → Edge: Wi-Fi 16 Mb/s (16 Mb/s)", as the link chip over the lanes names it. */
  readonly label: string;
}

function bandwidthText(uplinkMbps: number, downlinkMbps: number): string {
  return uplinkMbps === downlinkMbps
    ? formatMbps(uplinkMbps)
    : `${formatMbps(uplinkMbps).replace(' Mb/s', '')}/${formatMbps(downlinkMbps)}`;
}

export function linkOptions(topology: Topology): LinkOption[] {
  return topology.hops.flatMap((link, hop) => {
    const from = topology.tiers[hop];
    const to = topology.tiers[hop + 1];
    if (!from || !to) return [];
    return [
      {
        hop,
        label: `${TIER_TITLES[from.name]} → ${TIER_TITLES[to.name]}: ${link.name} (${bandwidthText(link.uplinkMbps, link.downlinkMbps)})`,
      },
    ];
  });
}

export type SweepSeriesKey = 'deviceOnlyMs' | 'serverOnlyMs' | 'bestSplitMs' | 'currentMs';

export interface SweepSeries {
  readonly key: SweepSeriesKey;
  readonly name: string;
  readonly style: SeriesStyle;
}

/** The four curves: device only, the server tier only, the best split and this design. */
export function sweepSeries(server: TierName, colors: ChartColors): SweepSeries[] {
  return [
    { key: 'deviceOnlyMs', name: 'Device only', style: seriesStyle(colors, 1) },
    { key: 'serverOnlyMs', name: `${TIER_TITLES[server]} only`, style: seriesStyle(colors, 2) },
    { key: 'bestSplitMs', name: 'Best split', style: seriesStyle(colors, 0) },
    { key: 'currentMs', name: 'This design', style: seriesStyle(colors, 3) },
  ];
}

/** The swept link in words ("the Device ↔ Edge link"), as the figures bar names links. */
export function sweptLinkText(result: Pick<SweepResult, 'link'>): string {
  const tiers = result.link.tiers.split('-').map((t) => TIER_TITLES[t as TierName] ?? t);
  return `the ${tiers.join(' ↔ ')} link`;
}

/** What is fastest at a point, in words ("12 layers on the device, the rest on the edge"). */
export function bestSplitText(point: SweepPoint, server: TierName): string {
  if (point.fastest === 'device-only') return 'all on the device';
  if (point.fastest === 'server-only') return `all on the ${server}`;
  return `${point.bestSplitDeviceLayers} layer${point.bestSplitDeviceLayers === 1 ? '' : 's'} on the device`;
}

export interface ChangeMarker {
  readonly mbps: number;
  /**
   * The swept bandwidth before it, where the previous best split still held: the change lies
   * somewhere between the two (more steps narrow it), so a link in between may be either side.
   */
  readonly afterMbps: number;
  /** Index of the point in the sweep. */
  readonly index: number;
  /** Short, for the line's label ("→ 12 on device"). */
  readonly label: string;
  /** Whole, for the button and its tooltip. */
  readonly description: string;
}

/** The bandwidths where the best split changes, each with what becomes best there. */
export function changeMarkers(result: Pick<SweepResult, 'points' | 'changes' | 'server'>): ChangeMarker[] {
  return result.changes.flatMap((mbps) => {
    const index = result.points.findIndex((point) => point.mbps === mbps);
    const point = result.points[index];
    if (!point) return [];
    const short =
      point.fastest === 'split'
        ? `${point.bestSplitDeviceLayers} on device`
        : point.fastest === 'device-only'
          ? 'device only'
          : `${result.server} only`;
    const afterMbps = result.points[index - 1]?.mbps ?? mbps;
    return [
      {
        mbps,
        afterMbps,
        index,
        label: `→ ${short}`,
        description: `Between ${formatMbps(afterMbps)} and ${formatMbps(mbps)} the best split becomes ${bestSplitText(point, result.server)}`,
      },
    ];
  });
}

/**
 * Ticks of a log axis over [from, to]: each power of ten inside it, and the ends too when fewer
 * than three powers fit (a narrow range would otherwise show one tick or none).
 */
export function logTicks(from: number, to: number): number[] {
  if (!(from > 0) || !(to > from)) return [];
  const ticks: number[] = [];
  for (let e = Math.ceil(Math.log10(from) - 1e-9); e <= Math.floor(Math.log10(to) + 1e-9); e++) {
    ticks.push(Number((10 ** e).toPrecision(12)));
  }
  if (ticks.length >= 3) return ticks;
  const withEnds = [from, ...ticks, to].sort((a, b) => a - b);
  return withEnds.filter((tick, i) => i === 0 || tick / withEnds[i - 1]! > 1.0001);
}

/** A log axis's domain around `values`: the powers of ten just outside them. */
export function logDomain(values: readonly number[]): [number, number] {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (positive.length === 0) return [1, 10];
  const low = 10 ** Math.floor(Math.log10(Math.min(...positive)) + 1e-9);
  const high = 10 ** Math.ceil(Math.log10(Math.max(...positive)) - 1e-9);
  return high > low ? [low, high] : [low, low * 10];
}

/** Every latency of the sweep (the four curves), for the latency axis's domain. */
export function sweepLatencies(points: readonly SweepPoint[]): number[] {
  return points.flatMap((p) => [p.deviceOnlyMs, p.serverOnlyMs, p.bestSplitMs, p.currentMs]);
}

/** The index of the point nearest `mbps` on the log axis. */
export function nearestPointIndex(points: readonly SweepPoint[], mbps: number): number {
  let best = -1;
  let distance = Infinity;
  points.forEach((point, i) => {
    const d = Math.abs(Math.log(point.mbps) - Math.log(mbps));
    if (d < distance) {
      distance = d;
      best = i;
    }
  });
  return best;
}

/** The topology as the sweep of `hop` depends on it: that hop's bandwidths do not matter. */
function sweepBasisText(topology: Topology, hop: number): string {
  const hops = topology.hops.map((link, h) =>
    h === hop ? { ...link, uplinkMbps: 0, downlinkMbps: 0 } : link,
  );
  return JSON.stringify({ ...topology, hops });
}

function sameRecord(a: Readonly<Record<string, TierName>>, b: Readonly<Record<string, TierName>>): boolean {
  if (a === b) return true;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/**
 * Whether a sweep's figures still hold for the design: the same placement, and the same topology
 * but for the swept link's bandwidth (which the sweep varies anyway, so setting it from the chart
 * keeps the chart).
 */
export function sweepFitsDesign(
  args: Pick<SweepArgs, 'topology' | 'hop' | 'placement'>,
  design: { readonly topology: Topology; readonly placement: Readonly<Record<string, TierName>> },
): boolean {
  if (!sameRecord(args.placement, design.placement)) return false;
  if (args.topology === design.topology) return true;
  return sweepBasisText(args.topology, args.hop) === sweepBasisText(design.topology, args.hop);
}
