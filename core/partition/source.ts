/**
 * What a partition problem needs from an analysed model, as plain JSON: the layers (units) with
 * the work the roofline predictor costs, and the tensors between them with their bytes. The host
 * computes it once per analysis; the studio's page keeps it and builds the problem for any
 * topology itself (`problemFromSource`), so editing a link's bandwidth or a tier's device re-costs
 * every figure without a trip to the host. The CLI goes through the same two steps, so the studio
 * and `cutline solve` report identical figures.
 */
import type { Analysis } from '../analyze.js';
import type { NodeIndex } from '../graph/types.js';
import { cutCopiesOf, graphFusionAnchors, layerWork, layerWorkAlone } from '../predict/roofline.js';
import type { PartitionSource, SourceTensor, SourceUnit } from './source-types.js';

export type { PartitionSource, SourceTensor, SourceUnit } from './source-types.js';

export interface SourceWithNodes {
  readonly source: PartitionSource;
  /** Layer node of each unit. */
  readonly unitNodes: readonly NodeIndex[];
}

/**
 * The units and tensors of an analysis: the layers of the layer view (plumbing travels with the
 * layer it feeds) and every layer edge that some layer reads or that is a graph output.
 */
export function partitionSource(analysis: Analysis): SourceWithNodes {
  const { layers, edges } = analysis.layers;
  const unitOf = new Map<NodeIndex, number>();
  layers.forEach((layer, u) => unitOf.set(layer.node, u));
  const anchors = graphFusionAnchors(analysis.graph);
  const units = layers.map((layer): SourceUnit => {
    const anchorUnit = anchors[layer.node] === layer.node ? undefined : unitOf.get(anchors[layer.node]!);
    return {
      name: layer.name,
      work: layerWork(analysis, layer),
      weightBytes: layer.paramBytes,
      ...(anchorUnit !== undefined ? { fusedInto: anchorUnit, alone: layerWorkAlone(analysis, layer) } : {}),
      ...(layer.dataDependent
        ? {
            dataDependent: layer.dataDependent.reason,
            // What a profiler's per-node times of the layer sum to (measured-units.ts).
            nodes: [layer.node, ...layer.hidden].map((index) => analysis.graph.nodes[index]!.name),
          }
        : {}),
    };
  });
  const tensors: SourceTensor[] = [];
  for (const edge of edges) {
    const producer = edge.from === null ? -1 : (unitOf.get(edge.from) ?? -1);
    const consumers = [
      ...new Set(edge.to.map((node) => unitOf.get(node)).filter((u) => u !== undefined)),
    ].sort((a, b) => a - b);
    if (consumers.length === 0 && !edge.isGraphOutput) continue;
    tensors.push({
      name: edge.tensor,
      bytes: edge.bytes,
      producer,
      consumers,
      isOutput: edge.isGraphOutput,
      shapeOnly: edge.kind === 'shape',
      ...layoutCopiesOf(cutCopiesOf(analysis, edge.tensor)),
    });
  }
  return { source: { units, tensors }, unitNodes: layers.map((l) => l.node) };
}

/** A tensor's cut copies as the source carries them: only blocks where a cut adds one. */
function layoutCopiesOf(copies: ReturnType<typeof cutCopiesOf>): Pick<SourceTensor, 'layoutCopies'> {
  if (!copies) return {};
  const kept = Object.fromEntries(Object.entries(copies).filter(([, c]) => c.out || c.in));
  return Object.keys(kept).length > 0 ? { layoutCopies: kept } : {};
}
