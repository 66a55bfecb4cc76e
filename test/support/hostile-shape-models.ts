/**
 * Tiny hostile models: one node, named "/x/<Op>", given a dimension or count of 2³¹−1 where a shape
 * rule would build an array of that length (the failures of issue 13's fuzz run). Each is about a
 * hundred bytes and must end in a SHAPE_LIMIT error naming the node, never a hang.
 */
import { attr, graph, model, node, tensorFromInt64, valueInfo } from '../../core/onnx/builder.js';
import type { AttributeProto, TensorProto, ValueInfoProto } from '../../core/onnx/codec.js';
import { encodeModelProto } from '../../core/onnx/codec.js';
import { DataType } from '../../core/onnx/dtype.js';

export const HUGE = 2 ** 31 - 1;

interface HostileSpec {
  readonly op: string;
  readonly inputs: readonly ValueInfoProto[];
  readonly initializers?: readonly TensorProto[];
  readonly attrs?: readonly AttributeProto[];
  readonly opset?: number;
  readonly outputs?: number;
  /** The node's name; default "/x/<Op>". */
  readonly name?: string;
}

function oneNode(spec: HostileSpec): Uint8Array {
  const names = [
    ...spec.inputs.map((i) => i.name ?? ''),
    ...(spec.initializers ?? []).map((t) => t.name ?? ''),
  ];
  const outputs = Array.from({ length: spec.outputs ?? 1 }, (_, i) => (i === 0 ? 'y' : `y${i}`));
  return encodeModelProto(
    model({
      opset: spec.opset ?? 17,
      graph: graph({
        name: 'hostile',
        nodes: [node(spec.op, names, outputs, spec.attrs ?? [], spec.name ?? `/x/${spec.op}`)],
        inputs: [...spec.inputs],
        outputs: outputs.map((name) => valueInfo(name, DataType.FLOAT)),
        initializers: [...(spec.initializers ?? [])],
      }),
    }),
  );
}

/** A shape/axes/repeats input whose values are unknown and whose declared length is 2³¹−1. */
const hugeVector = (name: string) => valueInfo(name, DataType.INT64, [HUGE]);
const floats = (name: string, dims?: readonly number[]) => valueInfo(name, DataType.FLOAT, dims);

/** The hostile cases by operator: the model bytes and what the rule would otherwise build. */
export const HOSTILE_SHAPE_MODELS: readonly { readonly op: string; readonly bytes: Uint8Array }[] = [
  { op: 'ConstantOfShape', bytes: oneNode({ op: 'ConstantOfShape', inputs: [hugeVector('shape')] }) },
  { op: 'Reshape', bytes: oneNode({ op: 'Reshape', inputs: [floats('x', [2, 3]), hugeVector('shape')] }) },
  { op: 'Unsqueeze', bytes: oneNode({ op: 'Unsqueeze', inputs: [floats('x', [2, 3]), hugeVector('axes')] }) },
  { op: 'Expand', bytes: oneNode({ op: 'Expand', inputs: [floats('x', [1]), hugeVector('shape')] }) },
  { op: 'Tile', bytes: oneNode({ op: 'Tile', inputs: [floats('x'), hugeVector('repeats')] }) },
  {
    op: 'Split',
    bytes: oneNode({ op: 'Split', inputs: [floats('x')], attrs: [attr.int('num_outputs', HUGE)], opset: 18 }),
  },
  // Found by probing the rules the fuzzers' sources did not reach (this session): each ran out of
  // a 256 MB heap in about 15 s.
  {
    op: 'MaxUnpool',
    bytes: oneNode({
      op: 'MaxUnpool',
      inputs: [
        floats('x', [1, 1, 2, 2]),
        valueInfo('i', DataType.INT64, [1, 1, 2, 2]),
        hugeVector('output_shape'),
      ],
      attrs: [attr.ints('kernel_shape', [2, 2])],
    }),
  },
  { op: 'SplitToSequence', bytes: oneNode({ op: 'SplitToSequence', inputs: [floats('x', [HUGE, 1])] }) },
  {
    op: 'Col2Im',
    bytes: oneNode({
      op: 'Col2Im',
      inputs: [floats('x', [1, 4, 4]), hugeVector('image_shape'), hugeVector('block_shape')],
      opset: 18,
    }),
  },
];

/** The hostile ConstantOfShape with the node named `name` (for names that are hostile too). */
export function hostileConstantOfShape(name: string): Uint8Array {
  return oneNode({ op: 'ConstantOfShape', inputs: [hugeVector('shape')], name });
}

/**
 * Hostile values that need no limit because nothing proportional to them is built: a Tile of
 * known repeats 2³¹−1, a Split into pieces of 2³¹−1, a ConstantOfShape of known shape [2³¹−1].
 * They must analyse as before (figures for a tensor of 2³¹−1 elements).
 */
export const HUGE_BUT_CHEAP_MODELS: readonly { readonly op: string; readonly bytes: Uint8Array }[] = [
  {
    op: 'ConstantOfShape',
    bytes: oneNode({
      op: 'ConstantOfShape',
      inputs: [],
      initializers: [tensorFromInt64('shape', [1], [HUGE])],
    }),
  },
  {
    op: 'Tile',
    bytes: oneNode({
      op: 'Tile',
      inputs: [floats('x', [1, 1])],
      initializers: [tensorFromInt64('repeats', [2], [HUGE, HUGE])],
    }),
  },
  {
    op: 'Split',
    bytes: oneNode({
      op: 'Split',
      inputs: [floats('x', [HUGE + 1])],
      initializers: [tensorFromInt64('split', [2], [HUGE, 1])],
      opset: 18,
      outputs: 2,
    }),
  },
  {
    op: 'Reshape',
    bytes: oneNode({
      op: 'Reshape',
      inputs: [floats('x', [HUGE, 2])],
      initializers: [tensorFromInt64('shape', [3], [HUGE, 1, 2])],
    }),
  },
];
