/** Loads what `solve`, `sweep` and `export` share: the analysed model, the topology and the problem. */
import { analyzeFile, type Analysis } from '../../core/analyze.js';
import type { Shape } from '../../core/graph/types.js';
import { buildPartitionProblem, type BuiltProblem } from '../../core/partition/build-problem.js';
import { loadTopology } from '../../core/profiles/load.js';
import type { Topology } from '../../core/profiles/types.js';
import { parseInputBinding } from '../../core/shape/bindings.js';

export interface PartitionContext {
  readonly analysis: Analysis;
  readonly topology: Topology;
  readonly built: BuiltProblem;
}

export function loadPartitionContext(
  modelPath: string,
  topologyRef: string,
  inputs: readonly string[],
): PartitionContext {
  // The topology first: a typo there should not wait for a large model to be analysed.
  const topology = loadTopology(topologyRef);
  const inputShapes: Record<string, Shape> = {};
  for (const text of inputs) {
    const { name, shape } = parseInputBinding(text);
    inputShapes[name] = shape;
  }
  const analysis = analyzeFile(modelPath, { inputShapes });
  return { analysis, topology, built: buildPartitionProblem(analysis, topology) };
}

export function describeTopology(topology: Topology): string {
  return topology.tiers
    .map((tier, t) => {
      const hop = t > 0 ? ` —[${topology.hops[t - 1]!.name}]— ` : '';
      return `${hop}${tier.name}: ${tier.device.name} (${tier.precision})`;
    })
    .join('');
}
