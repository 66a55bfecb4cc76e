/**
 * What each job kind does in a session worker: one table of kind → handler, so a new kind
 * is one entry here plus its types in studio-api.ts's JobKinds. Handlers run synchronously against the session's analysis, report progress through
 * the context (which is also where a cancelled job stops) and return the kind's result. A
 * handler that changes the session (re-analysis) stages its new analysis with `replaceAnalysis`:
 * the worker commits it only when the job was not cancelled by then.
 */
import type { Analysis } from '../../../core/analyze.js';
import { isCutlineError } from '../../../core/errors.js';
import { problemFromSource } from '../../../core/partition/build-problem.js';
import { parseConstraints, parseObjective, parseSolvers } from '../../../core/partition/constraint-text.js';
import { rankCutPoints } from '../../../core/partition/cut-points.js';
import { paretoFront } from '../../../core/partition/pareto.js';
import { placementOfRecord, type Placement } from '../../../core/partition/placement.js';
import type { Plan } from '../../../core/partition/plan.js';
import type { PartitionProblem } from '../../../core/partition/problem.js';
import { problemToJson } from '../../../core/partition/problem-json.js';
import { defaultSolvers, runSolver } from '../../../core/partition/solve.js';
import { partitionSource } from '../../../core/partition/source.js';
import type { SourceMeasurements } from '../../../core/partition/source-types.js';
import { sweepBandwidth } from '../../../core/partition/sweep.js';
import type { Topology } from '../../../core/profiles/types.js';
import type { TierName } from '../../../core/tiers.js';
import { buildModelView } from '../../../core/view/build.js';
import type { JobKind, JobKinds, SolveResult, Suggestion } from '../../shared/studio-api.js';
import { STAGE_START } from './protocol.js';
import { analyzeInStages, inputShapesOf } from './staged-analysis.js';

export interface JobContext {
  /** The session's current analysis. */
  readonly analysis: Analysis;
  /** Reports progress (0 … 1); throws JobCancelled when the host cancelled the job. */
  progress(fraction: number, message: string): void;
  log(line: string): void;
  /** The session holds `analysis` once the job ends without being cancelled. */
  replaceAnalysis(analysis: Analysis): void;
}

export type JobHandler<K extends JobKind> = (
  args: JobKinds[K]['args'],
  context: JobContext,
) => JobKinds[K]['result'];

export const JOB_HANDLERS: { readonly [K in JobKind]: JobHandler<K> } = {
  analyse(args, context) {
    const inputShapes = inputShapesOf(args.inputs);
    context.progress(0, 'Re-analysing with the bound inputs');
    const analysis = analyzeInStages(
      context.analysis.model,
      (stage, message) => context.progress(STAGE_START[stage], message),
      inputShapes,
      args.inputValues ?? {},
    );
    context.progress(STAGE_START.view, 'Preparing the view');
    const view = buildModelView(analysis);
    const { source } = partitionSource(analysis);
    context.log(`Analysed ${view.summary.layerCount} layers with ${describeInputs(args.inputs)}`);
    context.replaceAnalysis(analysis);
    return { view, partition: source, inputs: { ...args.inputs }, inputValues: { ...args.inputValues } };
  },

  problem(args, context) {
    context.progress(0, `Costing every layer on ${args.topology.spec.name}`);
    const problem = sessionProblem(context.analysis, args.topology);
    context.progress(0.9, 'Converting the problem to JSON');
    return { problem: problemToJson(problem) };
  },

  // As `cutline solve --json`: the same problem, constraint text, solvers and messages.
  solve(args, context) {
    const objective = parseObjective(args.objective);
    const named = parseSolvers(args.solvers);
    context.progress(0, `Costing every layer on ${args.topology.spec.name}`);
    const problem = sessionProblem(context.analysis, args.topology, args.measured);
    const constraints = parseConstraints(args.constraints, problem);
    const solvers = named.length > 0 ? named : defaultSolvers(problem);
    const steps = solvers.length + (args.pareto ? 1 : 0);
    const plans: Suggestion[] = [];
    const infeasible: { solver: string; message: string }[] = [];
    solvers.forEach((solver, i) => {
      context.progress((0.05 + i) / steps, `Running ${solver}`);
      try {
        plans.push(suggestionOf(args.topology, problem, runSolver(problem, solver, objective, constraints)));
      } catch (error) {
        if (!isCutlineError(error) || error.code !== 'INFEASIBLE') throw error;
        infeasible.push({ solver, message: error.message });
        context.log(`${solver}: infeasible — ${error.message}`);
      }
    });
    let pareto: SolveResult['pareto'] = null;
    if (args.pareto) {
      context.progress((0.05 + solvers.length) / steps, 'Tracing the latency × energy front');
      const front = paretoFront(problem, constraints);
      pareto = {
        points: front.points.map((point) => ({
          ...suggestionOf(args.topology, problem, point.plan),
          source: point.source,
        })),
        notes: front.notes,
      };
    }
    context.log(`${plans.length} of ${solvers.length} solvers found a placement`);
    return { plans, infeasible, pareto };
  },

  'cut-points'(args, context) {
    context.progress(0, `Costing every layer on ${args.topology.spec.name}`);
    const problem = sessionProblem(context.analysis, args.topology, args.measured);
    const macs = context.analysis.layers.layers.map((layer) => layer.macs);
    context.progress(0.2, `Ranking ${problem.units.length + 1} cut points`);
    const ranking = rankCutPoints(problem, args.serverTier, macs, args.limit, {
      onProgress: (fraction) => context.progress(0.2 + 0.8 * fraction, 'Evaluating the best cut points'),
    });
    return { serverTier: ranking.serverTier, total: ranking.total, points: ranking.points };
  },

  // As `cutline sweep --json` (core's sweepBandwidth), plus the design's own latency per point.
  sweep(args, context) {
    const { source } = partitionSource(context.analysis);
    const current = recordPlacement(problemFromSource(source, args.topology), args.placement);
    const range = { hop: args.hop, fromMbps: args.fromMbps, toMbps: args.toMbps, steps: args.steps };
    context.progress(0, `Sweeping ${args.steps} bandwidths`);
    const sweep = sweepBandwidth(source, args.topology, range, {
      current,
      onPoint: (done, total) => context.progress(done / total, `${done} of ${total} bandwidths`),
    });
    return {
      link: sweep.link,
      server: sweep.server,
      // Given `current`, every point has its latency.
      points: sweep.points.map((point) => ({ ...point, currentMs: point.currentMs! })),
      changes: sweep.changes,
    };
  },

  // Bundles, the harness and calibration start processes and write files: the host runs them
  // in child processes, never in a session worker.
  export() {
    throw new Error('export runs in the host, not the session worker.');
  },
  harness() {
    throw new Error('harness runs in the host, not the session worker.');
  },
  profile() {
    throw new Error('profile runs in the host, not the session worker.');
  },
  figures() {
    throw new Error('figures runs in the host, not the session worker.');
  },
};

/**
 * The session's problem on a topology, as `cutline solve` builds it (`buildPartitionProblem`);
 * with the page's measurements, its data-dependent layers costed from them (as `--measured`).
 */
function sessionProblem(
  analysis: Analysis,
  topology: Topology,
  measured?: SourceMeasurements,
): PartitionProblem {
  const { source } = partitionSource(analysis);
  return problemFromSource(measured ? { ...source, measured } : source, topology);
}

function recordPlacement(problem: PartitionProblem, record: Readonly<Record<string, TierName>>): Placement {
  const unitOf = new Map<string, number>();
  problem.units.forEach((unit, u) => unitOf.set(unit.name, u));
  return placementOfRecord(problem, unitOf, record);
}

/** A plan in the design's form: layer id → tier for the layers off the device. */
function suggestionOf(topology: Topology, problem: PartitionProblem, plan: Plan): Suggestion {
  const placement: Record<string, TierName> = {};
  problem.units.forEach((unit, u) => {
    const tier = plan.placement[u]!;
    if (tier !== 0) placement[unit.name] = topology.tiers[tier]!.name;
  });
  return { source: plan.solver, exact: plan.exact, notes: [...plan.notes], placement };
}

function describeInputs(inputs: Readonly<Record<string, string>>): string {
  const bound = Object.entries(inputs).map(([name, dims]) => `${name}=${dims}`);
  return bound.length === 0 ? 'no input bindings' : bound.join(', ');
}
