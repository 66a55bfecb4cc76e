/**
 * The JSON form of what a partition problem needs from a model (see source.ts): free of the
 * analysis, so the studio's page can hold it and build problems without the ONNX reader.
 */
import type { ComputeWork } from '../predict/compute-time.js';

export interface SourceUnit {
  /** The layer's node name (the studio's layer id). */
  readonly name: string;
  readonly work: ComputeWork;
  readonly weightBytes: number;
  /** Why the layer's time depends on its input (core/costs/data-dependent.ts); absent when it does not. */
  readonly dataDependent?: string;
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
}

export interface PartitionSource {
  /** Layers of the main graph, in topological order. */
  readonly units: readonly SourceUnit[];
  readonly tensors: readonly SourceTensor[];
}
