import type { onnx } from '../../core/onnx/codec.js';
import { graph, model, type GraphSpec } from '../../core/onnx/builder.js';

/** Sizes to give a sample's symbolic dims (e.g. `batch`, `sequence`). */
export type DimBindings = Readonly<Record<string, number>>;

/**
 * A sample model: how to build it and the figures worked out by hand in its TSDoc, which tests
 * check against what the built graph holds and against Cutline's own cost analysis.
 */
export interface SampleModel {
  /** File stem: the model is written to `<name>.onnx`. */
  readonly name: string;
  readonly description: string;
  build(): onnx.ModelProto.$Properties;
  /**
   * Learned parameters: elements of float tensors of rank ≥ 1 among initializers and Constant
   * nodes (BatchNormalization running statistics included). Rank-0 float constants (Clip bounds,
   * the attention scale, GELU's 0.5/1/√2, epsilons) and int64 shape/index tensors are not counted.
   */
  readonly params: number;
  /**
   * Multiply-accumulates of one inference: Conv out_elems × C_in/group × kH × kW, Gemm and MatMul
   * out_elems × K. Element-wise ops, pooling, normalisation and softmax are not counted.
   */
  macs(dims: DimBindings): number;
}

/** Every sample is written with ai.onnx opset 17 and IR version 8 under this producer name. */
export const SAMPLE_PRODUCER = 'cutline-samples';

/** The ModelProto of a sample: its graph with the common opset, IR version and producer. */
export function sampleModelProto(description: string, spec: GraphSpec): onnx.ModelProto.$Properties {
  return model({
    graph: graph(spec),
    opset: 17,
    irVersion: 8,
    producerName: SAMPLE_PRODUCER,
    producerVersion: '1',
    docString: description,
  });
}
