/**
 * The JSON form of what a partition problem needs from a model (see source.ts): free of the
 * analysis, so the studio's page can hold it and build problems without the ONNX reader.
 */
import type { ComputeWork, CutCopies } from '../predict/compute-time.js';

export interface SourceUnit {
  /** The layer's node name (the studio's layer id). */
  readonly name: string;
  readonly work: ComputeWork;
  readonly weightBytes: number;
  /** Why the layer's time depends on its input (core/costs/data-dependent.ts); absent when it does not. */
  readonly dataDependent?: string;
  /**
   * A data-dependent layer's nodes as a profiler names them (its own, then its folded plumbing):
   * what a measurement of the layer sums (measured-units.ts). Absent on layers with a static cost.
   */
  readonly nodes?: readonly string[];
  /**
   * The unit whose kernel onnxruntime folds this one into (core/predict/fusion.ts), when this
   * unit's own work is costed as nothing there. A placement that puts the two on different tiers
   * breaks the fusion: this unit then runs `alone` on its tier.
   */
  readonly fusedInto?: number;
  /** This unit's work as a kernel of its own, for when its fusion is cut. */
  readonly alone?: ComputeWork;
}

export interface SourceTensor {
  readonly name: string;
  readonly bytes: number;
  /** Producing unit, or -1 for a graph input. */
  readonly producer: number;
  /** Consuming units, ascending, without repeats. */
  readonly consumers: readonly number[];
  readonly isOutput: boolean;
  readonly shapeOnly: boolean;
  /**
   * Layout copies a cut through this tensor adds on a CPU with 8- or 16-channel blocks
   * (core/predict/layout.ts): absent when none would.
   */
  readonly layoutCopies?: { readonly 8?: CutCopies; readonly 16?: CutCopies };
}

export interface PartitionSource {
  /** Layers of the main graph, in topological order. */
  readonly units: readonly SourceUnit[];
  readonly tensors: readonly SourceTensor[];
  /** Data-dependent layers timed on a calibrated machine, costed from that (measured-units.ts). */
  readonly measured?: SourceMeasurements;
}

/** One data-dependent unit as a calibration timed it. */
export interface MeasuredUnit {
  /** Index of the unit in `PartitionSource.units`. */
  readonly unit: number;
  /** Median kernel time of its nodes on the measuring machine, ms. */
  readonly measuredMs: number;
  /** What that machine's calibrated profile predicts for it at the same (assumed) sizes, ms. */
  readonly predictedMs: number;
}

/** Data-dependent units measured on one machine (plain JSON: the page sends it to the host). */
export interface SourceMeasurements {
  /**
   * The name of the measuring machine's calibrated profile (`This machine: <CPU>, N logical
   * cores`): a tier whose device is that profile runs the measured time itself.
   */
  readonly machine: string;
  /** ISO 8601 time of the measurement. */
  readonly measuredAt: string;
  readonly units: readonly MeasuredUnit[];
}
