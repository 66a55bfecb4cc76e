/**
 * One-node ONNX models for the compute shape rules: operands are graph inputs (declared shape,
 * possibly symbolic or of unknown rank) or initializers (known values), and inference runs
 * through the real driver with declared output shapes ignored.
 */
import type { AttributeProto, TensorProto } from '../../core/onnx/codec.js';
import { graph, model, node, valueInfo, type DimSpec } from '../../core/onnx/builder.js';
import { DataType } from '../../core/onnx/dtype.js';
import { buildGraph } from '../../core/graph/build.js';
import { inferShapes, type NodeStatus } from '../../core/shape/infer.js';
import type { ValueInfo } from '../../core/shape/types.js';

/** A graph input of `dims` (omitted: unknown rank), or an initializer when `values` are given. */
export interface Operand {
  readonly dtype?: number;
  readonly dims?: readonly DimSpec[];
  readonly values?: readonly number[];
}

const WRITERS: Partial<Record<number, [number, (view: DataView, offset: number, x: number) => void]>> = {
  [DataType.FLOAT]: [4, (v, o, x) => v.setFloat32(o, x, true)],
  [DataType.DOUBLE]: [8, (v, o, x) => v.setFloat64(o, x, true)],
  [DataType.INT64]: [8, (v, o, x) => v.setBigInt64(o, BigInt(x), true)],
  [DataType.INT32]: [4, (v, o, x) => v.setInt32(o, x, true)],
  [DataType.INT8]: [1, (v, o, x) => v.setInt8(o, x)],
  [DataType.UINT8]: [1, (v, o, x) => v.setUint8(o, x)],
  [DataType.BOOL]: [1, (v, o, x) => v.setUint8(o, x ? 1 : 0)],
};

/** A TensorProto of `dtype` with little-endian raw data. */
export function tensorOf(
  name: string,
  dtype: number,
  dims: readonly number[],
  values: readonly number[],
): TensorProto {
  const writer = WRITERS[dtype];
  if (!writer) throw new Error(`test helper: dtype ${dtype} not supported`);
  const [size, write] = writer;
  const raw = new Uint8Array(values.length * size);
  const view = new DataView(raw.buffer);
  values.forEach((x, i) => write(view, i * size, x));
  return { name, dims: [...dims], dataType: dtype, rawData: raw };
}

export interface OneNodeSpec {
  readonly op: string;
  /** null marks an omitted optional input. */
  readonly inputs: readonly (Operand | null)[];
  readonly attrs?: readonly AttributeProto[];
  readonly opset?: number;
  readonly outputs?: number;
  /** Declared element type of the outputs (onnxruntime checks it); default float. */
  readonly outputDtype?: number;
}

/** The ModelProto of one node `op` over `inputs`, with outputs `out0…`. */
export function oneNodeModel(spec: OneNodeSpec) {
  const inputs = spec.inputs.map((operand, i) => (operand ? `in${i}` : ''));
  const outputs = Array.from({ length: spec.outputs ?? 1 }, (_, i) => `out${i}`);
  const declared = spec.inputs.flatMap((operand, i) =>
    operand && !operand.values
      ? [valueInfo(`in${i}`, (operand.dtype ?? DataType.FLOAT) as DataType, operand.dims)]
      : [],
  );
  const initializers = spec.inputs.flatMap((operand, i) =>
    operand?.values
      ? [
          tensorOf(
            `in${i}`,
            operand.dtype ?? DataType.INT64,
            (operand.dims ?? [operand.values.length]).map(Number),
            operand.values,
          ),
        ]
      : [],
  );
  return model({
    opset: spec.opset ?? 17,
    graph: graph({
      name: spec.op,
      nodes: [node(spec.op, inputs, outputs, spec.attrs ?? [])],
      inputs: declared,
      outputs: outputs.map((name) => valueInfo(name, (spec.outputDtype ?? DataType.FLOAT) as DataType)),
      initializers,
    }),
  });
}

export interface OneNodeResult {
  readonly outputs: readonly (ValueInfo | undefined)[];
  readonly status: NodeStatus;
}

/** Infers the outputs of a one-node model through `inferShapes`. */
export function inferOneNode(spec: OneNodeSpec): OneNodeResult {
  const proto = oneNodeModel(spec);
  const g = buildGraph(proto.graph ?? {});
  const result = inferShapes(g, { opset: spec.opset ?? 17, useDeclaredShapes: false });
  return {
    outputs: g.outputs.map((name) => result.values.get(name)),
    status: result.status[0] ?? { kind: 'unknown-op' },
  };
}
