/**
 * Builds Cutline's graph model from a GraphProto in time linear in its size (plus a log factor
 * only when the file's node order is not already topological).
 */
import { CutlineError } from '../errors.js';
import { quoteName } from '../text/quote-name.js';
import type { AttributeProto, GraphProto, TensorProto, TypeProto, ValueInfoProto } from '../onnx/codec.js';
import { attributeGraphs } from '../onnx/attributes.js';
import type { Dim, Graph, GraphNode, NodeIndex, Shape, TensorKind } from './types.js';
import { topologicalOrder } from './order.js';
import { AttributeMap } from './attribute-map.js';

interface MutableTensor {
  name: string;
  kind: TensorKind;
  dtype: number;
  shape: Shape | null;
  producer: NodeIndex;
  consumers: NodeIndex[];
  isGraphOutput: boolean;
  initializer?: TensorProto;
}

/**
 * Converts a TypeProto's tensor shape; unset or empty dims become unknown (`null`). Sequences
 * and optionals are described by their element type, as shape inference describes them.
 */
export function shapeFromType(type: TypeProto | null | undefined): { dtype: number; shape: Shape | null } {
  const element = type?.sequenceType?.elemType ?? type?.optionalType?.elemType;
  if (element) return shapeFromType(element);
  const tensor = type?.tensorType ?? type?.sparseTensorType;
  if (!tensor) return { dtype: 0, shape: null };
  const dtype = tensor.elemType ?? 0;
  if (!tensor.shape) return { dtype, shape: null };
  const shape: Dim[] = (tensor.shape.dim ?? []).map((d) => {
    if (d.dimValue !== null && d.dimValue !== undefined && d.dimValue >= 0) return Number(d.dimValue);
    if (d.dimParam) return d.dimParam;
    return null;
  });
  return { dtype, shape };
}

/**
 * @param outerScope names visible from enclosing graphs (for sub-graphs of If/Loop/Scan).
 */
export function buildGraph(proto: GraphProto, depth = 0, outerScope: ReadonlySet<string> = new Set()): Graph {
  const graphName = proto.name || (depth === 0 ? 'main' : 'subgraph');
  const tensors = new Map<string, MutableTensor>();
  const ensure = (name: string, kind: TensorKind): MutableTensor => {
    let t = tensors.get(name);
    if (!t) {
      t = { name, kind, dtype: 0, shape: null, producer: -1, consumers: [], isGraphOutput: false };
      tensors.set(name, t);
    }
    return t;
  };
  const declare = (info: ValueInfoProto): void => {
    const t = tensors.get(info.name ?? '');
    if (!t) return;
    const { dtype, shape } = shapeFromType(info.type);
    if (dtype) t.dtype = dtype;
    if (shape) t.shape = shape;
  };

  for (const init of proto.initializer ?? []) {
    const t = ensure(init.name ?? '', 'initializer');
    t.dtype = init.dataType ?? 0;
    t.shape = (init.dims ?? []).map(Number);
    t.initializer = init;
  }
  const inputs: string[] = [];
  for (const input of proto.input ?? []) {
    const name = input.name ?? '';
    if (tensors.get(name)?.kind === 'initializer') continue; // IR < 4 lists weights as inputs too
    ensure(name, 'input');
    inputs.push(name);
    declare(input);
  }

  const protoNodes = proto.node ?? [];
  const usedNames = new Set<string>();
  const nodes: GraphNode[] = [];
  for (let index = 0; index < protoNodes.length; index++) {
    const p = protoNodes[index]!;
    const opType = p.opType ?? '';
    let name = p.name ?? '';
    if (!name || usedNames.has(name)) name = uniqueName(`${opType || 'node'}_${index}`, usedNames);
    usedNames.add(name);
    for (const output of p.output ?? []) {
      if (!output) continue;
      const t = ensure(output, 'node-output');
      if (t.producer !== -1 || t.kind !== 'node-output') {
        throw new CutlineError(
          'GRAPH_INVALID',
          `Graph ${quoteName(graphName)}: tensor ${quoteName(output)} is produced twice (by node ${quoteName(name)} and earlier). The model is malformed; export it again.`,
        );
      }
      t.producer = index;
    }
    nodes.push({
      index,
      name,
      opType,
      domain: p.domain === 'ai.onnx' ? '' : (p.domain ?? ''),
      inputs: p.input ?? [],
      outputs: p.output ?? [],
      attributes: p.attribute?.length ? new AttributeMap(p.attribute) : NO_ATTRIBUTES,
      subgraphs: NO_SUBGRAPHS,
      implicitInputs: [],
    });
  }
  for (const info of proto.valueInfo ?? []) declare(info);

  // Sub-graphs see every name of this scope and of the enclosing ones.
  const scope = new Set<string>(outerScope);
  for (const name of tensors.keys()) scope.add(name);
  for (let index = 0; index < nodes.length; index++) {
    const node = nodes[index]!;
    const implicit = new Set<string>();
    const subgraphs = new Map<string, Graph>();
    for (const attr of protoNodes[index]!.attribute ?? []) {
      const graphs = attributeGraphs(attr);
      graphs.forEach((g, k) => {
        const sub = buildGraph(g, depth + 1, scope);
        subgraphs.set(graphs.length > 1 ? `${attr.name}[${k}]` : (attr.name ?? ''), sub);
        for (const t of sub.tensors.values()) if (t.kind === 'outer-scope') implicit.add(t.name);
      });
    }
    if (subgraphs.size > 0) nodes[index] = { ...node, subgraphs, implicitInputs: [...implicit] };
  }

  for (const node of nodes) {
    for (const input of [...node.inputs, ...node.implicitInputs]) {
      if (!input) continue;
      let t = tensors.get(input);
      if (!t) {
        if (!outerScope.has(input)) {
          throw new CutlineError(
            'GRAPH_INVALID',
            `Graph ${quoteName(graphName)}: node ${quoteName(node.name)} (${quoteName(node.opType)}) reads tensor ${quoteName(input)}, which is neither a graph input, a weight, nor produced by any node. The model is malformed; export it again.`,
          );
        }
        t = ensure(input, 'outer-scope');
      }
      if (t.consumers[t.consumers.length - 1] !== node.index) t.consumers.push(node.index);
    }
  }
  const outputs: string[] = [];
  for (const output of proto.output ?? []) {
    const name = output.name ?? '';
    const t = tensors.get(name) ?? (outerScope.has(name) ? ensure(name, 'outer-scope') : undefined);
    if (!t) {
      throw new CutlineError(
        'GRAPH_INVALID',
        `Graph ${quoteName(graphName)}: output ${quoteName(name)} is produced by no node. The model is malformed; export it again.`,
      );
    }
    t.isGraphOutput = true;
    outputs.push(name);
    declare(output);
  }

  const order = topologicalOrder(nodes, tensors, graphName);
  return { name: graphName, nodes, tensors, inputs, outputs, order, depth };
}

// Most nodes have no sub-graphs and many no attributes: they share one empty map each.
const NO_ATTRIBUTES: ReadonlyMap<string, AttributeProto> = new Map();
const NO_SUBGRAPHS: ReadonlyMap<string, Graph> = new Map();

function uniqueName(base: string, used: ReadonlySet<string>): string {
  let name = base;
  for (let k = 1; used.has(name); k++) name = `${base}_${k}`;
  return name;
}
