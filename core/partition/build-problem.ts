/**
 * From an analysed model and a topology to the partition problem: the layers of the layer view
 * are the units (plumbing travels with the layer it feeds, see source.ts), their compute on every
 * tier comes from the roofline predictor, and every layer edge's transfer over every hop from the
 * link model.
 */
import type { Analysis } from '../analyze.js';
import type { NodeIndex } from '../graph/types.js';
import type { Topology } from '../profiles/types.js';
import type { Placement } from './placement.js';
import type { PartitionProblem } from './problem.js';
import { problemFromSource } from './problem-from-source.js';
import { partitionSource } from './source.js';

export { problemFromSource } from './problem-from-source.js';

export interface BuiltProblem {
  readonly problem: PartitionProblem;
  /** Layer node of each unit. */
  readonly unitNodes: readonly NodeIndex[];
}

/**
 * The problem of an analysed model on a topology: `problemFromSource(partitionSource(analysis))`.
 */
export function buildPartitionProblem(analysis: Analysis, topology: Topology): BuiltProblem {
  const { source, unitNodes } = partitionSource(analysis);
  return { problem: problemFromSource(source, topology), unitNodes };
}

/**
 * Node name → tier name for every node of the main graph: a layer's hidden plumbing runs where the
 * layer runs; plumbing that feeds no layer runs on the device.
 */
export function nodePlacement(
  analysis: Analysis,
  built: BuiltProblem,
  placement: Placement,
): Record<string, string> {
  const tierOfLayer = new Map<NodeIndex, number>();
  built.unitNodes.forEach((node, u) => tierOfLayer.set(node, placement[u]!));
  const names = built.problem.tiers;
  const result: Record<string, string> = {};
  for (const node of analysis.graph.nodes) {
    const owner = analysis.layers.owner.get(node.index);
    const tier = owner === undefined ? 0 : (tierOfLayer.get(owner) ?? 0);
    result[node.name] = names[tier]!;
  }
  return result;
}
