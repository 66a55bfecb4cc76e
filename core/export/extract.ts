/**
 * One ONNX model per segment of a split: the segment's nodes, the tensors crossing its cuts as
 * graph inputs and outputs, and only the weights its nodes read.
 */
import type { Analysis } from '../analyze.js';
import { CutlineError } from '../errors.js';
import type { Shape } from '../graph/types.js';
import { graph as graphProto, model as modelProto } from '../onnx/builder.js';
import { encodeModelProto, type GraphProto, type ValueInfoProto, type onnx } from '../onnx/codec.js';
import { inlineExternalTensors } from '../onnx/external-data.js';
import { withOutputCopies } from './output-copies.js';
import type { Segment, SegmentTensor } from './segments.js';

/** Metadata key naming the segment a sub-model holds. */
export const SEGMENT_METADATA_KEY = 'cutline.segment';

/** Operators whose output is a sequence or optional, which cannot cross a cut as a tensor. */
const NON_TENSOR_PRODUCERS = /^(Sequence(Construct|Empty|Insert|Erase|Map)|SplitToSequence|Optional)$/;

/**
 * The segment as a standalone model (see `segmentModelProto`), encoded with the project's writer.
 *
 * @throws CutlineError EXPORT_FAILED when a tensor crossing the segment's boundary has no known
 *   element type or is not a tensor.
 */
export function extractSubModel(analysis: Analysis, segment: Segment): Uint8Array {
  // External weights are written inline: a segment model must not point at the source's data file.
  return encodeModelProto(inlineExternalTensors(segmentModelProto(analysis, segment)));
}

/**
 * The ModelProto of one segment. Nodes, weights and sub-graphs are the original model's objects,
 * not copies (but for the nodes `withOutputCopies` renames an output of): the weights' bytes stay
 * views into the file until the model is encoded. Graph inputs
 * and outputs that are the model's own keep their declarations; cut tensors are declared from shape
 * inference (symbolic dims as `dim_param`). Opset imports, IR version, producer, local functions
 * and metadata are kept, and `cutline.segment` names the segment.
 */
export function segmentModelProto(analysis: Analysis, segment: Segment): onnx.ModelProto.$Properties {
  const source = analysis.model.proto;
  const main = source.graph!;
  const nodes = segment.nodes.map((n) => main.node![n]!);
  const read = new Set<string>();
  for (const n of segment.nodes) {
    const node = analysis.graph.nodes[n]!;
    for (const name of [...node.inputs, ...node.implicitInputs]) if (name) read.add(name);
  }
  const made = new Set(segment.nodes.flatMap((n) => analysis.graph.nodes[n]!.outputs));
  const boundary = new Set([...segment.inputs, ...segment.outputs].map((t) => t.name));
  const declaredInputs = new Map((main.input ?? []).map((info) => [info.name ?? '', info]));

  const inputs = segment.inputs.map(
    (t) => declaredInputs.get(t.name) ?? cutValueInfo(analysis, segment, t, 'input'),
  );
  // Older models (IR < 4) must list every weight among the inputs too; keep any such listing.
  const initializers = (main.initializer ?? []).filter((t) => read.has(t.name ?? ''));
  for (const t of initializers) {
    const listed = declaredInputs.get(t.name ?? '');
    if (listed) inputs.push(listed);
  }
  const declaredOutputs = new Map((main.output ?? []).map((info) => [info.name ?? '', info]));
  const outputs = segment.outputs.map(
    (t) => declaredOutputs.get(t.name) ?? cutValueInfo(analysis, segment, t, 'output'),
  );

  const graph: GraphProto = graphProto({
    name: `${main.name || 'main'}-${segment.id}`,
    nodes: withOutputCopies(
      analysis.graph,
      segment.nodes,
      nodes,
      segment.outputs.map((t) => t.name),
    ),
    inputs,
    outputs,
    initializers,
    valueInfo: (main.valueInfo ?? []).filter((v) => made.has(v.name ?? '') && !boundary.has(v.name ?? '')),
  });
  const sparse = (main.sparseInitializer ?? []).filter((s) => read.has(s.values?.name ?? ''));
  if (sparse.length > 0) graph.sparseInitializer = sparse;

  const metadata: Record<string, string> = {};
  for (const { key, value } of source.metadataProps ?? []) if (key) metadata[key] = value ?? '';
  metadata[SEGMENT_METADATA_KEY] = segment.id;
  const proto = modelProto({
    graph,
    opset: source.opsetImport.map((o) => ({ domain: o.domain ?? '', version: Number(o.version ?? 0) })),
    irVersion: Number(source.irVersion),
    ...(source.producerName ? { producerName: source.producerName } : {}),
    ...(source.producerVersion ? { producerVersion: source.producerVersion } : {}),
    ...(source.domain ? { domain: source.domain } : {}),
    ...(source.modelVersion ? { modelVersion: Number(source.modelVersion) } : {}),
    ...(source.docString ? { docString: source.docString } : {}),
    metadata,
  });
  if (source.functions.length > 0) proto.functions = source.functions;
  return proto;
}

function cutValueInfo(
  analysis: Analysis,
  segment: Segment,
  tensor: SegmentTensor,
  role: 'input' | 'output',
): ValueInfoProto {
  const producer = analysis.graph.tensors.get(tensor.name)?.producer ?? -1;
  const op = producer >= 0 ? analysis.graph.nodes[producer]!.opType : '';
  if (NON_TENSOR_PRODUCERS.test(op)) {
    throw new CutlineError(
      'EXPORT_FAILED',
      `Segment ${segment.id}: ${role} "${tensor.name}" is a sequence or optional made by ${op}, which cannot be sent between tiers. Place ${op} on the same tier as the nodes that read its result.`,
    );
  }
  if (!tensor.dtype) {
    throw new CutlineError(
      'EXPORT_FAILED',
      `Segment ${segment.id}: the element type of ${role} "${tensor.name}" is unknown, so it cannot be declared. Place its producer and its readers on the same tier, or add value_info for it to the model.`,
    );
  }
  return tensorValueInfo(tensor.name, tensor.dtype, tensor.shape);
}

/** A tensor ValueInfoProto; unknown dims are left empty, unknown rank leaves the shape out. */
function tensorValueInfo(name: string, dtype: number, shape: Shape | null): ValueInfoProto {
  const tensorType: onnx.TypeProto.Tensor.$Properties = { elemType: dtype };
  if (shape) {
    tensorType.shape = {
      dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : d === null ? {} : { dimParam: d })),
    };
  }
  return { name, type: { tensorType } };
}
