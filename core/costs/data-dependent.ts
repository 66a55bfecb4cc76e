/**
 * Nodes whose cost cannot be known before the model runs: operators whose output size depends on
 * the values they read (NonMaxSuppression, NonZero, Unique, Compress, TopK with a computed k,
 * a Loop that decides at run time when to stop), and every node sized by what they produce. Shape
 * inference gives such outputs a fresh symbol (`selected_boxes_3`) that the rules count as 1, so
 * their static cost is a lower bound; the figures built on them must say so rather than promise
 * a small number (issue 15: an SSD's NonMaxSuppression and what follows was predicted at
 * 1.45 ms and took 106 ms).
 */
import type { Graph, GraphNode, NodeIndex, Shape } from '../graph/types.js';
import { DataType } from '../onnx/dtype.js';
import { quoteName } from '../text/quote-name.js';
import { knownValues, producerNode, tensorFacts, type CostScope, type ValueMap } from './scope.js';

/** Why a node's cost depends on the data it is given. */
export interface DataDependence {
  /** One sentence: the operator that decides the size at run time, and how this node relates to it. */
  readonly reason: string;
  /** The data-dependent operator it comes from: its node name and operator. */
  readonly sourceNode: string;
  readonly sourceOp: string;
}

/** Integer and boolean tensors can carry a size (a count, indices, a condition) to a later node. */
const SIZE_CARRYING = new Set<number>([
  DataType.INT64,
  DataType.INT32,
  DataType.INT16,
  DataType.INT8,
  DataType.UINT64,
  DataType.UINT32,
  DataType.UINT16,
  DataType.UINT8,
  DataType.BOOL,
]);

const SYMBOL = /[A-Za-z_][\w.]*/g;

/** The symbol names a shape mentions (`floor(selected_boxes_3/2)` mentions `selected_boxes_3`). */
function symbolsOf(shape: Shape | null): string[] {
  if (!shape) return [];
  return shape.flatMap((d) =>
    typeof d === 'string'
      ? [...d.matchAll(SYMBOL)].map((m) => m[0]).filter((s) => s !== 'floor' && s !== 'ceil')
      : [],
  );
}

const isStatic = (shape: Shape | null): boolean =>
  shape !== null && shape.every((d) => typeof d === 'number');

/**
 * Whether a Loop runs exactly its trip count M: M is known, the condition it starts with is
 * absent or known true, and the body hands its condition on unchanged (or as a known true), so
 * it cannot stop early. (control-flow.ts costs the body with the same reading.)
 */
function loopRunsToItsCount(scope: CostScope, node: GraphNode, values: ValueMap): boolean {
  const body = node.subgraphs.get('body');
  const [trips, cond] = node.inputs;
  const fixedTrips = trips && (knownValues(scope, values, trips) ?? values.get(trips)?.symbolicValue);
  if (!body || !fixedTrips) return false;
  if (cond && !knownValues(scope, values, cond)?.[0]) return false;
  const inner: CostScope = { graph: body, parent: scope };
  const condIn = body.inputs[1];
  const condOut = body.outputs[0];
  if (condOut === undefined) return false;
  const producer = producerNode(inner, condOut);
  return (
    condOut === condIn ||
    (producer?.opType === 'Identity' && producer.inputs[0] === condIn) ||
    knownValues(inner, values, condOut)?.[0] === 1
  );
}

/** The sentence saying why `node` itself decides a size at run time, or undefined when it does not. */
function ownReason(scope: CostScope, node: GraphNode, values: ValueMap): string | undefined {
  if (node.domain !== '' && node.domain !== 'ai.onnx') return undefined;
  const known = (slot: number): boolean => {
    const name = node.inputs[slot];
    // A value read from shapes (`Shape → Gather`, symbols included) is fixed by the input's shape, not its data.
    return (
      name !== undefined &&
      name !== '' &&
      (knownValues(scope, values, name) !== undefined || values.get(name)?.symbolicValue !== undefined)
    );
  };
  switch (node.opType) {
    case 'NonMaxSuppression':
      return 'NonMaxSuppression keeps as many boxes as the scores let through, known only at run time';
    case 'NonZero':
      return known(0)
        ? undefined
        : 'NonZero returns one entry per non-zero input element, known only at run time';
    case 'Unique':
      return known(0) ? undefined : 'Unique returns one entry per distinct value, known only at run time';
    case 'Compress':
      return known(1) ? undefined : 'Compress keeps the slices its condition selects, known only at run time';
    case 'TopK':
      return node.attributes.has('k') || known(1) ? undefined : 'TopK takes a k computed at run time';
    case 'ImageDecoder':
      return 'ImageDecoder returns an image whose size is read from the encoded bytes';
    case 'Loop':
      return loopRunsToItsCount(scope, node, values)
        ? undefined
        : 'Loop runs until a condition computed at run time stops it';
    default:
      return undefined;
  }
}

/** A data-dependent operator anywhere in the sub-graphs of `node`, with its own reason. */
function nestedSource(
  scope: CostScope,
  node: GraphNode,
  values: ValueMap,
): { node: GraphNode; reason: string } | undefined {
  for (const body of node.subgraphs.values()) {
    const inner: CostScope = { graph: body, parent: scope };
    for (const n of body.nodes) {
      const reason = ownReason(inner, n, values);
      if (reason) return { node: n, reason };
      const deeper = nestedSource(inner, n, values);
      if (deeper) return deeper;
    }
  }
  return undefined;
}

/**
 * The data-dependent nodes of `graph`'s main graph (indexed by NodeIndex), found in one pass in
 * topological order:
 *
 * - a source decides a size from values: NonMaxSuppression; NonZero, Unique, Compress whose
 *   deciding input is not known while analysing; TopK whose k is neither an attribute nor a known
 *   value; a Loop that may stop before its trip count (`loopRunsToItsCount`); ImageDecoder; a node whose
 *   sub-graphs hold one of these;
 * - a follower reads a tensor whose shape mentions a symbol a source created, or reads a
 *   size-carrying tensor (integer or boolean) derived from one and has an output whose shape is
 *   not fully known (Shape → Gather → Range or Reshape sized by the number of boxes).
 *
 * A node whose input and output shapes are all fixed numbers costs the same whatever the data,
 * so it is never a follower, even when it reads a source's values (a Gather with a fixed number
 * of indices, a sum over the kept boxes to a fixed size is a follower only for its input).
 */
export function findDataDependence(graph: Graph, values: ValueMap): ReadonlyMap<NodeIndex, DataDependence> {
  const scope: CostScope = { graph };
  const found = new Map<NodeIndex, DataDependence>();
  // Both map to the source's own dependence, so every follower names the operator at the root.
  const taintedSymbols = new Map<string, DataDependence>();
  const tainted = new Map<string, DataDependence>();
  const shapeOf = (name: string): Shape | null => tensorFacts(scope, values, name).shape;
  const sizeCarrying = (name: string): boolean => SIZE_CARRYING.has(tensorFacts(scope, values, name).dtype);

  for (const index of graph.order) {
    const node = graph.nodes[index];
    if (!node) continue;
    const inputs = [...node.inputs, ...node.implicitInputs].filter((n) => n !== '');
    const outputs = node.outputs.filter((n) => n !== '');

    let dependence: DataDependence | undefined;
    let root: DataDependence | undefined;
    const own = ownReason(scope, node, values);
    const nested = own ? undefined : nestedSource(scope, node, values);
    if (own) dependence = { reason: own, sourceNode: node.name, sourceOp: node.opType };
    else if (nested) {
      dependence = {
        reason: `${node.opType} ${quoteName(node.name)} runs ${nested.node.opType} ${quoteName(nested.node.name)}: ${nested.reason}`,
        sourceNode: nested.node.name,
        sourceOp: nested.node.opType,
      };
    }
    if (dependence) root = dependence;
    // Nothing tainted yet (most models, and every node before a source): nothing to follow, so
    // no shapes are read; this loop runs on every node of every analysis.
    else if (tainted.size > 0 || taintedSymbols.size > 0) {
      const carried = inputs.map((n) => tainted.get(n)).find((d) => d !== undefined);
      const bySymbol = [...inputs, ...outputs]
        .flatMap((n) => symbolsOf(shapeOf(n)))
        .map((s) => taintedSymbols.get(s))
        .find((d) => d !== undefined);
      const unfixedOutput = outputs.some((o) => !isStatic(shapeOf(o)));
      root = bySymbol ?? (carried && unfixedOutput ? carried : undefined);
      if (root) {
        dependence = {
          reason: `its size follows what ${root.sourceOp} ${quoteName(root.sourceNode)} returns, known only at run time`,
          sourceNode: root.sourceNode,
          sourceOp: root.sourceOp,
        };
      } else if (carried) {
        // A fixed-size integer result of a source's values (a count, indices) may size a later node.
        for (const o of outputs) if (sizeCarrying(o)) tainted.set(o, carried);
      }
    }
    if (!dependence || !root) continue;
    found.set(index, dependence);
    const inputSymbols = new Set(inputs.flatMap((n) => symbolsOf(shapeOf(n))));
    for (const o of outputs) {
      const shape = shapeOf(o);
      // The sizes this node invents (not those it was given, such as an unbound `batch`).
      for (const s of symbolsOf(shape))
        if (!inputSymbols.has(s) && !taintedSymbols.has(s)) taintedSymbols.set(s, root);
      if (!isStatic(shape) || sizeCarrying(o)) tainted.set(o, root);
    }
  }
  return found;
}
