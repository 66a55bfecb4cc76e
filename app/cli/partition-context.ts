/** Loads what `solve`, `sweep` and `export` share: the analysed model, the topology and the problem. */
import { analyzeFile, type Analysis } from '../../core/analyze.js';
import { CutlineError } from '../../core/errors.js';
import type { Shape } from '../../core/graph/types.js';
import { problemFromSource, type BuiltProblem } from '../../core/partition/build-problem.js';
import { partitionSource } from '../../core/partition/source.js';
import type { Objective } from '../../core/partition/objective.js';
import { givenPlan, type Plan } from '../../core/partition/plan.js';
import type { PartitionProblem } from '../../core/partition/problem.js';
import { loadTopology } from '../../core/profiles/load.js';
import type { Topology } from '../../core/profiles/types.js';
import { locateProjectModel } from '../../core/project/model.js';
import { projectPlacement, type ProjectPlacement } from '../../core/project/placement.js';
import { readProjectFile } from '../../core/project/read.js';
import { projectTopology } from '../../core/project/topology.js';
import { DEFAULT_OBJECTIVE, type ProjectFile } from '../../core/project/types.js';
import { parseInputBinding } from '../../core/shape/bindings.js';
import { parseInputValue } from '../../core/shape/input-values.js';
import { assumptionsLine } from '../../core/shape/assumptions.js';
import { measuredSource } from './measured-context.js';
import { parseObjective } from './partition-args.js';

export interface PartitionContext {
  readonly analysis: Analysis;
  readonly topology: Topology;
  readonly built: BuiltProblem;
  /** The model file analysed. */
  readonly modelPath: string;
  /** The input bindings the analysis used (input name → dims). */
  readonly inputShapes: Readonly<Record<string, Shape>>;
  /** The input values the analysis folded, as given (`sr=16000`). */
  readonly inputValues: readonly string[];
  /** With `--measured`: what this machine's measurements cost, or why they cost nothing. */
  readonly measuredNote?: string;
}

export function loadPartitionContext(
  modelPath: string,
  topologyRef: string | Topology,
  inputs: readonly string[],
  inputValues: readonly string[] = [],
  measuredProfile?: string,
): PartitionContext {
  // The topology first: a typo there should not wait for a large model to be analysed.
  const topology = typeof topologyRef === 'string' ? loadTopology(topologyRef) : topologyRef;
  const inputShapes: Record<string, Shape> = {};
  for (const text of inputs) {
    const { name, shape } = parseInputBinding(text);
    inputShapes[name] = shape;
  }
  const values = inputValues.map(parseInputValue);
  const analysis = analyzeFile(modelPath, { inputShapes, inputValues: values });
  const { source, unitNodes } = partitionSource(analysis);
  // `--measured`: data-dependent layers this machine timed (fed the same values) are costed from
  // that, not their bound.
  const measured =
    measuredProfile === undefined
      ? null
      : measuredSource(source, analysis, modelPath, inputShapes, measuredProfile, values);
  return {
    analysis,
    topology,
    built: { problem: problemFromSource(measured?.source ?? source, topology), unitNodes },
    modelPath,
    inputShapes,
    inputValues,
    ...(measured ? { measuredNote: measured.note } : {}),
  };
}

/** The options a partition command takes about its model, topology and project. */
export interface PartitionSetup {
  readonly topology?: string;
  readonly input: readonly string[];
  /** `--input-value NAME=V[,V…]` texts (repeatable). */
  readonly inputValue?: readonly string[];
  readonly project?: string;
  /** `--measured PROFILE.json`: a calibrated profile whose measurement table costs data-dependent layers. */
  readonly measured?: string;
}

export interface LoadedProject {
  readonly file: string;
  readonly project: ProjectFile;
  readonly migratedFrom: 1 | null;
  /** The project's placement and pins on this problem. */
  readonly design: ProjectPlacement;
}

/**
 * The context of a command, from a model and a topology, or from a project (`--project`): the
 * project's model (checked by SHA-256), topology and input bindings; an explicit model path,
 * `--topology` or `--input NAME=…` overrides the project's.
 */
export function loadCommandContext(
  modelArg: string | undefined,
  options: PartitionSetup,
): { readonly context: PartitionContext; readonly project: LoadedProject | null } {
  if (options.project === undefined) {
    if (modelArg === undefined || options.topology === undefined) {
      throw new CutlineError(
        'BAD_PROJECT',
        'Give a model and --topology, or --project FILE (a project saved by the studio).',
      );
    }
    return {
      context: loadPartitionContext(
        modelArg,
        options.topology,
        options.input,
        options.inputValue,
        options.measured,
      ),
      project: null,
    };
  }
  const file = options.project;
  const { project, migratedFrom } = readProjectFile(file);
  const topology =
    options.topology !== undefined
      ? loadTopology(options.topology)
      : projectTopology(project, { source: file });
  const model = locateProjectModel(project, file, modelArg);
  const context = loadPartitionContext(
    model.path,
    topology,
    mergeInputs(project.inputs, options.input),
    mergeInputs(project.inputValues ?? {}, options.inputValue ?? [], parseInputValue),
    options.measured,
  );
  const design = projectPlacement(project, context.built.problem);
  return { context, project: { file, project, migratedFrom, design } };
}

/**
 * The project's bindings (or input values) as `NAME=…`, with a command-line one of the same input
 * replacing it.
 */
export function mergeInputs(
  projectInputs: Readonly<Record<string, string>>,
  cliInputs: readonly string[],
  parse: (text: string) => { name: string } = parseInputBinding,
): string[] {
  const given = new Set(cliInputs.map((text) => parse(text).name));
  return [
    ...Object.entries(projectInputs)
      .filter(([name]) => !given.has(name))
      .map(([name, dims]) => `${name}=${dims}`),
    ...cliInputs,
  ];
}

/** The objective a command runs with: `--objective` when given, else the project's, else the default. */
export function commandObjective(given: string | undefined, project: LoadedProject | null): Objective {
  return parseObjective(given ?? project?.project.objective ?? DEFAULT_OBJECTIVE);
}

/** The project's own placement (the design made in the studio) as a plan. */
export function projectPlan(project: LoadedProject, problem: PartitionProblem, objective: Objective): Plan {
  return givenPlan(problem, project.design.placement, objective, `the placement of ${project.file}`);
}

/**
 * The constraints a command runs with: the project's pins, then `--constraint` values when given
 * (they replace the project's constraints; a pin there overrides the project's pin of that
 * layer), else the project's constraints.
 */
export function projectConstraints(project: LoadedProject | null, cli: readonly string[]): string[] {
  if (!project) return [...cli];
  return [...project.design.pinConstraints, ...(cli.length > 0 ? cli : project.project.constraints)];
}

/** Warnings about a project's design the model or topology could not keep, for stderr. */
export function projectWarnings(loaded: LoadedProject): string[] {
  const { design, file, migratedFrom } = loaded;
  const warnings: string[] = [];
  if (migratedFrom === 1)
    warnings.push(`${file} is a version 1 project; read with the defaults of version 2.`);
  if (design.dropped.length > 0) {
    warnings.push(
      `${file} places or pins ${design.dropped.length} layer(s) the model has no layer for (left out): ${abbreviate(design.dropped)}.`,
    );
  }
  if (design.retiered.length > 0) {
    warnings.push(
      `${design.retiered.length} layer(s) are placed on a tier this topology lacks and run on the nearest tier below: ${abbreviate(design.retiered)}.`,
    );
  }
  return warnings;
}

function abbreviate(names: readonly string[]): string {
  return names.length <= 5
    ? names.join(', ')
    : `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`;
}

/**
 * What the figures of `analysis` assume (unbound dimensions, undecided branches): one line for
 * text output ('' when nothing is assumed) and the fields JSON output carries.
 */
export function assumptionsNote(analysis: Analysis): {
  readonly line: string;
  readonly json: { approximate: boolean; assumptions: object };
} {
  const { approximate, unboundDims, undecidedBranches } = analysis.assumptions;
  const shapes = new Map(analysis.summary.inputs.map((t) => [t.name, t.shape]));
  return {
    line: assumptionsLine(analysis.assumptions, shapes),
    json: { approximate, assumptions: { unboundDims, undecidedBranches } },
  };
}

export function describeTopology(topology: Topology): string {
  return topology.tiers
    .map((tier, t) => {
      const hop = t > 0 ? ` —[${topology.hops[t - 1]!.name}]— ` : '';
      return `${hop}${tier.name}: ${tier.device.name} (${tier.precision})`;
    })
    .join('');
}
