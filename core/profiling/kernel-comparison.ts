/**
 * Measured against predicted with the kernel-level predictor: per layer, the kernel time a
 * `--kernels` calibration kept for the model (graph optimisations on, as a tier runs it) beside
 * what the kernel-level profile predicts for the same kernel.
 *
 * The unoptimised per-node table is the wrong thing to hold such a profile against: it times a
 * ReLU that onnxruntime fuses into the Conv before it (3 µs), which the kernel-level profile
 * rightly predicts as 0 because the Conv's kernel carries it. Here each fusion anchor's measured
 * kernel (its own work and what was fused into it) stands beside the anchor's prediction, and a
 * layer fused into another's kernel is said to be so, with no figures of its own.
 */
import type { Analysis } from '../analyze.js';
import { graphFusionAnchors, layerWork, predictComputeMs } from '../predict/roofline.js';
import type { DeviceProfile } from '../profiles/types.js';
import { KERNEL_ATTRIBUTION_VERSION } from './kernel-attribution.js';
import type { KernelEntry } from './kernel-table.js';
import { sameValues, type ValuesKey } from './table-values.js';

export interface KernelLayerComparison {
  /** The layer's node name (the layer's id in the studio). */
  readonly name: string;
  readonly opType: string;
  /**
   * Median kernel time of the layer's kernels (its node's and any of its plumbing's), ms; null
   * when onnxruntime ran no kernel for them (folded at load) or when the layer is fused.
   */
  readonly measuredMs: number | null;
  /** The kernel-level prediction, ms (0 for a fused layer). */
  readonly predictedMs: number;
  /** The layer whose kernel onnxruntime runs this layer's work in; absent when it has its own. */
  readonly fusedInto?: string;
}

export interface KernelComparison {
  readonly layers: readonly KernelLayerComparison[];
  /** Σ of the measured kernels of the layers, ms (the layout reorders at the boundaries aside). */
  readonly measuredSumMs: number;
  /** Σ of the predictions of the layers that were measured, ms. */
  readonly predictedSumMs: number;
  /** Median |predicted − measured| / measured over the layers measured above 0, %; null when none. */
  readonly medianAbsErrorPercent: number | null;
  /** The kept timing, to say what was compared; null when there was none (predictions only). */
  readonly timing: {
    /** Kernels of no node (NCHWc layout reorders at the boundaries), per run, ms. */
    readonly boundaryMs: number;
    readonly measuredAt: string;
    readonly runs: number;
    readonly intraOpThreads: number | null;
  } | null;
}

/**
 * The kept kernel timing of the model with this SHA-256 at these input shapes and values: the
 * newest when several were kept (other thread counts); null when none was. A timing split among
 * anchors by older attribution rules is not one: its anchors are not today's.
 */
export function findKernelEntry(
  entries: readonly KernelEntry[],
  modelSha256: string,
  inputShapes: Readonly<Record<string, readonly number[]>>,
  inputValues?: ValuesKey,
): KernelEntry | null {
  const names = Object.keys(inputShapes);
  const matching = entries.filter(
    (e) =>
      e.key.modelSha256 === modelSha256 &&
      Object.keys(e.key.inputShapes).length === names.length &&
      names.every((n) => e.key.inputShapes[n]?.join(',') === inputShapes[n]?.join(',')) &&
      sameValues(e.key.inputValues, inputValues) &&
      (e.key.attribution ?? 1) === KERNEL_ATTRIBUTION_VERSION,
  );
  return matching.reduce<KernelEntry | null>(
    (newest, e) => (newest === null || e.measuredAt > newest.measuredAt ? e : newest),
    null,
  );
}

/**
 * Per layer of `analysis` (the model `entry` timed, at its shapes), its measured kernel time and
 * `device`'s kernel-level prediction; with no `entry`, the predictions alone.
 */
export function compareKernels(
  analysis: Analysis,
  entry: KernelEntry | null,
  device: DeviceProfile,
): KernelComparison {
  const nodes = analysis.graph.nodes;
  const byIndex = new Map<number, number>();
  const indexOfName = new Map(nodes.map((n) => [n.name, n.index]));
  for (const anchor of entry?.anchors ?? []) {
    // The same bytes give the same node order; the name guards against a table edited by hand.
    const index = nodes[anchor.index]?.name === anchor.name ? anchor.index : indexOfName.get(anchor.name);
    if (index !== undefined) byIndex.set(index, (byIndex.get(index) ?? 0) + anchor.medianMs);
  }
  const anchors = graphFusionAnchors(analysis.graph);
  const owner = analysis.layers.owner;
  const layers = analysis.layers.layers.map((layer): KernelLayerComparison => {
    const anchor = anchors[layer.node] ?? layer.node;
    const anchorLayer = owner.get(anchor) ?? anchor;
    const base = { name: layer.name, opType: layer.op };
    if (anchorLayer !== layer.node) {
      return { ...base, measuredMs: null, predictedMs: 0, fusedInto: nodes[anchorLayer]?.name ?? '' };
    }
    const times = [layer.node, ...layer.hidden].flatMap((i) => {
      const ms = byIndex.get(i);
      return ms === undefined ? [] : [ms];
    });
    return {
      ...base,
      measuredMs: times.length > 0 ? times.reduce((a, b) => a + b, 0) : null,
      predictedMs: predictComputeMs(device, 'fp32', layerWork(analysis, layer)),
    };
  });
  const measured = layers.filter((l) => l.measuredMs !== null);
  const errors = measured
    .filter((l) => l.measuredMs! > 0)
    .map((l) => (100 * Math.abs(l.predictedMs - l.measuredMs!)) / l.measuredMs!)
    .sort((a, b) => a - b);
  const mid = errors.length >> 1;
  return {
    layers,
    measuredSumMs: measured.reduce((sum, l) => sum + l.measuredMs!, 0),
    predictedSumMs: measured.reduce((sum, l) => sum + l.predictedMs, 0),
    medianAbsErrorPercent:
      errors.length === 0 ? null : errors.length % 2 ? errors[mid]! : (errors[mid - 1]! + errors[mid]!) / 2,
    timing: entry && {
      boundaryMs: entry.boundaryMs,
      measuredAt: entry.measuredAt,
      runs: entry.runs,
      intraOpThreads: entry.key.intraOpThreads,
    },
  };
}
