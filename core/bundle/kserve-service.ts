/**
 * A KServe InferenceService for the cloud's Triton repository: KServe's Triton serving runtime
 * (`kserve-tritonserver`, model format `triton`) downloads `storageUri` to its model store and
 * runs Triton on it, speaking the v2 (Open Inference) protocol. Fields as KServe's v1beta1 API
 * documents them; the storage URI is the user's to fill in.
 */
import type { BundleManifest } from './manifest.js';

/** Where the bundle writes it: beside the repository it serves. */
export const KSERVE_SERVICE_FILE = 'cloud/kserve.yaml';

/**
 * A Kubernetes name (RFC 1035 label, as KServe requires of an InferenceService): lower-case
 * letters, digits and '-', starting with a letter, at most 63 characters.
 */
export function kubernetesName(text: string): string {
  const name = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return name || 'cutline';
}

/** The InferenceService's YAML: `metadata.name` is `<model>-cloud`. */
export function kserveInferenceService(manifest: BundleManifest): string {
  return [
    '# KServe: Triton serves cloud/triton/ (the cloud sub-models, and any ensemble chaining them)',
    '# over the v2 protocol. Copy cloud/triton/ to storage the cluster can read, put its URI in',
    '# storageUri, then: kubectl apply -f cloud/kserve.yaml',
    'apiVersion: serving.kserve.io/v1beta1',
    'kind: InferenceService',
    'metadata:',
    `  name: ${kubernetesName(`${manifest.model.name}-cloud`)}`,
    'spec:',
    '  predictor:',
    '    model:',
    '      modelFormat:',
    '        name: triton',
    '      protocolVersion: v2',
    '      runtime: kserve-tritonserver',
    '      storageUri: "s3://<bucket>/<path>/triton"',
    '',
  ].join('\n');
}
