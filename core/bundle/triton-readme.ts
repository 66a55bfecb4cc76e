/**
 * The bundle README's word on what its Triton repository holds beyond one model per cloud
 * segment: the ensembles chaining consecutive segments, and the KServe InferenceService.
 */
import { KSERVE_SERVICE_FILE } from './kserve-service.js';
import type { BundleManifest } from './manifest.js';
import { tritonEnsembles, tritonModels } from './triton-ensemble.js';

const names = (list: readonly string[]): string => list.map((n) => `\`${n}\``).join(', ');

/** Lines for the README (none when the bundle has no Triton repository). */
export function tritonRepositoryLines(manifest: BundleManifest): string[] {
  if (tritonModels(manifest).size === 0) return [];
  const ensembles = tritonEnsembles(manifest).ensembles.flatMap((e) => [
    `- \`${e.name}\` runs ${e.steps.map((s) => `\`${s}\``).join(' → ')}: send it ${names(e.inputs)}; it answers`,
    `  ${names(e.outputs)} (the tensors between stay in Triton).`,
  ]);
  return [
    ...(ensembles.length
      ? [
          'Consecutive cloud sub-models are also served as one Triton model (an ensemble), one call for all:',
          ...ensembles,
        ]
      : []),
    `KServe: \`${KSERVE_SERVICE_FILE}\` is an InferenceService running this repository with KServe's Triton`,
    'runtime (v2 protocol); copy `cloud/triton/` to storage the cluster reads and set its `storageUri`.',
  ];
}
