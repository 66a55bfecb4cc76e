/**
 * Reading a model file a bundle's manifest names, as untrusted input: the path must stay inside the
 * bundle, the file must be a regular file whose SHA-256 is the one listed, and the model must be
 * self-contained unless its manifest entry lists a data file, which then is the only file its
 * external tensors may name (`readCheckedModel`). onnxruntime resolves a relative `external_data`
 * location of a model loaded from bytes against the process's working directory (and takes
 * absolute ones as they are), so a hostile sub-model with a matching hash could otherwise serve
 * any file the tier can read as a "weight".
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CutlineError } from '../errors.js';
import { decodeModelProto, type ModelProto, type TensorProto } from '../onnx/codec.js';
import { forEachTensor } from '../onnx/read.js';
import { hashFile } from '../export/file-hash.js';
import { isInside } from '../paths.js';
import { quoteName } from '../text/quote-name.js';
import type { ManifestData } from './manifest.js';

/** TensorProto.DataLocation.EXTERNAL. */
const EXTERNAL = 1;

/** onnxruntime's ORT-format (flatbuffer) models carry this identifier at bytes 4..8. */
const ORT_FORMAT_ID = 'ORTM';

export interface ExternalTensor {
  readonly tensor: string;
  readonly location: string;
  /** The tensor's external_data entries, in file order (keys may repeat in a hostile file). */
  readonly entries: readonly { readonly key: string; readonly value: string }[];
  /** Whether data_location says EXTERNAL (not only external_data entries). */
  readonly declared: boolean;
}

/**
 * Every tensor of a model stored outside it: initializers, sparse initializers and tensor
 * attributes of the main graph, of every nested sub-graph (If/Loop/Scan bodies), of the model's
 * local functions and of its training-info graphs. A tensor counts as external when its
 * data_location says so or when it carries external_data entries at all.
 */
export function externalTensors(proto: ModelProto): ExternalTensor[] {
  const found: ExternalTensor[] = [];
  const visit = (tensor: TensorProto): void => {
    if (tensor.dataLocation !== EXTERNAL && (tensor.externalData ?? []).length === 0) return;
    const entries = (tensor.externalData ?? []).map((e) => ({ key: e.key ?? '', value: e.value ?? '' }));
    const location = entries.find((e) => e.key === 'location')?.value ?? '';
    found.push({
      tensor: tensor.name || '(unnamed)',
      location,
      entries,
      declared: tensor.dataLocation === EXTERNAL,
    });
  };
  if (proto.graph) forEachTensor(proto.graph, visit);
  for (const fn of proto.functions ?? []) forEachTensor({ node: fn.node ?? [] }, visit);
  for (const info of proto.trainingInfo ?? []) {
    if (info.initialization) forEachTensor(info.initialization, visit);
    if (info.algorithm) forEachTensor(info.algorithm, visit);
  }
  return found;
}

/** The file's real path, refusing one that is not a regular file inside the bundle. */
function checkedPath(bundleDir: string, file: string): string {
  if (file.includes('\0')) {
    throw new CutlineError(
      'BAD_BUNDLE',
      `The manifest names ${JSON.stringify(file)}, which contains a NUL byte; re-export the bundle.`,
    );
  }
  const outside = (): CutlineError =>
    new CutlineError('BAD_BUNDLE', `The manifest names ${file}, outside the bundle.`);
  const base = path.resolve(bundleDir);
  const full = path.resolve(base, file);
  if (path.isAbsolute(file) || !isInside(base, full)) throw outside();
  let real: string;
  let stat: fs.Stats;
  try {
    real = fs.realpathSync(full);
    stat = fs.statSync(real);
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw new CutlineError(
      'BAD_BUNDLE',
      missing
        ? `${file} is missing from the bundle; copy the whole bundle folder again or re-export it.`
        : `${file} cannot be read (${(cause as Error).message}).`,
      { cause },
    );
  }
  // A symbolic link inside the bundle must not lead out of it either.
  if (!isInside(fs.realpathSync(base), real)) throw outside();
  if (!stat.isFile()) {
    throw new CutlineError(
      'BAD_BUNDLE',
      `${file} is not a file (it is a ${stat.isDirectory() ? 'folder' : 'special file'}); re-export the bundle.`,
    );
  }
  return real;
}

/**
 * Reads `file` (relative to the bundle's root) as the manifest lists it: inside the bundle, a
 * regular file, SHA-256 `sha256` (lowercase hex), an ONNX model with no external data anywhere
 * (see `externalTensors`). A model whose entry lists a data file goes through `readCheckedModel`;
 * here an external reference is refused rather than resolved.
 *
 * @throws CutlineError BAD_BUNDLE naming the file and what is wrong with it.
 */
export function readChecked(bundleDir: string, file: string, sha256: string): Uint8Array {
  const { bytes, proto } = readCheckedProto(bundleDir, file, sha256);
  const external = externalTensors(proto);
  if (external.length > 0) {
    const shown = external
      .slice(0, 3)
      .map((e) => `tensor ${e.tensor} in ${JSON.stringify(e.location)}`)
      .join(', ');
    const more = external.length > 3 ? ` and ${external.length - 3} more` : '';
    throw new CutlineError(
      'BAD_BUNDLE',
      `${file} refers to external data (${shown}${more}); bundle sub-models must be self-contained: re-export the bundle.`,
    );
  }
  return bytes;
}

/** A manifest's model or segment entry: the model file and, when it has one, its data file. */
export interface CheckedModelEntry {
  readonly file: string;
  readonly sha256: string;
  readonly data?: ManifestData | undefined;
}

/**
 * A model the manifest lists, checked, for onnxruntime: its bytes when it is self-contained
 * (`readChecked`), or, when the entry declares an external-data file, the model's real path, to
 * load from so that onnxruntime finds the data beside it. The data file is checked first: a regular
 * file inside the bundle, in the model's own folder, of the listed size and SHA-256; and every
 * external tensor of the model must name exactly that file's base name as its location, with a
 * plain decimal offset and length inside it and no other keys. So onnxruntime reads no byte from
 * anywhere but the listed, hashed file.
 *
 * @throws CutlineError BAD_BUNDLE naming the file and what is wrong with it.
 */
export function readCheckedModel(bundleDir: string, entry: CheckedModelEntry): Uint8Array | string {
  if (!entry.data) return readChecked(bundleDir, entry.file, entry.sha256);
  const { real, proto } = readCheckedProto(bundleDir, entry.file, entry.sha256);
  const data = entry.data;
  const realData = checkedPath(bundleDir, data.file);
  const location = path.basename(realData);
  // Where onnxruntime will look: the location beside the model's real path.
  let beside: string | undefined;
  try {
    beside = fs.realpathSync(path.join(path.dirname(real), path.posix.basename(data.file)));
  } catch {
    beside = undefined;
  }
  if (beside !== realData || path.posix.basename(data.file) !== location) {
    throw new CutlineError(
      'BAD_BUNDLE',
      `${data.file} is not beside ${entry.file}, where onnxruntime looks for its external data; re-export the bundle.`,
    );
  }
  const size = fs.statSync(realData).size;
  if (size !== data.bytes) {
    throw new CutlineError(
      'BAD_BUNDLE',
      `${data.file} has ${size} bytes, not the ${data.bytes} the manifest lists; copy the whole bundle folder again or re-export it.`,
    );
  }
  for (const t of externalTensors(proto)) checkExternalTensor(entry.file, t, location, size);
  if (hashFile(realData) !== data.sha256) {
    throw new CutlineError(
      'BAD_BUNDLE',
      `${data.file} is not the file the manifest lists (its SHA-256 differs); re-export the bundle.`,
    );
  }
  return real;
}

const EXTERNAL_KEYS = new Set(['location', 'offset', 'length', 'checksum']);

/** One external tensor of a checked model: only the listed data file, a range inside it. */
function checkExternalTensor(file: string, t: ExternalTensor, location: string, size: number): void {
  const refuse = (what: string): never => {
    throw new CutlineError(
      'BAD_BUNDLE',
      `${file}: tensor ${quoteName(t.tensor)} ${what}; re-export the bundle.`,
    );
  };
  if (!t.declared) refuse('has external_data entries but is not marked as external');
  const values = new Map<string, string>();
  for (const { key, value } of t.entries) {
    if (!EXTERNAL_KEYS.has(key)) refuse(`has an unknown external_data key ${quoteName(key)}`);
    if (values.has(key)) refuse(`lists external_data key ${quoteName(key)} twice`);
    values.set(key, value);
  }
  if (values.get('location') !== location) {
    refuse(`keeps its data in ${quoteName(t.location)}, not the bundle's ${quoteName(location)}`);
  }
  const number = (key: string): number => {
    const text = values.get(key);
    const value = text !== undefined && /^[0-9]{1,16}$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(value))
      refuse(`has no plain ${key} in its external data (${quoteName(text ?? '')})`);
    return value;
  };
  const offset = values.has('offset') ? number('offset') : 0;
  const length = number('length');
  if (offset + length > size) {
    refuse(`asks for bytes ${offset}..${offset + length} of ${quoteName(location)}, which has ${size}`);
  }
}

/** The checks every model file of a bundle passes; the decoded proto and where it really is. */
function readCheckedProto(
  bundleDir: string,
  file: string,
  sha256: string,
): { bytes: Uint8Array; proto: ModelProto; real: string } {
  const real = checkedPath(bundleDir, file);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(fs.readFileSync(real));
  } catch (cause) {
    throw new CutlineError('BAD_BUNDLE', `${file} cannot be read (${(cause as Error).message}).`, { cause });
  }
  if (createHash('sha256').update(bytes).digest('hex') !== sha256) {
    throw new CutlineError(
      'BAD_BUNDLE',
      `${file} is not the file the manifest lists (its SHA-256 differs); re-export the bundle.`,
    );
  }
  // onnxruntime would take ORT-format bytes as a flatbuffer, past the ONNX checks below.
  if (bytes.length >= 8 && Buffer.from(bytes.subarray(4, 8)).toString('latin1') === ORT_FORMAT_ID) {
    throw new CutlineError(
      'BAD_BUNDLE',
      `${file} is an ORT-format model; bundle sub-models are ONNX files: re-export the bundle.`,
    );
  }
  let proto: ModelProto;
  try {
    proto = decodeModelProto(bytes);
  } catch (cause) {
    throw new CutlineError(
      'BAD_BUNDLE',
      `${file} is not an ONNX model (${(cause as Error).message}); re-export the bundle.`,
      { cause },
    );
  }
  if (!proto.graph) {
    throw new CutlineError(
      'BAD_BUNDLE',
      `${file} is not an ONNX model (it has no graph); re-export the bundle.`,
    );
  }
  return { bytes, proto, real };
}
