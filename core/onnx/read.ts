/**
 * Opening ONNX files: decoding, validation with errors a user can act on, and external data.
 *
 * Inline weights stay views into the file's buffer; external weights stay in their files and are
 * read on demand (core/onnx/external-data.ts): a model opens in about its own size of memory,
 * whatever the size of its external data.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CutlineError } from '../errors.js';
import { escapeControl, NAME_LIMIT, quoteName } from '../text/quote-name.js';
import { decodeModelProto, type GraphProto, type ModelProto, type TensorProto } from './codec.js';
import { attributeGraphs } from './attributes.js';
import { isInside } from '../paths.js';
import { DATA_FILE_OPEN_FLAGS, EXTERNAL, fileIdentity, registerExternal } from './external-data.js';

/**
 * Oldest and newest ai.onnx operator sets Cutline's shape and cost rules are written for. The
 * rules take the opset and apply the older semantics where they differ (before opset 7,
 * element-wise operators broadcast by a `broadcast`/`axis` attribute pair; Reshape's target, Cast's
 * type, Tile's repeats, Concat's default axis and others changed on the way): see core/shape/ops/.
 */
export const MIN_OPSET = 1;
export const MAX_OPSET = 24;

export interface OnnxModel {
  readonly proto: ModelProto;
  /** Absolute path of the file, when opened from one. */
  readonly path?: string;
  readonly fileBytes: number;
  readonly irVersion: number;
  /** Version of the default (ai.onnx) operator set; 0 when the model imports none. */
  readonly opset: number;
  readonly opsets: ReadonlyMap<string, number>;
  readonly producer: string;
  /** External-data files the weights are stored in (real absolute paths). */
  readonly externalDataFiles: readonly string[];
  /** Bytes of all external tensors together (none of them is read at open). */
  readonly externalDataBytes: number;
}

/** Stages of opening a file, reported before each runs (the studio shows them as progress). */
export type OpenStage = 'read' | 'decode';
export type StageListener<S extends string> = (stage: S, message: string) => void;

export interface OpenOptions {
  /** Folder external data is resolved against; external data outside it is refused. */
  readonly baseDir?: string;
  /** Shown in errors in place of a path. */
  readonly displayName?: string;
}

const TAG_IR_VERSION = 0x08;

export const megabytes = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(1)} MB`;

/**
 * Reads and opens an ONNX file; external data is resolved against the file's own folder. The file
 * is opened without blocking and checked through its descriptor, so a FIFO or device put in its
 * place after a check is refused (NOT_A_FILE) instead of blocking open() or read().
 */
export function readModelFile(filePath: string, onStage?: StageListener<OpenStage>): OnnxModel {
  const absolute = path.resolve(filePath);
  let fd: number;
  try {
    fd = fs.openSync(absolute, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new CutlineError('NOT_A_FILE', `${filePath} does not exist. Check the path and try again.`, {
        cause,
      });
    if (code === 'EISDIR') throw notAFile(filePath, 'folder');
    throw unreadable(filePath, cause);
  }
  let bytes: Buffer;
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw notAFile(filePath, stat.isDirectory() ? 'folder' : 'special file');
    onStage?.('read', `Reading ${path.basename(absolute)} (${megabytes(stat.size)})`);
    bytes = readWhole(fd, stat.size, filePath);
  } finally {
    fs.closeSync(fd);
  }
  onStage?.('decode', `Decoding ${path.basename(absolute)}`);
  const model = openModelBytes(bytes, { baseDir: path.dirname(absolute), displayName: filePath });
  return { ...model, path: absolute };
}

/** The file's bytes as of the size it had when opened (one that shrinks meanwhile: as read). */
function readWhole(fd: number, size: number, filePath: string): Buffer {
  assertModelFileSize(size, filePath);
  const bytes = Buffer.allocUnsafe(size);
  let filled = 0;
  try {
    for (let read: number; filled < size; filled += read) {
      read = fs.readSync(fd, bytes, filled, size - filled, filled);
      if (read === 0) break;
    }
  } catch (cause) {
    throw unreadable(filePath, cause);
  }
  return bytes.subarray(0, filled);
}

/**
 * Protobuf's limit on one message (INT_MAX bytes); a larger model file cannot be a valid
 * ModelProto. Also what one readSync may ask for: a length of 2^31 is refused as out of range.
 */
const MAX_MODEL_FILE_BYTES = 2 ** 31 - 1;

/**
 * Refuses a model file too large to be one (before any buffer is allocated for it): every reader
 * of whole model files calls this, so a 13 GB data file opened as the model by mistake is a named
 * error, not a RangeError from Buffer.allocUnsafe or gigabytes read for nothing.
 *
 * @throws CutlineError FILE_UNREADABLE naming the file and its size.
 */
export function assertModelFileSize(size: number, filePath: string): void {
  if (size <= MAX_MODEL_FILE_BYTES) return;
  throw new CutlineError(
    'FILE_UNREADABLE',
    `${filePath} is ${megabytes(size)}, larger than an ONNX model file can be (2 GiB, protobuf's limit); keep the weights in external data.`,
  );
}

function unreadable(filePath: string, cause: unknown): CutlineError {
  return new CutlineError(
    'FILE_UNREADABLE',
    `${filePath} cannot be read (${(cause as Error).message}). Check its permissions.`,
    { cause },
  );
}

function notAFile(filePath: string, what: 'folder' | 'special file'): CutlineError {
  return new CutlineError(
    'NOT_A_FILE',
    `${filePath} is not a file (it is a ${what}). Give the path of a .onnx file.`,
  );
}

/** Decodes and validates ONNX bytes. */
export function openModelBytes(bytes: Uint8Array, options: OpenOptions = {}): OnnxModel {
  const name = options.displayName ?? 'the model';
  if (bytes.length === 0) throw new CutlineError('NOT_ONNX', `${name} is empty. Choose an ONNX model file.`);
  let proto: ModelProto;
  try {
    proto = decodeModelProto(bytes);
  } catch (cause) {
    const message = (cause as Error).message;
    if (bytes[0] === TAG_IR_VERSION && /index out of range/i.test(message)) {
      throw new CutlineError(
        'TRUNCATED',
        `${name} ends too early: it looks like an ONNX model that was cut off (${message}). Copy or export it again.`,
        { cause },
      );
    }
    if (/max depth exceeded/.test(message)) {
      // protobufjs stops at 100 nested messages, as protoc and so ONNX's own tools do.
      throw new CutlineError(
        'NOT_ONNX',
        `${name} nests sub-graphs (If, Loop or Scan bodies) or other messages more than 100 deep, past protobuf's limit; ONNX tools cannot read it either. Export the model with fewer nested control-flow levels.`,
        { cause },
      );
    }
    throw new CutlineError(
      'NOT_ONNX',
      `${name} is not an ONNX model: it is not a valid ModelProto (${message}).`,
      { cause },
    );
  }
  if (!proto.graph || (!proto.irVersion && proto.opsetImport.length === 0)) {
    throw new CutlineError(
      'NOT_ONNX',
      `${name} is not an ONNX model: it has no graph or no IR version. Choose a .onnx file exported by PyTorch, TensorFlow or another ONNX exporter.`,
    );
  }
  const opsets = new Map<string, number>();
  for (const entry of proto.opsetImport)
    opsets.set(entry.domain === 'ai.onnx' ? '' : (entry.domain ?? ''), Number(entry.version ?? 0));
  // IR version < 3 models predate opset_import and use operator set 1.
  const opset = opsets.get('') ?? (proto.irVersion < 3 ? 1 : 0);
  if (opset > MAX_OPSET) {
    throw new CutlineError(
      'UNSUPPORTED_OPSET',
      `${name} uses ai.onnx opset ${opset}, newer than Cutline knows (up to ${MAX_OPSET}). Export it with opset ${MAX_OPSET} or lower, or convert it with onnx.version_converter.`,
    );
  }
  const { files: externalDataFiles, bytes: externalDataBytes } = registerExternalData(
    proto,
    options.baseDir,
    name,
  );
  return {
    proto,
    fileBytes: bytes.length,
    irVersion: Number(proto.irVersion),
    opset,
    opsets,
    producer: [proto.producerName, proto.producerVersion].filter(Boolean).join(' '),
    externalDataFiles,
    externalDataBytes,
  };
}

/** Calls `visit` for every TensorProto in a graph and its sub-graphs (initializers and attributes). */
export function forEachTensor(graph: GraphProto, visit: (tensor: TensorProto) => void): void {
  for (const t of graph.initializer ?? []) visit(t);
  for (const s of graph.sparseInitializer ?? []) {
    if (s.values) visit(s.values);
    if (s.indices) visit(s.indices);
  }
  for (const node of graph.node ?? []) {
    for (const attr of node.attribute ?? []) {
      if (attr.t) visit(attr.t);
      for (const t of attr.tensors ?? []) visit(t);
      if (attr.sparseTensor?.values) visit(attr.sparseTensor.values);
      if (attr.sparseTensor?.indices) visit(attr.sparseTensor.indices);
      for (const g of attributeGraphs(attr)) forEachTensor(g, visit);
    }
  }
}

/** A checked data file: its real path and what it was when the model was opened. */
interface DataFile {
  readonly real: string;
  readonly size: number;
  readonly identity: string;
}

/**
 * Checks every tensor stored outside the model (data_location = EXTERNAL) and registers where its
 * bytes are (see external-data.ts), reading none of them: `location` resolves against `baseDir`,
 * the file must be a regular file there, and offset and length must lie within it. A location
 * that escapes the folder — absolute, `..`, or a symbolic link pointing out — is refused, so a
 * model cannot make Cutline read files the user did not choose. The tensors keep their
 * external_data entries, as in the file.
 */
function registerExternalData(
  proto: ModelProto,
  baseDir: string | undefined,
  name: string,
): { files: string[]; bytes: number } {
  const files = new Map<string, DataFile>();
  let realBase: string | undefined;
  let bytes = 0;
  const visit = (tensor: TensorProto): void => {
    if (tensor.dataLocation !== EXTERNAL) return;
    const entries = new Map((tensor.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
    const location = entries.get('location') ?? '';
    const tensorName = tensor.name ?? '(unnamed)';
    if (baseDir === undefined) {
      throw new CutlineError(
        'EXTERNAL_DATA_MISSING',
        `${name} keeps tensor ${quoteName(tensorName)} in an external file (${quoteName(location)}), but it was opened without its folder (a model uploaded or dropped into the browser arrives without its data files). Open it from its path so its data file is found beside it: \`cutline studio path/to/model.onnx\`, or File › Open in the desktop app.`,
      );
    }
    realBase ??= fs.realpathSync(baseDir);
    let file = files.get(location);
    if (!file) {
      file = checkedDataFile(
        checkedExternalPath(realBase, location, tensorName, name),
        location,
        tensorName,
        name,
      );
      files.set(location, file);
    }
    const offset = Number(entries.get('offset') ?? 0);
    const length = entries.has('length') ? Number(entries.get('length')) : file.size - offset;
    if (
      !Number.isSafeInteger(offset) ||
      !Number.isSafeInteger(length) ||
      offset < 0 ||
      length < 0 ||
      offset + length > file.size
    ) {
      throw new CutlineError(
        'EXTERNAL_DATA_OUT_OF_RANGE',
        `${name}: tensor ${quoteName(tensorName)} asks for bytes ${offset}..${offset + length} of ${quoteName(location)}, which has ${file.size} bytes. The external-data file does not match the model; copy both again.`,
      );
    }
    bytes += length;
    registerExternal(tensor, {
      file: file.real,
      location,
      offset,
      length,
      fileBytes: file.size,
      fileIdentity: file.identity,
    });
  };
  if (proto.graph) forEachTensor(proto.graph, visit);
  // A model-local function's Constant nodes can keep tensors outside too, and onnxruntime loads
  // them when it inlines the function: they are held to the same folder as the graph's.
  for (const fn of proto.functions ?? []) forEachTensor({ node: fn.node ?? [] }, visit);
  return { files: [...new Set([...files.values()].map((f) => f.real))], bytes };
}

/**
 * The data file's size and identity through a descriptor opened without blocking or following a
 * link: a FIFO or device is refused without being read, whatever was put at the path.
 */
function checkedDataFile(real: string, location: string, tensorName: string, name: string): DataFile {
  const notAFile = (cause?: unknown): CutlineError =>
    new CutlineError(
      'EXTERNAL_DATA_MISSING',
      `${name}: external data ${quoteName(location)} of tensor ${quoteName(tensorName)} is not a file.`,
      cause === undefined ? undefined : { cause },
    );
  let fd: number;
  try {
    fd = fs.openSync(real, DATA_FILE_OPEN_FLAGS);
  } catch (cause) {
    throw notAFile(cause);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw notAFile();
    return { real, size: stat.size, identity: fileIdentity(stat) };
  } finally {
    fs.closeSync(fd);
  }
}

function checkedExternalPath(realBase: string, location: string, tensorName: string, name: string): string {
  const outside = (): CutlineError =>
    new CutlineError(
      'EXTERNAL_DATA_OUTSIDE_MODEL_DIR',
      `${name}: tensor ${quoteName(tensorName)} points to external data ${quoteName(location)} outside the model's folder. Cutline only reads external data stored beside the model; move the data file into the model's folder.`,
    );
  if (location === '' || path.isAbsolute(location) || location.includes('\0')) throw outside();
  const candidate = path.resolve(realBase, location);
  if (!isInside(realBase, candidate)) throw outside();
  let real: string;
  try {
    real = fs.realpathSync(candidate);
  } catch (cause) {
    throw new CutlineError(
      'EXTERNAL_DATA_MISSING',
      `${name}: tensor ${quoteName(tensorName)} is stored in ${quoteName(location)}, which is not in the model's folder (${realBase}). Copy the external-data file next to the model.`,
      { cause },
    );
  }
  if (!isInside(realBase, real)) throw outside();
  return real;
}

/**
 * Throws UNSUPPORTED_OPSET when the model uses ai.onnx operators but imports an ai.onnx operator
 * set older than MIN_OPSET: since every opset from 1 is analysed, that is a model (IR version 3 or
 * later) that uses them without importing the default domain at all, so no operator's version
 * is known.
 */
export function assertAnalyzableOpset(model: OnnxModel, displayName = model.path ?? 'the model'): void {
  const defaultDomainNode = (model.proto.graph?.node ?? []).find((n) => !n.domain || n.domain === 'ai.onnx');
  if (defaultDomainNode && model.opset < MIN_OPSET) {
    const op = defaultDomainNode.opType ?? '(no type)';
    throw new CutlineError(
      'UNSUPPORTED_OPSET',
      `${displayName} uses the ai.onnx operator ${escapeControl(op, NAME_LIMIT)} but imports ai.onnx opset ${model.opset}, so the version of its operators is unknown; Cutline analyses opsets ${MIN_OPSET} to ${MAX_OPSET}. Add the ai.onnx opset the model was exported with to its opset_import (e.g. with onnx.helper) and open it again.`,
    );
  }
}
