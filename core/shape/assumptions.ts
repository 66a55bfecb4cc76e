/**
 * What an analysis had to assume because the caller did not say: input dimensions left unbound
 * (counted as 1 by the cost rules) and `If` nodes whose condition depends on data (costed on
 * their larger branch). Every figure built on them is approximate; these name why.
 */
import type { Graph, Shape } from '../graph/types.js';
import { ifBranchTaken } from '../costs/control-flow.js';
import type { CostScope, ValueMap } from '../costs/scope.js';
import { plainName } from '../text/quote-name.js';

/** The size the cost rules count an unbound dimension as (see CostContext.dim). */
export const ASSUMED_DIM_SIZE = 1;

export interface UnboundDim {
  readonly input: string;
  readonly axis: number;
  /** The dimension's symbol (`batch`), or null when the file leaves it unnamed. */
  readonly symbol: string | null;
  readonly assumed: number;
}

export interface AnalysisAssumptions {
  /** True when any figure rests on an assumption below. */
  readonly approximate: boolean;
  readonly unboundDims: readonly UnboundDim[];
  /** If nodes (by name) whose condition is unknown: costed on their larger branch. */
  readonly undecidedBranches: readonly string[];
}

/** The assumptions behind an analysis of `graph` with inputs bound to `inputShapes`. */
export function analysisAssumptions(
  graph: Graph,
  inputShapes: ReadonlyMap<string, Shape | null>,
  values: ValueMap,
): AnalysisAssumptions {
  const unboundDims: UnboundDim[] = [];
  for (const input of graph.inputs) {
    const shape = inputShapes.get(input) ?? null;
    shape?.forEach((d, axis) => {
      if (typeof d !== 'number') unboundDims.push({ input, axis, symbol: d, assumed: ASSUMED_DIM_SIZE });
    });
  }
  const undecidedBranches: string[] = [];
  const walk = (scope: CostScope): void => {
    for (const node of scope.graph.nodes) {
      if (node.opType === 'If' && ifBranchTaken(scope, node, values) === undefined)
        undecidedBranches.push(node.name);
      for (const sub of node.subgraphs.values()) walk({ graph: sub, parent: scope });
    }
  };
  walk({ graph });
  return {
    approximate: unboundDims.length > 0 || undecidedBranches.length > 0,
    unboundDims,
    undecidedBranches,
  };
}

/**
 * One line for the CLI naming the assumptions and how to lift them, e.g. "batch and seq_len were
 * unbound: assumed 1; bind them with --input input_ids=1x128"; '' when there are none.
 */
export function assumptionsLine(
  assumptions: AnalysisAssumptions,
  inputShapes: ReadonlyMap<string, Shape | null>,
): string {
  const parts: string[] = [];
  const dims = assumptions.unboundDims;
  if (dims.length > 0) {
    const names = [
      ...new Set(dims.map((d) => (d.symbol ? plainName(d.symbol) : `${plainName(d.input)}[${d.axis}]`))),
    ];
    const inputs = [...new Set(dims.map((d) => d.input))];
    const example = inputs
      .map((input) => {
        const shape = inputShapes.get(input) ?? [];
        return `--input ${plainName(input)}=${shape.map((d) => (typeof d === 'number' ? d : ASSUMED_DIM_SIZE)).join('x') || 'scalar'}`;
      })
      .join(' ');
    const verb = names.length === 1 ? 'was' : 'were';
    const them = names.length === 1 ? 'it' : 'them';
    parts.push(
      `${joinNames(names)} ${verb} unbound: assumed ${ASSUMED_DIM_SIZE}; bind ${them} with ${example}`,
    );
  }
  const ifs = assumptions.undecidedBranches;
  if (ifs.length > 0) {
    const shown = ifs.slice(0, 3).map((n) => plainName(n || 'unnamed If'));
    const more = ifs.length > 3 ? ` and ${ifs.length - 3} more` : '';
    parts.push(
      `the condition of ${joinNames(shown)}${more} depends on data: costed on the larger branch; give the inputs it depends on with --input-value NAME=V`,
    );
  }
  return parts.join('; ');
}

function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]!}`;
}
