/**
 * The model files of a bundle: each segment's sub-model (a cloud segment Triton can load written
 * into Triton's repository with its `config.pbtxt`), and the whole model for the device's local
 * fallback; each self-contained or with its weights in an external-data file beside it.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Analysis } from '../analyze.js';
import { extractSubModel, segmentModelProto } from '../export/extract.js';
import {
  modelWeightBytes,
  wantsExternalData,
  writeModelFiles,
  type ExternalDataPolicy,
  type WrittenModelFiles,
} from '../export/external-weights.js';
import type { Segment, SegmentTensor } from '../export/segments.js';
import { encodeModelProto } from '../onnx/codec.js';
import { inlineExternalTensors } from '../onnx/external-data.js';
import type { ManifestData, ManifestTensor } from './manifest.js';
import { tensorTypeName } from './tensor-types.js';
import { tritonConfig } from './triton-config.js';

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A segment tensor as the manifest lists it: dtype by name, unknown dimensions as `?`. */
export function manifestTensor(t: SegmentTensor): ManifestTensor {
  return {
    name: t.name,
    dtype: tensorTypeName(t.dtype),
    shape: t.shape ? [...t.shape].map((d) => d ?? '?') : null,
  };
}

/** A segment's written sub-model: its bundle-relative file, the file's SHA-256 and data file. */
export interface SegmentFile {
  readonly segment: Segment;
  readonly file: string;
  readonly sha: string;
  readonly data: ManifestData | undefined;
}

/** The manifest's `data` entry of a model written by `writeModelFiles` as `file` (bundle-relative). */
function dataEntry(file: string, written: WrittenModelFiles): ManifestData | undefined {
  if (!written.data) return undefined;
  return { file: `${file}.data`, sha256: written.data.sha256, bytes: written.data.bytes };
}

/**
 * A cloud segment's Triton `config.pbtxt`, or null when Triton would refuse the segment (Cutline's
 * own tier still serves it, from `cloud/<segment>.onnx`).
 */
function tritonEntry(segment: Segment, report: (message: string) => void): string | null {
  try {
    return tritonConfig(segment.id, segment.inputs.map(manifestTensor), segment.outputs.map(manifestTensor));
  } catch (error) {
    report(`No Triton entry for ${segment.id}: ${(error as Error).message}`);
    return null;
  }
}

/** Writes the whole model for the device's fallback: its file, the file's SHA-256 and data file. */
export function writeWholeModel(
  work: string,
  analysis: Analysis,
  modelBytes: Uint8Array,
  policy: ExternalDataPolicy,
  report: (message: string) => void,
): { file: string; sha256: string; data: ManifestData | undefined } {
  const file = 'device/model.onnx';
  fs.mkdirSync(path.join(work, 'device'), { recursive: true });
  if (wantsExternalData(modelWeightBytes(analysis.model.proto), policy)) {
    report('Writing the whole model with external data');
    const written = writeModelFiles(analysis.model.proto, path.join(work, file));
    return { file, sha256: written.model.sha256, data: dataEntry(file, written) };
  }
  // Self-contained: a model opened with external data under the limits is shipped with its
  // weights inlined (its tiers refuse external data the manifest does not list).
  const bytes =
    analysis.model.externalDataFiles.length > 0
      ? encodeModelProto(inlineExternalTensors(analysis.model.proto))
      : modelBytes;
  fs.writeFileSync(path.join(work, file), bytes);
  return { file, sha256: sha256(bytes), data: undefined };
}

/**
 * Writes every segment's sub-model into `work` (the bundle folder being written), in `segments`'
 * order; `cloud` is the cloud tier's index (-1 without one).
 */
export function writeSegmentModels(
  work: string,
  analysis: Analysis,
  segments: readonly Segment[],
  cloud: number,
  policy: ExternalDataPolicy,
  report: (message: string) => void,
): SegmentFile[] {
  const files: SegmentFile[] = [];
  for (const segment of segments) {
    report(
      `Writing sub-model ${segment.id} (${segment.nodes.length} node${segment.nodes.length === 1 ? '' : 's'})`,
    );
    // A cloud segment Triton can load is written once, into Triton's repository, and the cloud
    // tier serves it from there: one file in the folder, the .zip and the Docker context.
    const triton = segment.tier === cloud ? tritonEntry(segment, report) : null;
    const file = triton
      ? `cloud/triton/${segment.id}/1/model.onnx`
      : `${segment.tierName}/${segment.id}.onnx`;
    fs.mkdirSync(path.join(work, path.posix.dirname(file)), { recursive: true });
    if (triton) fs.writeFileSync(path.join(work, 'cloud', 'triton', segment.id, 'config.pbtxt'), triton);
    const proto = segmentModelProto(analysis, segment);
    if (wantsExternalData(modelWeightBytes(proto), policy)) {
      const written = writeModelFiles(proto, path.join(work, file));
      files.push({ segment, file, sha: written.model.sha256, data: dataEntry(file, written) });
      continue;
    }
    const bytes = extractSubModel(analysis, segment);
    fs.writeFileSync(path.join(work, file), bytes);
    files.push({ segment, file, sha: sha256(bytes), data: undefined });
  }
  return files;
}
