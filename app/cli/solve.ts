/**
 * `cutline solve MODEL --topology FILE [--objective …] [--constraint …]… [--solver …]… [--pareto] [--json]`,
 * or `cutline solve --project FILE [...]`: the project's model, topology, bindings, objective,
 * constraints and pins, and its own placement reported as a plan next to the solvers'.
 */
import { isCutlineError } from '../../core/errors.js';
import { nodePlacement } from '../../core/partition/build-problem.js';
import { describeObjective, type Objective } from '../../core/partition/objective.js';
import { paretoFront, type ParetoFront } from '../../core/partition/pareto.js';
import type { Plan, SolverName } from '../../core/partition/plan.js';
import { defaultSolvers, runSolver } from '../../core/partition/solve.js';
import { CutlineError } from '../../core/errors.js';
import { LINE_LIMIT, oneLine, plainName } from '../../core/text/quote-name.js';
import { formatBytes } from '../shared/format.js';
import {
  cutPointsJson,
  cutPointsPerServer,
  cutPointsText,
  DEFAULT_CUT_POINT_ROWS,
} from './cut-points-table.js';
import { renderTable } from './format.js';
import { writeJsonLine } from './json-output.js';
import { parseConstraints, parseSolvers } from './partition-args.js';
import {
  commandObjective,
  describeTopology,
  loadCommandContext,
  projectPlan,
  projectConstraints,
  projectWarnings,
  type PartitionContext,
  assumptionsNote,
} from './partition-context.js';
import {
  dataDependentNote,
  dataDependentPerTier,
  measuredPerTier,
  predictedMsText,
} from '../../core/costs/data-dependent-figures.js';

export interface SolveCliOptions {
  /** Required without --project; with it, replaces the project's topology. */
  readonly topology?: string;
  /** Default: the project's, else latency. */
  readonly objective?: string;
  /** A project file: its model, topology, bindings, objective, constraints and pins. */
  readonly project?: string;
  readonly constraint: readonly string[];
  readonly solver: readonly string[];
  readonly input: readonly string[];
  /** `--input-value NAME=V[,V…]` (repeatable). */
  readonly inputValue?: readonly string[];
  readonly pareto?: boolean;
  /** Also rank the single cut points onto each server tier: `true` for the default number of rows. */
  readonly cutPoints?: number | true;
  readonly json?: boolean;
  /** `--measured PROFILE.json`: cost data-dependent layers from this machine's measurement table. */
  readonly measured?: string;
}

interface Outcome {
  readonly solver: SolverName;
  readonly plan?: Plan;
  readonly error?: string;
}

export function solveCommand(modelPath: string | undefined, options: SolveCliOptions): number {
  const solvers = parseSolvers(options.solver);
  const { context, project } = loadCommandContext(modelPath, options);
  if (project)
    for (const warning of projectWarnings(project))
      process.stderr.write(`${oneLine(`cutline: ${warning}`, LINE_LIMIT)}\n`);
  const { problem } = context.built;
  const objective = commandObjective(options.objective, project);
  const constraintTexts = projectConstraints(project, options.constraint);
  const constraints = parseConstraints(constraintTexts, problem);
  const designPlan = project ? projectPlan(project, problem, objective) : undefined;
  const outcomes: Outcome[] = (solvers.length ? solvers : defaultSolvers(problem)).map((solver) => {
    try {
      return { solver, plan: runSolver(problem, solver, objective, constraints) };
    } catch (error) {
      if (isCutlineError(error) && error.code === 'INFEASIBLE') return { solver, error: error.message };
      throw error;
    }
  });
  const front = options.pareto ? paretoFront(problem, constraints) : undefined;
  const cutPoints =
    options.cutPoints === undefined
      ? undefined
      : cutPointsPerServer(context, options.cutPoints === true ? DEFAULT_CUT_POINT_ROWS : options.cutPoints);
  if (options.json) {
    const document = solveJson(context, objective, constraintTexts, outcomes, front, designPlan);
    writeJsonLine(cutPoints ? { ...document, cutPoints: cutPointsJson(cutPoints) } : document);
  } else {
    const text = solveText(context, objective, constraintTexts, outcomes, front, designPlan);
    process.stdout.write(`${cutPoints ? `${text}\n\n${cutPointsText(cutPoints)}` : text}\n`);
  }
  if (outcomes.every((o) => !o.plan)) {
    throw new CutlineError('INFEASIBLE', outcomes[0]?.error ?? 'No solver found a placement.');
  }
  return 0;
}

export function planJson(context: PartitionContext, plan: Plan): object {
  const e = plan.evaluation;
  const tiers = context.built.problem.tiers;
  return {
    solver: plan.solver,
    objective: describeObjective(plan.objective),
    exact: plan.exact,
    latencyMs: e.latencyMs,
    throughputPerS: e.throughputPerS,
    deviceEnergyMj: e.deviceEnergyMj,
    linkBytes: e.linkBytes,
    wanBytes: e.wanBytes,
    rawInputLeavesDevice: e.rawInputLeavesDevice,
    deviceLayersBeforeLeaving: e.deviceLayersBeforeLeaving,
    computeMsPerTier: Object.fromEntries(tiers.map((t, i) => [t, e.computeMsPerTier[i]])),
    // Per tier: why its compute (and the latency) is a lower bound (a data-dependent layer), or null.
    dataDependentPerTier: Object.fromEntries(tiers.map((t, i) => [t, tierReasons(context, plan)[i] ?? null])),
    // Per tier: 'measured' (runs this machine) or 'scaled' when a data-dependent layer's time there comes from a measurement.
    measuredPerTier: Object.fromEntries(tiers.map((t, i) => [t, tierMeasured(context, plan)[i] ?? null])),
    layersPerTier: Object.fromEntries(tiers.map((t, i) => [t, e.unitsPerTier[i]])),
    memoryBytesPerTier: Object.fromEntries(tiers.map((t, i) => [t, e.memory[i]])),
    hops: e.hops.map((hop, h) => ({ from: tiers[h], to: tiers[h + 1], ...hop })),
    cutTensors: e.cutTensors.map((c) => ({
      name: c.name,
      bytes: c.bytes,
      from: tiers[c.fromTier],
      to: c.toTiers.map((t) => tiers[t]),
    })),
    notes: plan.notes,
    layerPlacement: Object.fromEntries(
      context.built.problem.units.map((u, i) => [u.name, tiers[plan.placement[i]!]]),
    ),
    placement: nodePlacement(context.analysis, context.built, plan.placement),
  };
}

function solveJson(
  context: PartitionContext,
  objective: Objective,
  constraints: readonly string[],
  outcomes: readonly Outcome[],
  front: ParetoFront | undefined,
  designPlan: Plan | undefined,
): object {
  return {
    model: context.analysis.model.path ?? context.analysis.summary.graphName,
    layers: context.built.problem.units.length,
    topology: context.topology.spec.id,
    tiers: context.built.problem.tiers,
    objective: describeObjective(objective),
    constraints,
    // Every figure below is an estimate when the analysis assumed a size or a branch.
    ...assumptionsNote(context.analysis).json,
    ...(context.measuredNote !== undefined ? { measured: context.measuredNote } : {}),
    plans: outcomes.flatMap((o) => (o.plan ? [planJson(context, o.plan)] : [])),
    infeasible: outcomes.flatMap((o) => (o.error ? [{ solver: o.solver, message: o.error }] : [])),
    // Its own key, not in `plans`: `export --placement` reads `plans[0]` as the suggestion.
    ...(designPlan ? { project: planJson(context, designPlan) } : {}),
    ...(front
      ? {
          pareto: {
            notes: front.notes,
            points: front.points.map((p) => ({ source: p.source, ...planJson(context, p.plan) })),
          },
        }
      : {}),
  };
}

const HEADERS = [
  'solver',
  'latency ms',
  'per s',
  'device mJ',
  'on links',
  'raw input',
  'device layers',
  'exact',
  'placement',
];
const NUMERIC = [false, true, true, true, true, false, true, false, false];

/** Per tier of the plan: why its figures are lower bounds (core/costs/data-dependent-figures.ts). */
function tierReasons(context: PartitionContext, plan: Plan): (string | null)[] {
  const { units, tiers } = context.built.problem;
  return dataDependentPerTier(units, (_, u) => plan.placement[u] ?? 0, tiers.length);
}

/** Per tier of the plan: whether a data-dependent layer's time there comes from a measurement. */
function tierMeasured(context: PartitionContext, plan: Plan): ('measured' | 'scaled' | null)[] {
  const { units, tiers } = context.built.problem;
  return measuredPerTier(units, (_, u) => plan.placement[u] ?? 0, tiers.length);
}

function planRow(context: PartitionContext, name: string, plan: Plan): string[] {
  const e = plan.evaluation;
  const bounded = tierReasons(context, plan).some((r) => r !== null);
  return [
    name,
    // Time depending on the input bounds latency and energy from below, throughput from above.
    predictedMsText(e.latencyMs, bounded),
    `${bounded ? '≤ ' : ''}${e.throughputPerS.toFixed(1)}`,
    `${bounded ? '≥ ' : ''}${e.deviceEnergyMj.toFixed(1)}`,
    formatBytes(e.linkBytes),
    e.rawInputLeavesDevice ? 'leaves' : 'stays',
    e.deviceLayersBeforeLeaving === null ? 'all' : String(e.deviceLayersBeforeLeaving),
    plan.exact ? 'yes' : 'no',
    context.built.problem.tiers.map((t, i) => `${t} ${e.unitsPerTier[i]}`).join(', '),
  ];
}

/** The line naming what the figures assume, when they assume anything. */
function approximateLines(context: PartitionContext): string[] {
  const { line } = assumptionsNote(context.analysis);
  return line ? [`Approx.     ${line} (every figure below is an estimate)`] : [];
}

/**
 * The line saying which layers' time depends on the input (latencies marked ≥), when any does
 * that no measurement costs, and with `--measured` the line saying what the measurement costs.
 */
function dataDependentLines(context: PartitionContext): string[] {
  const units = context.built.problem.units;
  const note = dataDependentNote(
    context.analysis.layers.layers.flatMap((l, u) =>
      l.dataDependent && !units[u]?.measured ? [{ name: l.name, sourceOp: l.dataDependent.sourceOp }] : [],
    ),
  );
  return [
    ...(note ? [`Data-dep.   ${note}`] : []),
    ...(context.measuredNote !== undefined ? [`Measured    ${context.measuredNote}`] : []),
  ];
}

function solveText(
  context: PartitionContext,
  objective: Objective,
  constraints: readonly string[],
  outcomes: readonly Outcome[],
  front: ParetoFront | undefined,
  designPlan: Plan | undefined,
): string {
  const lines = [
    `Model       ${context.analysis.model.path ?? context.analysis.summary.graphName} (${context.built.problem.units.length} layers)`,
    `Topology    ${context.topology.spec.id}: ${describeTopology(context.topology)}`,
    `Objective   ${describeObjective(objective)}${constraints.length ? `; constraints: ${constraints.join(', ')}` : ''}`,
    ...approximateLines(context),
    ...dataDependentLines(context),
    '',
    renderTable(
      HEADERS,
      [
        ...(designPlan ? [planRow(context, 'project', designPlan)] : []),
        ...outcomes.flatMap((o) => (o.plan ? [planRow(context, o.solver, o.plan)] : [])),
      ],
      NUMERIC,
    ),
    '',
  ];
  if (designPlan) {
    const cuts = designPlan.evaluation.cutTensors.map((c) => cutText(c));
    lines.push(`project: ${designPlan.notes.join('; ')}${cuts.length ? `; cut: ${cuts.join(', ')}` : ''}`);
  }
  for (const o of outcomes) {
    if (o.error) lines.push(`${o.solver}: infeasible — ${o.error}`);
    else if (o.plan) {
      const cuts = o.plan.evaluation.cutTensors.map((c) => cutText(c));
      lines.push(`${o.solver}: ${o.plan.notes.join('; ')}${cuts.length ? `; cut: ${cuts.join(', ')}` : ''}`);
    }
  }
  if (front) {
    lines.push('', `Pareto front: latency × device energy (${front.notes.join('; ')})`, '');
    lines.push(
      renderTable(
        HEADERS,
        front.points.map((p) => planRow(context, p.source, p.plan)),
        NUMERIC,
      ),
    );
  }
  return lines.join('\n');
}

/**
 * A tensor on a cut as the notes list it. Only the shape of some tensors crosses (a Shape node on
 * another tier reads it): those say so, or a tensor would seem listed twice with two sizes. The
 * name comes from the model file, so it is escaped and cut (plainName) like every name printed.
 */
function cutText(cut: { name: string; bytes: number; shapeOnly: boolean }): string {
  return `${cut.shapeOnly ? 'shape of ' : ''}${plainName(cut.name)} (${formatBytes(cut.bytes)})`;
}
