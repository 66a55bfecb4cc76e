/**
 * Writes a deployment bundle: a folder per tier with its sub-models, the manifest, the runtime,
 * a Dockerfile per tier, a compose file and a README; and, if asked, the same as a .zip. The
 * cloud's sub-models are written into a Triton model repository, which the cloud tier serves
 * from too, so each weight is in the bundle once. The folder is written beside its destination
 * and renamed into place, so a failed export leaves nothing half-written.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Analysis } from '../analyze.js';
import type { Shape } from '../graph/types.js';
import type { ExternalDataPolicy } from '../export/external-weights.js';
import { splitSegments, type Segment } from '../export/segments.js';
import type { BuiltProblem } from '../partition/build-problem.js';
import { describeObjective } from '../partition/objective.js';
import { evaluateServing, type ServingMode } from '../partition/serving-mode.js';
import type { Plan } from '../partition/plan.js';
import type { Topology } from '../profiles/types.js';
import type { InputValueText } from '../shape/input-values.js';
import { assertReplaceable, assertZipReplaceable } from './bundle-destination.js';
import { manifestTensor, sha256, writeSegmentModels, writeWholeModel } from './bundle-models.js';
import {
  bundleReadme,
  composeFile,
  contextDockerignore,
  dockerfile,
  tierDockerignore,
  tierScript,
} from './deploy-files.js';
import { writeTritonExtras } from './triton-extra-files.js';
import {
  MANIFEST_FORMAT,
  bindingTexts,
  inputValueTexts,
  manifestSchedule,
  parseManifest,
  type BundleManifest,
  type ManifestTensor,
} from './manifest.js';
import { nodeTiersOf } from '../export/node-tiers.js';
import { buildSchedule } from './schedule.js';
import { tensorBytes } from './tensor-types.js';
import { writeZip } from './zip.js';

export const BASE_PORT = 8810;
export const ORT_VERSION = '1.30.0';

export interface BundleOptions {
  readonly outDir: string;
  readonly analysis: Analysis;
  /**
   * The model file's bytes: their SHA-256 names the model in the manifest, and with the device's
   * local fallback the device gets them as the whole model (re-encoded with its weights inlined
   * when `analysis` read them from external data).
   */
  readonly modelBytes: Uint8Array;
  readonly modelName: string;
  readonly topology: Topology;
  readonly built: BuiltProblem;
  readonly plan: Plan;
  readonly zip?: boolean;
  readonly force?: boolean;
  /** 'local' ships the whole model to the device for its fallback; 'fail' (default) does not. */
  readonly onUnreachable?: 'fail' | 'local';
  /**
   * 'relay' (default): Cutline's tiers relay each request up the chain. 'stock': the server tiers
   * are plain OIP servers the device calls itself; the plan's predicted figures are then the
   * stock mode's (core/partition/serving-mode.ts).
   */
  readonly serving?: ServingMode;
  /**
   * The input bindings `analysis` was made with: written to the manifest so verification, the
   * harness and the README use the bound shapes (not 1 for every symbolic dimension).
   */
  readonly inputShapes?: Readonly<Record<string, Shape>>;
  /** The input values `analysis` folded (`sr=16000`): written to the manifest, fed by verification and the harness. */
  readonly inputValues?: readonly InputValueText[];
  /** Writes `runtime/` (the tier runtime and its package.json) into the folder. */
  readonly writeRuntime: (runtimeDir: string) => Promise<void>;
  readonly onProgress?: (message: string) => void;
  /**
   * Write a model (segment or whole) with its weights in an external-data file beside it when
   * they are over this many bytes. Without it, only models over protobuf's 2 GiB limit, or from a
   * source model that used external data, get one (see `wantsExternalData`).
   */
  readonly externalDataAbove?: number;
}

export interface WrittenBundle {
  readonly dir: string;
  readonly zipPath: string | null;
  readonly manifest: BundleManifest;
  /** The segments, in manifest order, with their sub-model files (absolute paths). */
  readonly segments: readonly { readonly segment: Segment; readonly file: string }[];
}

/** Bytes of a tensor with a known shape, else null. */
function knownBytes(t: ManifestTensor): number | null {
  return tensorBytes(t.dtype, t.shape);
}

export async function writeBundle(options: BundleOptions): Promise<WrittenBundle> {
  const { analysis, topology, built, plan } = options;
  const outDir = path.resolve(options.outDir);
  assertReplaceable(outDir, options.force ?? false);
  if (options.zip) assertZipReplaceable(`${outDir}.zip`, options.force ?? false);
  const report = options.onProgress ?? (() => undefined);
  const tierNames = topology.tiers.map((t) => t.name);
  report('Splitting the graph into segments');
  const segments = splitSegments(analysis, nodeTiersOf(analysis, built, plan.placement), tierNames);
  const schedule = buildSchedule(
    segments.map((s) => ({
      id: s.id,
      tier: s.tier,
      inputs: s.inputs.map((i) => i.name),
      outputs: s.outputs.map((o) => o.name),
    })),
    analysis.graph.inputs,
    analysis.graph.outputs,
    tierNames.length,
  );
  const work = `${outDir}.partial-${process.pid}`;
  fs.rmSync(work, { recursive: true, force: true });
  try {
    const policy: ExternalDataPolicy = {
      sourceUsesExternalData: analysis.model.externalDataFiles.length > 0,
      externalDataAbove: options.externalDataAbove,
    };
    const cloud = tierNames.indexOf('cloud');
    const files = writeSegmentModels(work, analysis, segments, cloud, policy, report);
    const onUnreachable = options.onUnreachable ?? 'fail';
    // Only the device's local fallback runs the whole model in the field: without it, verification
    // and the harness take the source model, checked against `model.sha256`.
    const whole =
      onUnreachable === 'local' ? writeWholeModel(work, analysis, options.modelBytes, policy, report) : null;

    const summarize = (name: string): ManifestTensor => {
      const info = analysis.inference.values.get(name);
      return manifestTensor({ name, dtype: info?.dtype ?? 0, shape: info?.shape ?? null });
    };
    const segmentEntries = files.map(({ segment, file, sha, data }) => ({
      id: segment.id,
      tier: segment.tier,
      file,
      sha256: sha,
      inputs: segment.inputs.map(manifestTensor),
      outputs: segment.outputs.map(manifestTensor),
      layers: segment.nodes.length,
      ...(data ? { data } : {}),
    }));
    const largest = Math.max(
      0,
      ...segmentEntries.flatMap((s) => [...s.inputs, ...s.outputs].map((t) => knownBytes(t) ?? 0)),
      ...analysis.graph.inputs.map((n) => knownBytes(summarize(n)) ?? 0),
    );
    const serving = options.serving ?? 'relay';
    const e = serving === 'relay' ? plan.evaluation : evaluateServing(built.problem, plan.placement, serving);
    const manifest: BundleManifest = {
      format: MANIFEST_FORMAT,
      createdBy: 'cutline export',
      model: {
        name: options.modelName,
        sha256: sha256(options.modelBytes),
        ...(whole ? { file: whole.file, fileSha256: whole.sha256 } : {}),
        ...(whole?.data ? { data: whole.data } : {}),
        inputs: analysis.graph.inputs.map(summarize),
        outputs: analysis.graph.outputs.map(summarize),
        bindings: bindingTexts(options.inputShapes ?? {}),
        ...(options.inputValues?.length ? { inputValues: inputValueTexts(options.inputValues) } : {}),
      },
      tiers: topology.tiers.map((t, i) => ({
        name: t.name,
        device: t.device.name,
        precision: t.precision,
        port: BASE_PORT + i,
      })),
      hops: topology.hops.map((link, h) => ({
        from: tierNames[h]!,
        to: tierNames[h + 1]!,
        link: link.id,
        uplinkMbps: link.uplinkMbps,
        downlinkMbps: link.downlinkMbps,
        rttMs: link.rttMs,
      })),
      segments: segmentEntries,
      schedule: manifestSchedule(schedule),
      plan: {
        solver: plan.solver,
        objective: describeObjective(plan.objective),
        layerPlacement: Object.fromEntries(built.problem.units.map((u, i) => [u.name, plan.placement[i]!])),
        predicted: {
          latencyMs: e.latencyMs,
          throughputPerS: Number.isFinite(e.throughputPerS) ? e.throughputPerS : null,
          deviceEnergyMj: e.deviceEnergyMj,
          linkBytes: e.linkBytes,
          computeMsPerTier: [...e.computeMsPerTier],
          hopLatencyMs: e.hops.map((h) => h.latencyMs),
        },
      },
      runtime: {
        token: randomBytes(24).toString('hex'),
        // Room for the largest tensor several times over (a request carries a few), at least 64 MiB.
        maxRequestBytes: Math.max(64 * 2 ** 20, 8 * largest),
        onUnreachable,
        requestTimeoutMs: 60_000,
        serving,
      },
    };
    parseManifest(manifest, 'manifest.json');
    const text = `${JSON.stringify(manifest, null, 2)}\n`;
    fs.writeFileSync(path.join(work, 'manifest.json'), text);
    for (const tier of manifest.tiers) {
      fs.mkdirSync(path.join(work, tier.name), { recursive: true });
      fs.writeFileSync(
        path.join(work, tier.name, 'Dockerfile'),
        dockerfile(tier.name, ORT_VERSION, tier.port),
      );
      // The tier's entry point on a plain machine (Node 20; `npm install` in runtime/ once).
      fs.writeFileSync(path.join(work, tier.name, 'run.sh'), tierScript(tier.name), { mode: 0o755 });
      fs.writeFileSync(path.join(work, tier.name, 'Dockerfile.dockerignore'), tierDockerignore(tier.name));
    }
    // Ensembles of consecutive cloud segments, and KServe's InferenceService for the repository.
    writeTritonExtras(work, manifest, report);
    fs.writeFileSync(path.join(work, 'compose.yaml'), composeFile(manifest));
    fs.writeFileSync(path.join(work, '.dockerignore'), contextDockerignore());
    fs.writeFileSync(path.join(work, 'README.md'), bundleReadme(manifest));
    report('Building the tier runtime');
    await options.writeRuntime(path.join(work, 'runtime'));

    // Again: the folder may have changed while the bundle was written.
    assertReplaceable(outDir, options.force ?? false);
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.renameSync(work, outDir);
    let zipPath: string | null = null;
    if (options.zip) {
      report('Writing the .zip');
      zipPath = `${outDir}.zip`;
      await writeZip(outDir, zipPath);
    }
    return {
      dir: outDir,
      zipPath,
      manifest,
      segments: files.map(({ segment, file }) => ({ segment, file: path.join(outDir, file) })),
    };
  } catch (error) {
    fs.rmSync(work, { recursive: true, force: true });
    throw error;
  }
}
