/**
 * Building ONNX models in code: tensors, value infos, nodes with attributes, graphs and the model
 * itself, as plain `$Properties` objects that `encodeModelProto` (codec.ts) writes to bytes.
 *
 * Used by the sample models, tests, benchmarks and the split exporter. Everything here is a pure
 * function of its arguments, so a model built twice encodes to the same bytes.
 */
import type { AttributeProto, GraphProto, NodeProto, TensorProto, ValueInfoProto, onnx } from './codec.js';
import { AttributeType } from './attributes.js';
import { DataType } from './dtype.js';

/** A dimension: a fixed size, or a symbolic name such as `batch`. */
export type DimSpec = number | string;

const utf8 = new TextEncoder();

function checkDims(name: string, dims: readonly number[], elements: number): void {
  const expected = dims.reduce((n, d) => n * d, 1);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0) || expected !== elements) {
    throw new RangeError(
      `Tensor '${name}' has ${elements} values but dims [${dims.join(', ')}] hold ${expected}.`,
    );
  }
}

/**
 * A float32 tensor whose values are stored in raw_data, little-endian as the ONNX spec requires
 * (written through a DataView so the bytes do not depend on the host's byte order).
 */
export function tensorFromFloat32(
  name: string,
  dims: readonly number[],
  values: ArrayLike<number>,
): TensorProto {
  checkDims(name, dims, values.length);
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] ?? 0, true);
  return { name, dims: [...dims], dataType: DataType.FLOAT, rawData: raw };
}

/** An int64 tensor (shapes, axes, indices, token ids) stored little-endian in raw_data. */
export function tensorFromInt64(
  name: string,
  dims: readonly number[],
  values: ArrayLike<number | bigint>,
): TensorProto {
  checkDims(name, dims, values.length);
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) view.setBigInt64(i * 8, BigInt(values[i] ?? 0), true);
  return { name, dims: [...dims], dataType: DataType.INT64, rawData: raw };
}

/** A rank-0 float32 tensor. */
export function scalarFloat32(name: string, value: number): TensorProto {
  return tensorFromFloat32(name, [], [value]);
}

/** A rank-0 int64 tensor. */
export function scalarInt64(name: string, value: number | bigint): TensorProto {
  return tensorFromInt64(name, [], [value]);
}

/**
 * A tensor-typed ValueInfoProto. Numbers become dim_value, strings dim_param (symbolic); leaving
 * `dims` out declares a tensor of unknown rank.
 */
export function valueInfo(name: string, dtype: DataType, dims?: readonly DimSpec[]): ValueInfoProto {
  const tensorType: onnx.TypeProto.Tensor.$Properties = { elemType: dtype };
  if (dims) {
    tensorType.shape = {
      dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
    };
  }
  return { name, type: { tensorType } };
}

/** Attribute constructors, one per AttributeProto type Cutline writes. */
export const attr = {
  int: (name: string, value: number): AttributeProto => ({ name, type: AttributeType.INT, i: value }),
  ints: (name: string, values: readonly number[]): AttributeProto => ({
    name,
    type: AttributeType.INTS,
    ints: [...values],
  }),
  float: (name: string, value: number): AttributeProto => ({ name, type: AttributeType.FLOAT, f: value }),
  floats: (name: string, values: readonly number[]): AttributeProto => ({
    name,
    type: AttributeType.FLOATS,
    floats: [...values],
  }),
  string: (name: string, value: string): AttributeProto => ({
    name,
    type: AttributeType.STRING,
    s: utf8.encode(value),
  }),
  tensor: (name: string, value: TensorProto): AttributeProto => ({
    name,
    type: AttributeType.TENSOR,
    t: value,
  }),
  graph: (name: string, value: GraphProto): AttributeProto => ({ name, type: AttributeType.GRAPH, g: value }),
} as const;

/** A NodeProto. `domain` defaults to the standard ai.onnx domain (left empty). */
export function node(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attrs: readonly AttributeProto[] = [],
  name?: string,
  domain?: string,
): NodeProto {
  const proto: NodeProto = { opType, input: [...inputs], output: [...outputs] };
  if (name !== undefined) proto.name = name;
  if (domain !== undefined && domain !== '') proto.domain = domain;
  if (attrs.length > 0) proto.attribute = [...attrs];
  return proto;
}

/** A `Constant` node holding `value`; the output name is the tensor's name. */
export function constantNode(value: TensorProto, name?: string): NodeProto {
  const output = value.name ?? '';
  if (!output) throw new RangeError('A Constant node needs a named tensor: its name is the output.');
  // The tensor inside the attribute needs no name of its own; the node output carries it.
  const unnamed: TensorProto = { ...value };
  delete unnamed.name;
  return node('Constant', [], [output], [attr.tensor('value', unnamed)], name);
}

export interface GraphSpec {
  readonly name: string;
  readonly nodes: readonly NodeProto[];
  readonly inputs: readonly ValueInfoProto[];
  readonly outputs: readonly ValueInfoProto[];
  readonly initializers?: readonly TensorProto[];
  /** Shapes of intermediate tensors, when the builder knows them. */
  readonly valueInfo?: readonly ValueInfoProto[];
  readonly docString?: string;
}

/** A GraphProto. Nodes must already be in topological order, as ONNX requires. */
export function graph(spec: GraphSpec): GraphProto {
  const proto: GraphProto = {
    name: spec.name,
    node: [...spec.nodes],
    input: [...spec.inputs],
    output: [...spec.outputs],
  };
  if (spec.initializers?.length) proto.initializer = [...spec.initializers];
  if (spec.valueInfo?.length) proto.valueInfo = [...spec.valueInfo];
  if (spec.docString) proto.docString = spec.docString;
  return proto;
}

/** One operator-set import: `domain` '' is ai.onnx. */
export interface OpsetSpec {
  readonly domain: string;
  readonly version: number;
}

export interface ModelSpec {
  readonly graph: GraphProto;
  /** ai.onnx opset version, or the full list of imports. Default 17. */
  readonly opset?: number | readonly OpsetSpec[];
  /** Default 8 (ONNX 1.10+, the IR every opset-17 runtime reads). */
  readonly irVersion?: number;
  readonly producerName?: string;
  readonly producerVersion?: string;
  readonly domain?: string;
  readonly modelVersion?: number;
  readonly docString?: string;
  /** metadata_props, written in the key order given. */
  readonly metadata?: Readonly<Record<string, string>>;
}

export const DEFAULT_OPSET = 17;
export const DEFAULT_IR_VERSION = 8;

/** A ModelProto, ready for `encodeModelProto`. */
export function model(spec: ModelSpec): onnx.ModelProto.$Properties {
  const opsets =
    typeof spec.opset === 'object' ? spec.opset : [{ domain: '', version: spec.opset ?? DEFAULT_OPSET }];
  const proto: onnx.ModelProto.$Properties = {
    irVersion: spec.irVersion ?? DEFAULT_IR_VERSION,
    // An empty domain string is the default value in proto3 terms; leaving it out keeps the bytes
    // identical to what other ONNX writers produce.
    opsetImport: opsets.map((o) =>
      o.domain ? { domain: o.domain, version: o.version } : { version: o.version },
    ),
    graph: spec.graph,
  };
  if (spec.producerName !== undefined) proto.producerName = spec.producerName;
  if (spec.producerVersion !== undefined) proto.producerVersion = spec.producerVersion;
  if (spec.domain !== undefined) proto.domain = spec.domain;
  if (spec.modelVersion !== undefined) proto.modelVersion = spec.modelVersion;
  if (spec.docString !== undefined) proto.docString = spec.docString;
  if (spec.metadata) {
    proto.metadataProps = Object.entries(spec.metadata).map(([key, value]) => ({ key, value }));
  }
  return proto;
}
