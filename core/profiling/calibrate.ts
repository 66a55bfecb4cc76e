/**
 * A device profile of this machine, fitted to kernel times measured on it. The peak comes from a
 * MatMul benchmark (`measureHostPeak`); the memory bandwidth, and per operator class the
 * efficiency and launch overhead, are fitted to the measured nodes by least squares of the
 * relative error of the roofline itself (`fit.ts`), the very formula `predictComputeMs` evaluates,
 * so the profile reproduces the measurements as closely as the roofline can.
 *
 * The bandwidth is fitted rather than benchmarked: on a CPU the activations of one operator mostly
 * sit in cache, so memory-bound operators run at cache bandwidth, well above a DRAM stream figure.
 * It is found by an outer log-scale search, each trial refitting every class.
 */
import os from 'node:os';
import path from 'node:path';
import { nodeWork, type ComputeWork } from '../predict/roofline.js';
import { OP_CLASSES, type DeviceProfile, type OpClass } from '../profiles/types.js';
import { fitClass, fitOverhead, type FitPoint } from './fit.js';
import type { HostPeak } from './host-peak.js';
import { atSearchEdge, minimizeLog } from './minimize.js';
import type { OrtProfile } from './ort-profile.js';

export interface CalibrationOptions {
  /** A class needs this many measured nodes for its own efficiency and overhead; 3 by default. */
  readonly minNodesPerClass?: number;
  /** Board power while computing / idle, W: not measurable from user space, so stated assumptions. */
  readonly activePowerW?: number;
  readonly idlePowerW?: number;
  /** When the measurement was made (the profile's sources cite it); now by default. */
  readonly date?: Date;
}

export interface ClassCalibration {
  readonly opClass: OpClass;
  readonly nodes: number;
  /** null: no node of the class was compute-bound, so it uses the default efficiency. */
  readonly efficiency: number | null;
  readonly overheadMs: number;
  /** Root mean square of the relative error over the class's nodes, %. */
  readonly rmsErrorPercent: number;
}

export interface CalibrationFit {
  readonly peakGflops: number;
  readonly memoryBandwidthGBps: number;
  /**
   * False when the measured layers did not pin the bandwidth (too few memory-bound ones): the fit
   * ran to the edge of its search (0.1 or 10,000 GB/s) or any higher bandwidth fits as well.
   */
  readonly memoryBandwidthDetermined: boolean;
  readonly defaultEfficiency: number;
  readonly defaultOverheadMs: number;
  /** Classes with at least `minNodesPerClass` measured nodes; the others use the defaults. */
  readonly classes: readonly ClassCalibration[];
  /** Classes measured on fewer than `minNodesPerClass` nodes, which take the defaults. */
  readonly sparseClasses: readonly { readonly opClass: OpClass; readonly nodes: number }[];
  /** Measured nodes the fit used (those with a kernel time above zero). */
  readonly nodes: number;
  readonly models: readonly string[];
  readonly method: string;
}

export interface HostCalibration {
  readonly profile: DeviceProfile;
  readonly fit: CalibrationFit;
}

interface Observation {
  readonly work: ComputeWork;
  readonly measuredMs: number;
}

const BANDWIDTH_RANGE_GBPS = [0.1, 10_000] as const;
const DEFAULT_ACTIVE_POWER_W = 15;
const DEFAULT_IDLE_POWER_W = 5;

const METHOD =
  'peak: best MatMul rate; bandwidth, efficiency and overhead per class: least squares of the relative error of the roofline (log-scale search for bandwidth and efficiency, closed-form overhead ≥ 0)';

/**
 * Calibrates the `this-machine` device profile on every measured node of `profiled` (several
 * models fit better than one: more operator classes, more sizes). Evaluating the profile on the
 * same nodes flatters it; see `compareProfile` and hold models out.
 */
export function calibrateHostProfile(
  profiled: readonly OrtProfile[],
  peak: HostPeak,
  options: CalibrationOptions = {},
): HostCalibration {
  const observations = profiled.flatMap(({ analysis, measurement }) =>
    measurement.nodes.flatMap((node): Observation[] =>
      node.medianMs !== null && node.medianMs > 0
        ? [{ work: nodeWork(analysis, node.index), measuredMs: node.medianMs }]
        : [],
    ),
  );
  if (observations.length === 0)
    throw new RangeError('Calibration needs at least one measured node with a kernel time above zero.');
  const minNodes = options.minNodesPerClass ?? 3;
  const fitAt = (bandwidthGBps: number): FittedClasses =>
    fitClasses(observations, peak.gflops, bandwidthGBps, minNodes);
  const bandwidthGBps = minimizeLog((b) => fitAt(b).squaredError, ...BANDWIDTH_RANGE_GBPS);
  const fitted = fitAt(bandwidthGBps);
  const models = profiled.map(({ measurement }) => path.basename(measurement.modelPath));
  const fit: CalibrationFit = {
    peakGflops: round(peak.gflops),
    memoryBandwidthGBps: round(bandwidthGBps),
    memoryBandwidthDetermined: bandwidthPinned(bandwidthGBps, fitted.squaredError, fitAt),
    defaultEfficiency: round(fitted.defaultEfficiency),
    defaultOverheadMs: round(fitted.defaultOverheadMs),
    classes: fitted.classes.map((c) => ({
      ...c,
      efficiency: c.efficiency === null ? null : round(c.efficiency),
      overheadMs: round(c.overheadMs),
    })),
    sparseClasses: fitted.sparseClasses,
    nodes: observations.length,
    models,
    method: METHOD,
  };
  return { profile: hostProfile(fit, peak, profiled, options), fit };
}

/**
 * Whether the measurements pin the fitted bandwidth: it is not at the edge of its search, and
 * doubling it would fit them worse (by more than 0.1 %). Without memory-bound layers the error is
 * flat above some bandwidth, or keeps falling to the search's bound; the figure is then the
 * search's, not the data's.
 */
function bandwidthPinned(
  bandwidthGBps: number,
  squaredError: number,
  fitAt: (bandwidthGBps: number) => FittedClasses,
): boolean {
  if (atSearchEdge(bandwidthGBps, ...BANDWIDTH_RANGE_GBPS) !== null) return false;
  return fitAt(bandwidthGBps * 2).squaredError > squaredError * 1.001 + 1e-12;
}

interface FittedClasses {
  readonly defaultEfficiency: number;
  readonly defaultOverheadMs: number;
  readonly classes: ClassCalibration[];
  readonly sparseClasses: { opClass: OpClass; nodes: number }[];
  readonly squaredError: number;
}

function fitClasses(
  observations: readonly Observation[],
  peakGflops: number,
  bandwidthGBps: number,
  minNodes: number,
): FittedClasses {
  const toPoint = ({ work, measuredMs }: Observation): FitPoint => ({
    computeMs: (work.flops / (peakGflops * 1e9)) * 1000,
    memoryMs: (work.bytesMoved / (bandwidthGBps * 1e9)) * 1000,
    measuredMs,
  });
  const all = observations.map(toPoint);
  const overall = fitClass(all);
  // With no compute-bound node at all (a model of reshapes), nothing bounds the efficiency: 1.
  const defaultEfficiency = overall.efficiency ?? 1;
  const defaults = fitOverhead(all, defaultEfficiency);
  const classes: ClassCalibration[] = [];
  const sparseClasses: { opClass: OpClass; nodes: number }[] = [];
  let squaredError = 0;
  for (const opClass of OP_CLASSES) {
    const points = observations.filter((o) => o.work.opClass === opClass).map(toPoint);
    if (points.length === 0) continue;
    if (points.length < minNodes) {
      squaredError += relativeSquaredError(points, defaultEfficiency, defaults.overheadMs);
      sparseClasses.push({ opClass, nodes: points.length });
      continue;
    }
    const fit = fitClass(points, defaultEfficiency);
    squaredError += fit.squaredError;
    classes.push({
      opClass,
      nodes: points.length,
      efficiency: fit.efficiency,
      overheadMs: fit.overheadMs,
      rmsErrorPercent: Math.sqrt(fit.squaredError / points.length) * 100,
    });
  }
  return { defaultEfficiency, defaultOverheadMs: defaults.overheadMs, classes, sparseClasses, squaredError };
}

function relativeSquaredError(points: readonly FitPoint[], efficiency: number, overheadMs: number): number {
  return points.reduce((sum, p) => {
    const r = (Math.max(p.computeMs / efficiency, p.memoryMs) + overheadMs - p.measuredMs) / p.measuredMs;
    return sum + r * r;
  }, 0);
}

function hostProfile(
  fit: CalibrationFit,
  peak: HostPeak,
  profiled: readonly OrtProfile[],
  options: CalibrationOptions,
): DeviceProfile {
  const cpus = os.cpus();
  const cpuModel = `${cpus[0]?.model.trim() || 'unknown CPU'}, ${cpus.length} logical cores`;
  const date = (options.date ?? new Date()).toISOString().slice(0, 10);
  const first = profiled[0]?.measurement;
  const threads =
    first?.intraOpThreads !== null && first?.intraOpThreads !== undefined
      ? `${first.intraOpThreads} intra-op thread${first.intraOpThreads === 1 ? '' : 's'}`
      : "onnxruntime's default threads";
  const measuredOn = `measured on this machine: ${cpuModel}, ${date}, ${fit.models.length === 1 ? 'model' : 'models'} ${fit.models.join(', ')}`;
  const efficiency: Partial<Record<OpClass, number>> = {};
  const overheadMs: Partial<Record<OpClass, number>> = {};
  for (const c of fit.classes) {
    if (c.efficiency !== null) efficiency[c.opClass] = c.efficiency;
    overheadMs[c.opClass] = c.overheadMs;
  }
  const fitted = `${measuredOn}; fitted to ${fit.nodes} kernel times (onnxruntime profiler, unoptimised graph, ${threads}) by least squares of the roofline's relative error`;
  const activePowerW = options.activePowerW ?? DEFAULT_ACTIVE_POWER_W;
  const idlePowerW = Math.min(options.idlePowerW ?? DEFAULT_IDLE_POWER_W, activePowerW);
  const sources: Record<string, string> = {
    'peakGflops.fp32': `${measuredOn}; ${peak.method}`,
    memoryBandwidthGBps: fit.memoryBandwidthDetermined
      ? `${fitted}: the effective bandwidth of memory-bound operators, cache included (not a DRAM stream figure)`
      : `${fitted}: not determined by these measurements (too few memory-bound layers: a higher bandwidth fits them as well; this is where the search stopped)`,
    defaultEfficiency: `${fitted}, over all classes together`,
    defaultOverheadMs: `${fitted}, over all classes together`,
    activePowerW:
      options.activePowerW !== undefined
        ? 'given by the user'
        : 'assumption: not measurable from user space here (no power counters); a desktop CPU package running one inference stream draws roughly 10–30 W; measure with a power meter and edit',
    idlePowerW:
      options.idlePowerW !== undefined
        ? 'given by the user'
        : 'assumption: a desktop CPU package idles at roughly 2–10 W; measure with a power meter and edit',
    memoryBytes: `measured on this machine: ${cpuModel}, ${date}: os.totalmem()`,
  };
  if (Object.keys(efficiency).length > 0) sources.efficiency = `${fitted}, per class`;
  if (Object.keys(overheadMs).length > 0) sources.overheadMs = `${fitted}, per class`;
  return {
    id: 'this-machine',
    name: `This machine: ${cpuModel}`,
    description: `Calibrated ${date} with onnxruntime-node ${first?.ortVersion ?? ''} on ${fit.models.join(', ')} (${threads}). Classes with fewer than the minimum of measured nodes use the defaults.`,
    peakGflops: { fp32: fit.peakGflops },
    memoryBandwidthGBps: fit.memoryBandwidthGBps,
    efficiency,
    defaultEfficiency: fit.defaultEfficiency,
    overheadMs,
    defaultOverheadMs: fit.defaultOverheadMs,
    activePowerW,
    idlePowerW,
    memoryBytes: os.totalmem(),
    sources,
  };
}

/** Four significant digits: more than the measurements support, few enough to read in a profile. */
function round(value: number): number {
  return Number(value.toPrecision(4));
}
