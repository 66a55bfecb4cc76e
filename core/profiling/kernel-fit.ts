/**
 * Fitting the kernel-level predictor (`DeviceProfile.kernelModels`) to kernels measured with
 * onnxruntime's graph optimisations on (kernel-profile.ts), after nn-Meter and LitePred: per kernel
 * kind a non-negative linear model of the kernel's features,
 *
 *   t ≈ ms + msPerGflop · GFLOP + msPerMB · activation MB + msPerWeightMB · weight MB
 *        (+ msPerGroup · groups for grouped convolutions),
 *
 * fitted by least squares of the relative error (kernels span four decades of time), GFLOP
 * counting channels padded to the NCHWc block that explains the convolutions best (1, 8 or 16).
 * Then the fixed costs of a run, from the wall times of whole sessions without the profiler:
 *
 *   wall − Σ measured kernels ≈ segmentOverheadMs + tensorOverheadMs · tensors handed − δ · kernels
 *
 * where δ ≥ 0 is what ORT's profiler adds to each kernel it times; it is taken back off every
 * kind's fixed cost, so predictions describe runs without the profiler, as a tier serves them.
 * Last, every kind is scaled by how much slower kernels run inside the calibration's own networks
 * than alone (`networkFactor`).
 */
import { paddedFlops, runKind } from '../predict/compute-time.js';
import { nodeWork, predictComputeMs, type ComputeWork } from '../predict/roofline.js';
import { KERNEL_KINDS, type DeviceProfile, type KernelKind, type KernelModel } from '../profiles/types.js';
import type { KernelMeasurement } from './kernel-profile.js';
import { solveNnls, type NnlsRow } from './nnls.js';

export interface KindFit {
  readonly kind: KernelKind;
  readonly samples: number;
  /** Root mean square of the relative error over its kernels, in sample, %. */
  readonly rmsErrorPercent: number;
}

export interface KernelCalibration {
  readonly kernelModels: Partial<Record<KernelKind, KernelModel>>;
  readonly segmentOverheadMs: number;
  readonly tensorOverheadMs: number;
  /** What ORT's profiler adds to each kernel it times, ms (taken off the fixed costs). */
  readonly profilerMsPerKernel: number;
  /** The kernels' slowdown inside a network against alone (`networkFactor`), applied to every model. */
  readonly contextFactor: number;
  readonly kinds: readonly KindFit[];
  /** Channels per block of the convolution kernels that fitted best (1: none). */
  readonly channelBlock: number;
  /** Measured kernels (fusion anchors with a time above zero) the fit used. */
  readonly kernels: number;
  readonly models: number;
}

/** A kind needs this many measured kernels for a model of its own; others keep the roofline. */
const MIN_SAMPLES = 3;

/** The features of a kernel, in the order of `KernelModel`'s coefficients. */
function features(work: ComputeWork, block: number): number[] {
  const k = work.kernel!;
  const groups = runKind(k, block) === 'convGrouped' ? (k.groups ?? 1) : 0;
  return [
    1,
    paddedFlops(k.flops ?? work.flops, k, block) / 1e9,
    k.activationBytes / 1e6,
    k.weightBytes / 1e6,
    groups,
  ];
}

/** Channel blocks tried: none, AVX2's 8 and AVX-512's 16 (onnxruntime's NCHWc). */
const CHANNEL_BLOCKS = [1, 8, 16] as const;

export interface KernelFitOptions {
  /** Fit to the median runs (the default: what a tier's figure is compared with), or to the quiet ones (tenth percentile). */
  readonly statistic?: 'median' | 'quiet';
}

export function fitKernelModels(
  measurements: readonly KernelMeasurement[],
  options: KernelFitOptions = {},
): KernelCalibration {
  const quiet = (options.statistic ?? 'median') === 'quiet';
  const measured = measurements.flatMap((m) =>
    m.anchors.flatMap((a) => {
      const measuredMs = quiet ? a.quietMs : a.medianMs;
      if (!(measuredMs > 0)) return [];
      const work = nodeWork(m.analysis, a.index);
      return work.kernel ? [{ work, kind: work.kernel.kind, measuredMs }] : [];
    }),
  );
  // The block is the one that explains the convolutions best.
  const fits = CHANNEL_BLOCKS.map((block) => fitKinds(measured, block));
  const { kernelModels, kinds, channelBlock } = fits.reduce((a, b) => (b.convError < a.convError ? b : a));
  const overhead = fitRunOverhead(measurements, quiet);
  const corrected: Partial<Record<KernelKind, KernelModel>> = {};
  for (const [kind, model] of Object.entries(kernelModels) as [KernelKind, KernelModel][])
    corrected[kind] = { ...model, ms: Math.max(0, model.ms - overhead.profilerMsPerKernel) };
  const contextFactor = networkFactor(measurements, corrected, channelBlock, overhead, quiet);
  const scaled: Partial<Record<KernelKind, KernelModel>> = {};
  for (const [kind, m] of Object.entries(corrected) as [KernelKind, KernelModel][])
    scaled[kind] = {
      ...m,
      ms: m.ms * contextFactor,
      msPerGflop: m.msPerGflop * contextFactor,
      msPerMB: m.msPerMB * contextFactor,
      msPerWeightMB: m.msPerWeightMB * contextFactor,
      ...(m.msPerGroup !== undefined ? { msPerGroup: m.msPerGroup * contextFactor } : {}),
    };
  return {
    kernelModels: scaled,
    contextFactor,
    ...overhead,
    kinds,
    channelBlock,
    kernels: measured.length,
    models: measurements.length,
  };
}

interface KindsFit {
  readonly kernelModels: Partial<Record<KernelKind, KernelModel>>;
  readonly kinds: KindFit[];
  readonly channelBlock: number;
  /** Σ squared relative error over the convolutions. */
  readonly convError: number;
}

function fitKinds(
  measured: readonly { work: ComputeWork; kind: KernelKind; measuredMs: number }[],
  channelBlock: number,
): KindsFit {
  const kernelModels: Partial<Record<KernelKind, KernelModel>> = {};
  const kinds: KindFit[] = [];
  let convError = 0;
  for (const kind of KERNEL_KINDS) {
    const of = measured.filter((s) => runKind(s.work.kernel!, channelBlock) === kind);
    if (of.length < MIN_SAMPLES) continue;
    const rows: NnlsRow[] = of.map((s) => ({
      features: features(s.work, channelBlock),
      target: s.measuredMs,
      weight: 1 / s.measuredMs ** 2,
    }));
    const { x, error } = solveNnls(rows, 5);
    kernelModels[kind] = {
      ms: x[0]!,
      msPerGflop: x[1]!,
      msPerMB: x[2]!,
      msPerWeightMB: x[3]!,
      ...(kind === 'convGrouped' ? { msPerGroup: x[4]! } : {}),
      samples: of.length,
    };
    if (kind.startsWith('conv')) convError += error;
    kinds.push({ kind, samples: of.length, rmsErrorPercent: Math.sqrt(error / of.length) * 100 });
  }
  return { kernelModels, kinds, channelBlock, convError };
}

/** Bounds of the network factor: kernels in a network never run faster than alone, nor twice as slow. */
const FACTOR_RANGE = [1, 2] as const;

/**
 * How much slower the kernels of a whole network run than the models fitted on one-kernel
 * samples say: the median over the calibration's networks (the user's models, not the samples) of
 * (wall − fixed costs) / Σ predicted kernels. Kernels inside a network find less of their data in
 * cache and run after other kernels' memory traffic; on this machine RegNet-, BERT- and UNet-like
 * nets ran 10–20% over the sum of their kernels fitted alone. 1 without networks.
 */
function networkFactor(
  measurements: readonly KernelMeasurement[],
  kernelModels: Partial<Record<KernelKind, KernelModel>>,
  channelBlock: number,
  overhead: { segmentOverheadMs: number; tensorOverheadMs: number },
  quiet: boolean,
): number {
  const device = { ...kernelOnlyDevice(kernelModels), channelBlock };
  const ratios = measurements
    .filter((m) => !m.isSample)
    .flatMap((m) => {
      const predicted = m.analysis.graph.nodes.reduce(
        (sum, node) => sum + predictComputeMs(device, 'fp32', nodeWork(m.analysis, node.index)),
        0,
      );
      const kernelsMs =
        (quiet ? m.quietWallMs : m.wallMs) -
        overhead.segmentOverheadMs -
        overhead.tensorOverheadMs * m.tensorsHanded;
      return predicted > 0 && kernelsMs > 0 ? [kernelsMs / predicted] : [];
    });
  if (ratios.length === 0) return 1;
  const sorted = [...ratios].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.min(FACTOR_RANGE[1], Math.max(FACTOR_RANGE[0], median));
}

/**
 * Segment and tensor costs and the profiler's per-kernel share, from each model's wall time
 * without the profiler against its measured kernels with it (see the file's note): measured
 * against measured, so no kind's fit error leaks into the fixed costs.
 */
function fitRunOverhead(
  measurements: readonly KernelMeasurement[],
  quiet: boolean,
): { segmentOverheadMs: number; tensorOverheadMs: number; profilerMsPerKernel: number } {
  const rows: NnlsRow[] = measurements.map((m) => {
    const wallMs = quiet ? m.quietWallMs : m.wallMs;
    return {
      features: [1, m.tensorsHanded, -m.kernelsRun],
      target: wallMs - m.kernelSumMs,
      weight: 1 / wallMs ** 2,
    };
  });
  const { x } = solveNnls(rows, 3);
  return { segmentOverheadMs: x[0]!, tensorOverheadMs: x[1]!, profilerMsPerKernel: x[2]! };
}

/**
 * A device that predicts with `kernelModels` alone: kinds without a model cost nothing here, so
 * the overhead fit sees only what the models explain (plus the roofline kinds' share as residual).
 */
function kernelOnlyDevice(kernelModels: Partial<Record<KernelKind, KernelModel>>): DeviceProfile {
  return {
    id: 'kernel-fit',
    name: 'kernel fit',
    peakGflops: { fp32: 1e12 },
    memoryBandwidthGBps: 1e12,
    efficiency: {},
    defaultEfficiency: 1,
    overheadMs: {},
    defaultOverheadMs: 0,
    activePowerW: 1,
    idlePowerW: 1,
    memoryBytes: 1,
    kernelModels,
    sources: {},
  };
}

/** `profile` with the kernel-level predictor and the run's fixed costs added. */
export function withKernelModels(
  profile: DeviceProfile,
  fit: KernelCalibration,
  note: string,
): DeviceProfile {
  return {
    ...profile,
    kernelModels: Object.fromEntries(
      Object.entries(fit.kernelModels).map(([kind, m]) => [
        kind,
        Object.fromEntries(Object.entries(m).map(([key, v]) => [key, key === 'samples' ? v : round(v)])),
      ]),
    ),
    channelBlock: fit.channelBlock,
    segmentOverheadMs: round(fit.segmentOverheadMs),
    tensorOverheadMs: round(fit.tensorOverheadMs),
    sources: {
      ...profile.sources,
      kernelModels: `${note}: ${fit.kernels} kernels of ${fit.models} models, onnxruntime graph optimisations on, fused nodes folded into their anchors; non-negative least squares of the relative error per kernel kind, then ×${fit.contextFactor.toFixed(3)} for kernels inside a network (the calibration's own models against the sum of their kernels)`,
      segmentOverheadMs: `${note}: wall time of session.run without the profiler minus the predicted kernels, over ${fit.models} models`,
      tensorOverheadMs: `${note}: as segmentOverheadMs, per graph input and output`,
      channelBlock: `${note}: of 1, 8 and 16 channels, the block whose padding explains the measured convolutions best`,
    },
  };
}

/** Four significant digits, as the roofline's fitted figures: more than the measurements support. */
function round(value: number): number {
  return Number(value.toPrecision(4));
}
