/**
 * `cutline export MODEL --topology FILE (--placement FILE | --solver NAME) --out DIR`: writes the
 * deployment bundle, then proves the split: the chain of sub-models against the whole model in
 * onnxruntime on the same random inputs. `cutline export --project FILE --out DIR` exports the
 * project's own placement (a design made in the studio, unchanged) unless --placement or
 * --solver is given.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeRuntime } from '../../core/bundle/runtime-build.js';
import { writeBundle } from '../../core/bundle/write-bundle.js';
import { CutlineError } from '../../core/errors.js';
import { LINE_LIMIT, oneLine, plainName, quoteName } from '../../core/text/quote-name.js';
import { parseByteSizeText } from '../../core/text/byte-size.js';
import { parseTolerance } from '../../core/export/tolerance-option.js';
import { verificationText } from './verification-text.js';
import { verifySplit } from '../../core/export/verify.js';
import type { Plan, SolverName } from '../../core/partition/plan.js';
import { givenPlan, SOLVER_NAMES } from '../../core/partition/plan.js';
import type { PartitionProblem } from '../../core/partition/problem.js';
import { runSolver } from '../../core/partition/solve.js';
import { SERVING_MODES, type ServingMode } from '../../core/partition/serving-mode.js';
import { parseInputValue } from '../../core/shape/input-values.js';
import { writeJsonLine } from './json-output.js';
import { parseConstraints } from './partition-args.js';
import {
  commandObjective,
  loadCommandContext,
  projectConstraints,
  projectPlan,
  projectWarnings,
} from './partition-context.js';
import {
  dataDependentPerTier,
  lowerBoundTiersNote,
  predictedMsText,
} from '../../core/costs/data-dependent-figures.js';

export interface ExportCliOptions {
  /** Required without --project; with it, replaces the project's topology. */
  readonly topology?: string;
  /** A project file: its model, topology, bindings and placement (or, with --solver, objective and constraints). */
  readonly project?: string;
  readonly placement?: string;
  readonly solver?: string;
  /** Default: the project's, else latency. */
  readonly objective?: string;
  readonly constraint: readonly string[];
  readonly input: readonly string[];
  /** `--input-value NAME=V[,V…]` (repeatable). */
  readonly inputValue?: readonly string[];
  readonly out: string;
  readonly zip?: boolean;
  readonly force?: boolean;
  readonly onUnreachable: string;
  /** `relay` (default) or `stock`: see core/partition/serving-mode.ts. */
  readonly serving?: string;
  readonly verify: boolean;
  /** Compare with the whole model even when the memory estimate says it does not fit. */
  readonly verifyWhole?: boolean;
  /** `--rtol X`, `--atol Y`: what the split's outputs are held to (core/export/tolerance.ts). */
  readonly rtol?: string;
  readonly atol?: string;
  /** `--external-data-above SIZE`: see `parseByteSize`. */
  readonly externalDataAbove?: string;
  readonly json?: boolean;
}

/**
 * A size as a user writes it: `4096`, `64KiB`, `1.5GB` (core/text/byte-size.ts, the parser the
 * studio's Export tab uses too, so both read a size as the same bytes).
 */
export function parseByteSize(text: string, option: string): number {
  const bytes = parseByteSizeText(text);
  if (bytes === null) {
    throw new CutlineError(
      'BAD_CONSTRAINT',
      `${option} takes a size in bytes, or with a unit (64KiB, 1.5GB), not ${JSON.stringify(text)}.`,
    );
  }
  return bytes;
}

/**
 * A placement file: `cutline solve --json` output (its first plan), one of its plans, or an object
 * mapping layer or node names to tier names (`{"placement": {...}}` or the map itself).
 */
export function readPlacementFile(file: string, problem: PartitionProblem): Uint8Array {
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CutlineError('BAD_PLACEMENT', `${file}: cannot read it as JSON (${(error as Error).message}).`);
  }
  const record = (v: unknown): Record<string, unknown> | null =>
    v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  let map = record(value);
  const plans = map && Array.isArray(map.plans) ? map.plans : null;
  if (plans) map = record(plans[0]);
  if (map && record(map.layerPlacement)) map = record(map.layerPlacement);
  else if (map && record(map.placement)) map = record(map.placement);
  if (!map)
    throw new CutlineError('BAD_PLACEMENT', `${file}: expected an object of layer names → tier names.`);
  const placement = new Uint8Array(problem.units.length);
  problem.units.forEach((unit, u) => {
    const tier = map[unit.name];
    if (tier === undefined) {
      throw new CutlineError(
        'BAD_PLACEMENT',
        `${file}: layer "${unit.name}" has no tier; every layer needs one.`,
      );
    }
    const index = problem.tiers.indexOf(String(tier));
    if (index < 0) {
      throw new CutlineError(
        'BAD_PLACEMENT',
        `${file}: layer "${unit.name}" is placed on "${String(tier)}"; the topology's tiers are ${problem.tiers.join(', ')}.`,
      );
    }
    placement[u] = index;
  });
  return placement;
}

export async function exportCommand(
  modelArg: string | undefined,
  options: ExportCliOptions,
): Promise<number> {
  if (options.placement !== undefined && options.solver !== undefined) {
    throw new CutlineError('BAD_PLACEMENT', 'Give one of --placement FILE or --solver NAME, not both.');
  }
  if (options.project === undefined && options.placement === undefined && options.solver === undefined) {
    throw new CutlineError(
      'BAD_PLACEMENT',
      'Give --placement FILE or --solver NAME (or --project FILE to export a saved design).',
    );
  }
  if (options.onUnreachable !== 'fail' && options.onUnreachable !== 'local') {
    throw new CutlineError(
      'BAD_CONSTRAINT',
      `--on-unreachable must be fail or local, not "${options.onUnreachable}".`,
    );
  }
  const serving = options.serving ?? 'relay';
  if (!(SERVING_MODES as readonly string[]).includes(serving)) {
    throw new CutlineError(
      'BAD_CONSTRAINT',
      `--serving must be ${SERVING_MODES.join(' or ')}, not ${quoteName(serving)}.`,
    );
  }
  const externalDataAbove =
    options.externalDataAbove === undefined
      ? undefined
      : parseByteSize(options.externalDataAbove, '--external-data-above');
  const tolerance = parseTolerance(options.rtol, options.atol);
  const progress = (message: string): void =>
    void process.stderr.write(`${oneLine(`cutline: ${message}`, LINE_LIMIT)}\n`);
  const { context, project } = loadCommandContext(modelArg, options);
  if (project) for (const warning of projectWarnings(project)) progress(warning);
  const modelPath = context.modelPath;
  const { problem } = context.built;
  const objective = commandObjective(options.objective, project);
  let plan: Plan;
  if (options.solver !== undefined) {
    if (!(SOLVER_NAMES as readonly string[]).includes(options.solver)) {
      throw new CutlineError(
        'BAD_CONSTRAINT',
        `Unknown solver "${options.solver}": use ${SOLVER_NAMES.join(', ')}.`,
      );
    }
    plan = runSolver(
      problem,
      options.solver as SolverName,
      objective,
      parseConstraints(projectConstraints(project, options.constraint), problem),
    );
  } else if (options.placement === undefined && project) {
    plan = projectPlan(project, problem, objective);
  } else {
    const placement = readPlacementFile(options.placement!, problem);
    plan = givenPlan(problem, placement, objective, `placement from ${options.placement}`);
  }
  const modelBytes = new Uint8Array(fs.readFileSync(modelPath));
  // The values the analysis folded travel in the manifest and are fed by verification.
  const inputValues = context.inputValues.map(parseInputValue);
  const written = await writeBundle({
    outDir: options.out,
    analysis: context.analysis,
    modelBytes,
    modelName: path.basename(modelPath, '.onnx').replace(/[^A-Za-z0-9_.-]/g, '_'),
    topology: context.topology,
    built: context.built,
    plan: options.placement !== undefined ? { ...plan, solver: plan.solver } : plan,
    zip: options.zip ?? false,
    force: options.force ?? false,
    onUnreachable: options.onUnreachable,
    serving: serving as ServingMode,
    inputShapes: context.inputShapes,
    inputValues,
    writeRuntime,
    onProgress: progress,
    ...(externalDataAbove !== undefined ? { externalDataAbove } : {}),
  });
  let verification = null;
  if (options.verify) {
    progress('Verifying: the chain of sub-models against the whole model in onnxruntime');
    // The bundle's own files, loaded by path one at a time: a model with external data finds its
    // data file beside it (the bundle's, just written), and only one model is in memory at once.
    // Without the device's local fallback the bundle has no whole model: the source is compared.
    const wholeFile = written.manifest.model.file;
    verification = await verifySplit(
      wholeFile === undefined ? modelPath : path.join(written.dir, wholeFile),
      written.segments.map(({ segment, file }) => ({ segment, file })),
      {},
      // The bound shapes, not 1 for every symbolic dimension (issue 12).
      {
        analysis: context.analysis,
        inputShapes: context.inputShapes,
        inputValues,
        verifyWhole: options.verifyWhole ?? false,
        tolerance,
      },
    );
    if (verification.wholeModel === 'skipped')
      progress(
        `Verified the segments run and chain; the comparison with the whole model was skipped: ${verification.skippedBecause ?? ''}`,
      );
  }
  const lowerBounds = dataDependentPerTier(
    context.analysis.layers.layers,
    (layer) => written.manifest.plan.layerPlacement[layer.name] ?? 0,
    written.manifest.tiers.length,
  );
  const summary = {
    bundle: written.dir,
    zip: written.zipPath,
    segments: written.manifest.segments.map((s) => ({
      id: s.id,
      tier: written.manifest.tiers[s.tier]!.name,
      file: s.file,
      bytes: fs.statSync(path.join(written.dir, s.file)).size,
      // The external-data file beside the sub-model; null when it is self-contained.
      data: s.data ? { file: s.data.file, bytes: s.data.bytes } : null,
      inputs: s.inputs.map((t) => t.name),
      outputs: s.outputs.map((t) => t.name),
    })),
    crossings: written.manifest.schedule.crossings,
    bindings: written.manifest.model.bindings ?? {},
    predicted: written.manifest.plan.predicted,
    // Per tier: why its predicted compute (and the latency) is a lower bound, or null.
    dataDependentPerTier: Object.fromEntries(
      written.manifest.tiers.map((t, i) => [t.name, lowerBounds[i] ?? null]),
    ),
    // fp32 outputs of a split may differ from the whole model's by rounding only: every element
    // within atol + rtol·|whole| (core/export/tolerance.ts). `maxAbsDiff` and `tolerance` are the
    // deciding element's difference and allowance; `worst`, `largestAbs`, `largestRel` say where.
    verification: verification && {
      maxAbsDiff: verification.maxAbsDiff,
      outputs: verification.outputs,
      tolerance: verification.tolerance,
      rtol: verification.rtol,
      atol: verification.atol,
      worst: verification.worst,
      largestAbs: verification.largestAbs,
      largestRel: verification.largestRel,
      ok: verification.ok,
      wholeModel: verification.wholeModel,
      ...(verification.skippedBecause ? { skippedBecause: verification.skippedBecause } : {}),
    },
  };
  if (options.json) writeJsonLine(summary);
  else {
    const lines = [
      `Bundle    ${written.dir}${written.zipPath ? ` (and ${written.zipPath})` : ''}`,
      `Segments  ${summary.segments.map((s) => `${s.id} (${s.tier})`).join(' → ')}`,
      `Crossing  ${summary.crossings.map((c) => `${plainName(c.tensor)} ${c.direction} hop ${c.hop}`).join(', ') || 'nothing'}`,
      `Predicted ${predictedMsText(
        summary.predicted.latencyMs,
        lowerBounds.some((b) => b !== null),
      )} ms, ${summary.predicted.deviceEnergyMj.toFixed(2)} mJ, ${summary.predicted.linkBytes} bytes on links`,
      ...[
        lowerBoundTiersNote(
          written.manifest.tiers.map((t) => t.name),
          lowerBounds,
        ) ?? [],
      ].flat(),
      verification?.wholeModel === 'skipped'
        ? `Verified  the segments run and chain; not compared with the whole model: ${verification.skippedBecause ?? ''}`
        : verification
          ? `${verification.ok ? 'Verified' : 'MISMATCH'}  ${verificationText(verification)}`
          : 'Verified  skipped (--no-verify)',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (verification && !verification.ok) {
    throw new CutlineError(
      'EXPORT_FAILED',
      `The split's outputs differ from the whole model's: ${verificationText(verification)}; the bundle is written but should not be trusted (--rtol and --atol set the tolerance).`,
    );
  }
  return 0;
}
