/**
 * Writing a model with its weights in an external-data file beside it (`NAME.onnx` and
 * `NAME.onnx.data`), streaming: weights that already live in an external file are copied from it
 * in chunks (holes stay holes), inline ones are written where they go; no buffer ever holds the
 * whole data file. Protobuf caps a message at 2 GiB, so this is the only way to write a segment of
 * an LLM; models that used external data keep that layout too.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CutlineError } from '../errors.js';
import {
  externalRef,
  readExternal,
  writeSparse,
  zeroBytes,
  type ExternalRef,
} from '../onnx/external-data.js';
import { quoteName } from '../text/quote-name.js';
import { encodeModelProto, type TensorProto, type onnx } from '../onnx/codec.js';
import { forEachTensor } from '../onnx/read.js';

/** TensorProto.DataLocation. */
const DEFAULT_LOCATION = 0;
const EXTERNAL_LOCATION = 1;

/** Tensors at least this large go to the data file; smaller ones stay in the model. */
export const EXTERNAL_MIN_TENSOR_BYTES = 1024;
/** Offsets in the data file are multiples of this, so onnxruntime can map the file. */
export const EXTERNAL_ALIGNMENT = 4096;
/**
 * Weight bytes above which a model must use external data: protobuf's 2 GiB message limit, less
 * room for the graph, names and small inline tensors.
 */
export const PROTOBUF_WEIGHT_LIMIT = 2 * 1024 ** 3 - 64 * 1024 ** 2;

const CHUNK_BYTES = 8 * 1024 ** 2;

/** A file written by `writeModelFiles`: its path, size and SHA-256 (of its bytes, holes as zeros). */
export interface WrittenFile {
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface WrittenModelFiles {
  readonly model: WrittenFile;
  /** The external-data file; null when no tensor was large enough to go there. */
  readonly data: WrittenFile | null;
}

/** Calls `visit` for every TensorProto of a model: its graphs (nested too) and local functions. */
export function forEachModelTensor(
  proto: onnx.ModelProto.$Properties,
  visit: (tensor: TensorProto) => void,
): void {
  if (proto.graph) forEachTensor(proto.graph, visit);
  for (const fn of proto.functions ?? []) forEachTensor({ node: fn.node ?? [] }, visit);
}

/** Bytes of a tensor's values: external length, raw data, or its typed fields (estimated). */
export function tensorStoredBytes(tensor: TensorProto): number {
  const ref = externalRef(tensor);
  if (ref) return ref.length;
  if (tensor.rawData && tensor.rawData.length > 0) return tensor.rawData.length;
  return (
    (tensor.floatData?.length ?? 0) * 4 +
    (tensor.int32Data?.length ?? 0) * 4 +
    (tensor.int64Data?.length ?? 0) * 8 +
    (tensor.doubleData?.length ?? 0) * 8 +
    (tensor.uint64Data?.length ?? 0) * 8 +
    (tensor.stringData ?? []).reduce((sum, s) => sum + s.length, 0)
  );
}

/** Total bytes of a model's weights (every tensor it holds, inline or external). */
export function modelWeightBytes(proto: onnx.ModelProto.$Properties): number {
  let total = 0;
  forEachModelTensor(proto, (t) => (total += tensorStoredBytes(t)));
  return total;
}

/** Whether any tensor of the model lives in an external-data file. */
export function usesExternalData(proto: onnx.ModelProto.$Properties): boolean {
  let found = false;
  forEachModelTensor(proto, (t) => (found ||= externalRef(t) !== undefined));
  return found;
}

/** Where one tensor's bytes come from and where they go in the data file. */
interface Placed {
  readonly tensor: TensorProto;
  readonly offset: number;
  readonly length: number;
  readonly source: ExternalRef | Uint8Array;
}

const alignUp = (n: number): number => Math.ceil(n / EXTERNAL_ALIGNMENT) * EXTERNAL_ALIGNMENT;

/**
 * Writes `proto` as `modelPath` plus `modelPath + '.data'`: every tensor of at least
 * `EXTERNAL_MIN_TENSOR_BYTES` (raw or external) is stored in the data file at a 4096-aligned
 * offset, with `location` the data file's base name, so onnxruntime finds it beside the model.
 * Smaller tensors stay in the model, those read from the source's external data included (read
 * and written inline, so nothing points at the source's files). When no tensor qualifies, only the
 * model is written (self-contained) and `data` is null.
 * External source bytes are copied through positioned reads of at most 8 MiB (`readExternal`),
 * inline ones written in place; all-zero 64 KiB pieces are left as holes (`writeSparse`), so a sparse source stays
 * sparse. The data file is hashed in file order as it is written, not read back: at these sizes a
 * second pass over the file would double the export's time.
 *
 * `proto` is not changed: its tensors are pointed at the new file only while it is encoded
 * (synchronously), then put back, which avoids copying a graph that may hold GBs of views.
 *
 * @throws CutlineError EXPORT_FAILED when a file cannot be written.
 */
export function writeModelFiles(proto: onnx.ModelProto.$Properties, modelPath: string): WrittenModelFiles {
  const dataPath = `${modelPath}.data`;
  const location = path.basename(dataPath);
  const placed: Placed[] = [];
  /** Small tensors of the source's external data, written inline (they must not point at it). */
  const inlined: { readonly tensor: TensorProto; readonly bytes: Uint8Array }[] = [];
  let end = 0;
  forEachModelTensor(proto, (tensor) => {
    const ref = externalRef(tensor);
    if (!ref && tensor.dataLocation === EXTERNAL_LOCATION) {
      throw new CutlineError(
        'EXPORT_FAILED',
        `Tensor ${quoteName(tensor.name ?? '')} is stored in external data that was not opened with the model; open the model from its file, beside its data.`,
      );
    }
    const source = ref ?? (tensor.rawData && tensor.rawData.length > 0 ? tensor.rawData : undefined);
    const length = ref ? ref.length : (tensor.rawData?.length ?? 0);
    if (!source) return;
    if (length < EXTERNAL_MIN_TENSOR_BYTES) {
      if (ref) inlined.push({ tensor, bytes: readExternal(ref) });
      return;
    }
    const offset = alignUp(end);
    placed.push({ tensor, offset, length, source });
    end = offset + length;
  });

  const changed = [...placed.map((p) => p.tensor), ...inlined.map((i) => i.tensor)];
  const saved = changed.map(saveStorage);
  let modelBytes: Uint8Array;
  try {
    for (const { tensor, offset, length } of placed) {
      // Deleted, not emptied: the encoder writes an own empty raw_data field beside the location.
      delete tensor.rawData;
      tensor.dataLocation = EXTERNAL_LOCATION;
      tensor.externalData = [
        { key: 'location', value: location },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(length) },
      ];
    }
    for (const { tensor, bytes } of inlined) {
      tensor.rawData = bytes;
      tensor.dataLocation = DEFAULT_LOCATION;
      tensor.externalData = [];
    }
    modelBytes = encodeModelProto(proto);
  } catch (cause) {
    throw new CutlineError(
      'EXPORT_FAILED',
      `${path.basename(modelPath)} cannot be encoded (${(cause as Error).message}); its graph alone may be over protobuf's 2 GiB limit.`,
      { cause },
    );
  } finally {
    changed.forEach((tensor, i) => restoreStorage(tensor, saved[i]!));
  }
  writeOrFail(modelPath, () => fs.writeFileSync(modelPath, modelBytes));
  const model: WrittenFile = { path: modelPath, bytes: modelBytes.length, sha256: sha256Hex(modelBytes) };
  if (placed.length === 0) return { model, data: null };

  let dataSha = '';
  writeOrFail(dataPath, () => {
    const fd = fs.openSync(dataPath, 'w');
    // Hashed in file order as it is written (alignment gaps and holes as the zeros they read as),
    // which saves reading a multi-GB file a second time.
    const hash = createHash('sha256');
    let hashed = 0;
    try {
      for (const { offset, length, source } of placed) {
        hash.update(zeroBytes(offset - hashed));
        for (let at = 0; at < length; at += CHUNK_BYTES) {
          const size = Math.min(CHUNK_BYTES, length - at);
          const chunk =
            source instanceof Uint8Array ? source.subarray(at, at + size) : readExternal(source, at, size);
          hash.update(chunk);
          // Zero pieces are left as holes: a sparse source gives a sparse copy.
          writeSparse(fd, chunk, offset + at);
        }
        hashed = offset + length;
      }
      // Trailing holes (a last tensor of zeros) still count towards the file's size.
      fs.ftruncateSync(fd, end);
    } finally {
      fs.closeSync(fd);
    }
    dataSha = hash.digest('hex');
  });
  return { model, data: { path: dataPath, bytes: end, sha256: dataSha } };
}

const STORAGE_FIELDS = ['rawData', 'dataLocation', 'externalData'] as const;
type Storage = Map<(typeof STORAGE_FIELDS)[number], unknown>;

/** A tensor's own storage fields (absent ones left out, so they are deleted again on restore). */
function saveStorage(tensor: TensorProto): Storage {
  const saved: Storage = new Map();
  for (const field of STORAGE_FIELDS) if (Object.hasOwn(tensor, field)) saved.set(field, tensor[field]);
  return saved;
}

function restoreStorage(tensor: TensorProto, saved: Storage): void {
  const fields = tensor as Record<string, unknown>;
  for (const field of STORAGE_FIELDS) {
    if (saved.has(field)) fields[field] = saved.get(field);
    else Reflect.deleteProperty(fields, field);
  }
}

const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function writeOrFail(file: string, write: () => void): void {
  try {
    write();
  } catch (cause) {
    if (cause instanceof CutlineError) throw cause;
    throw new CutlineError(
      'EXPORT_FAILED',
      `${file} cannot be written (${(cause as Error).message}); check the free space and permissions of the output folder.`,
      { cause },
    );
  }
}

/** When a model is written with external data (see `wantsExternalData`). */
export interface ExternalDataPolicy {
  /** The source model kept its weights in external data: the bundle keeps that layout. */
  readonly sourceUsesExternalData: boolean;
  /** Also use external data when a model's weights are over this many bytes (tests, small models). */
  readonly externalDataAbove?: number | undefined;
}

/**
 * Whether a model with `weightBytes` of weights is written with an external-data file: when the
 * weights would not fit protobuf's 2 GiB message (`PROTOBUF_WEIGHT_LIMIT`), when the source model
 * used external data, or when they are over the caller's `externalDataAbove`.
 */
export function wantsExternalData(weightBytes: number, policy: ExternalDataPolicy): boolean {
  return (
    weightBytes > PROTOBUF_WEIGHT_LIMIT ||
    policy.sourceUsesExternalData ||
    (policy.externalDataAbove !== undefined && weightBytes > policy.externalDataAbove)
  );
}
