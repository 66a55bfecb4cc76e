/**
 * Triton ensembles of a bundle: where consecutive segments of a design run on one Triton server,
 * one more model (platform "ensemble") chains them, so a client sends what enters the chain once,
 * gets what leaves it, and the tensors between stay inside Triton.
 *
 * Consecutive cloud segments come from a placement with parallel branches: a layer placed in the
 * cloud beside a branch that goes through the edge first gives `edge-1`, `cloud-1`, `cloud-2`,
 * where `cloud-2` reads the edge's result (and may read `cloud-1`'s). The solvers' plans of the
 * samples never do this (each cloud run there is one segment); a placement made by hand can.
 */
import { CutlineError } from '../errors.js';
import type { BundleManifest } from './manifest.js';
import { textString, tritonConfig } from './triton-config.js';
import { checkTritonEnsemble } from './triton-ensemble-check.js';
import { readTritonConfig, type TritonModelConfig, type TritonTensor } from './triton-schema.js';
import { TRITON_CONFIG_ADVICE } from './triton-text.js';

type ManifestSegment = BundleManifest['segments'][number];

export interface TritonEnsemble {
  /** The ensemble's model name and folder: `<model>-<first step>-to-<last step>`. */
  readonly name: string;
  /** The segments it runs, in order (each a model of the same repository). */
  readonly steps: readonly string[];
  /** What enters the chain, and what leaves it (read by another segment, or a graph output). */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Its `config.pbtxt`, checked against Triton's rules and its steps' configs. */
  readonly config: string;
}

/** A model name that is a safe folder name, as segment ids are. */
function folderName(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^\.+/, '_') || 'model';
}

/**
 * Maximal runs of two or more consecutive segments (in the manifest's order, which is the order
 * they run in) that all have a model in the repository: `inRepository` says which do.
 */
export function ensembleRuns(
  segments: readonly ManifestSegment[],
  inRepository: (segment: ManifestSegment) => boolean,
): ManifestSegment[][] {
  const runs: ManifestSegment[][] = [];
  let run: ManifestSegment[] = [];
  for (const segment of [...segments, null]) {
    if (segment && inRepository(segment)) {
      run.push(segment);
      continue;
    }
    if (run.length > 1) runs.push(run);
    run = [];
  }
  return runs;
}

function tensorText(t: TritonTensor): string {
  return `  {\n    name: ${textString(t.name)}\n    data_type: ${t.dataType}\n    dims: [ ${t.dims.join(', ')} ]\n  }`;
}

function mapText(field: 'input_map' | 'output_map', names: readonly string[]): string[] {
  return names.map((n) => `      ${field} { key: ${textString(n)} value: ${textString(n)} }`);
}

/**
 * The ensemble of one run, from its steps' Triton configs (`models`, by segment id). Its tensors
 * are declared as the step that reads (inputs) or makes (outputs) them declares them, a scalar as
 * dims [ 1 ] without the reshape (the step reshapes). It batches when every step does; otherwise
 * its dims are whole shapes (a batching step's with its batch dimension, -1, in front), as Triton
 * matches an ensemble tensor to a batching model.
 */
export function tritonEnsembleConfig(
  name: string,
  run: readonly ManifestSegment[],
  models: ReadonlyMap<string, TritonModelConfig>,
  readLater: ReadonlySet<string>,
): TritonEnsemble {
  const configs = run.map((s) => models.get(s.id)!);
  const batching = configs.every((c) => c.maxBatchSize > 0);
  const declared = (t: TritonTensor, config: TritonModelConfig): TritonTensor => ({
    name: t.name,
    dataType: t.dataType,
    dims: !batching && config.maxBatchSize > 0 ? [-1, ...t.dims] : t.dims,
    reshape: null,
  });
  const inputs: TritonTensor[] = [];
  const outputs: TritonTensor[] = [];
  const made = new Set<string>();
  for (const config of configs) {
    for (const t of config.inputs)
      if (!made.has(t.name) && !inputs.some((i) => i.name === t.name)) inputs.push(declared(t, config));
    for (const t of config.outputs) {
      made.add(t.name);
      if (readLater.has(t.name)) outputs.push(declared(t, config));
    }
  }
  const steps = run.map((segment, k) =>
    [
      '    {',
      `      model_name: ${textString(segment.id)}`,
      '      model_version: -1',
      ...mapText(
        'input_map',
        configs[k]!.inputs.map((t) => t.name),
      ),
      ...mapText(
        'output_map',
        configs[k]!.outputs.map((t) => t.name),
      ),
      '    }',
    ].join('\n'),
  );
  const config = [
    `name: ${textString(name)}`,
    'platform: "ensemble"',
    `max_batch_size: ${batching ? Math.min(...configs.map((c) => c.maxBatchSize)) : 0}`,
    `input [\n${inputs.map(tensorText).join(',\n')}\n]`,
    `output [\n${outputs.map(tensorText).join(',\n')}\n]`,
    `ensemble_scheduling {\n  step [\n${steps.join(',\n')}\n  ]\n}`,
    '',
  ].join('\n');
  const file = `${name}/config.pbtxt`;
  try {
    checkTritonEnsemble(readTritonConfig(config, file), models, file);
  } catch (error) {
    const reason = (error as Error).message.replace(`; ${TRITON_CONFIG_ADVICE}.`, '').replace(/\.$/, '');
    throw new CutlineError('EXPORT_FAILED', `Triton would refuse this ensemble (${reason}).`, {
      cause: error,
    });
  }
  return {
    name,
    steps: run.map((s) => s.id),
    inputs: inputs.map((t) => t.name),
    outputs: outputs.map((t) => t.name),
    config,
  };
}

const cloudTier = (manifest: BundleManifest): number => manifest.tiers.findIndex((t) => t.name === 'cloud');

/**
 * The Triton models (segment id → config) of a repository serving the segments of `tiers` (by
 * default the cloud's): every segment whose config Triton would take. The others have no entry
 * (the export says why) and are served by Cutline's tier only.
 */
export function tritonModels(
  manifest: BundleManifest,
  tiers: readonly number[] = [cloudTier(manifest)],
): Map<string, TritonModelConfig> {
  const models = new Map<string, TritonModelConfig>();
  for (const s of manifest.segments.filter((s) => tiers.includes(s.tier))) {
    try {
      models.set(s.id, readTritonConfig(tritonConfig(s.id, s.inputs, s.outputs), s.id));
    } catch {
      continue;
    }
  }
  return models;
}

/**
 * The ensembles of one Triton repository serving the segments of `tiers` (by default the cloud's,
 * the repository a bundle writes under `cloud/triton/`): one per run of consecutive segments there
 * whose Triton entries can be written. A run Triton would refuse as an ensemble is left out, with
 * its reason in `skipped`; its segments stay models of their own.
 */
export function tritonEnsembles(
  manifest: BundleManifest,
  tiers: readonly number[] = [cloudTier(manifest)],
): { ensembles: TritonEnsemble[]; skipped: string[] } {
  const models = tritonModels(manifest, tiers);
  const graphOutputs = manifest.model.outputs.map((t) => t.name);
  const ensembles: TritonEnsemble[] = [];
  const skipped: string[] = [];
  for (const run of ensembleRuns(manifest.segments, (s) => models.has(s.id))) {
    const inside = new Set(run.map((s) => s.id));
    const readLater = new Set([
      ...graphOutputs,
      ...manifest.segments.filter((s) => !inside.has(s.id)).flatMap((s) => s.inputs.map((t) => t.name)),
    ]);
    const name = `${folderName(manifest.model.name)}-${run[0]!.id}-to-${run[run.length - 1]!.id}`;
    if (manifest.segments.some((s) => s.id === name)) {
      skipped.push(`${name}: a segment has that name`);
      continue;
    }
    try {
      ensembles.push(tritonEnsembleConfig(name, run, models, readLater));
    } catch (error) {
      skipped.push(`${name}: ${(error as Error).message}`);
    }
  }
  return { ensembles, skipped };
}
