/**
 * Weights stored outside the model (TensorProto data_location = EXTERNAL), read on demand.
 *
 * Opening a model checks where each external tensor's bytes are (core/onnx/read.ts) and registers
 * an `ExternalRef` for it; no data byte is read then. A data file can be far larger than memory
 * (an exported LLM ships 13 to 26 GB) and larger than one Node buffer (2 GiB), and analysis needs
 * only the few small integer tensors that are shape arguments, so bytes are read by position from
 * a file descriptor opened for each read: never the whole file, never one buffer per file.
 */
import fs from 'node:fs';
import { CutlineError } from '../errors.js';
import { quoteName } from '../text/quote-name.js';
import type { AttributeProto, GraphProto, NodeProto, TensorProto, onnx } from './codec.js';

/** TensorProto.DataLocation.EXTERNAL. */
export const EXTERNAL = 1;

/** Where one external tensor's bytes are. */
export interface ExternalRef {
  /** Real absolute path of the data file, checked to be inside the model's folder at open. */
  readonly file: string;
  /** The location as the model writes it (for messages and for writing the model again). */
  readonly location: string;
  /** First byte of the tensor in the file. */
  readonly offset: number;
  /** Bytes of the tensor. */
  readonly length: number;
  /** Size of the data file when the model was opened; a read finding it shorter is refused. */
  readonly fileBytes?: number;
  /** `dev:ino` of the data file at open; a read finding another file in its place is refused. */
  readonly fileIdentity?: string;
}

/** Largest read or write handed to the kernel at once (readSync takes at most 2 GiB - 1). */
const IO_CHUNK_BYTES = 8 * 1024 ** 2;

/**
 * Flags for opening a data file: O_NONBLOCK so a FIFO put in its place cannot block open() or
 * read(), O_NOFOLLOW so a symbolic link put in place of the checked real path is refused.
 */
export const DATA_FILE_OPEN_FLAGS =
  fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOFOLLOW ?? 0);

const refs = new WeakMap<TensorProto, ExternalRef>();

/** Records where `tensor`'s bytes are; called by the reader for every external tensor it opens. */
export function registerExternal(tensor: TensorProto, ref: ExternalRef): void {
  refs.set(tensor, ref);
}

/** The checked location of an external tensor registered when its model was opened. */
export function externalRef(tensor: TensorProto): ExternalRef | undefined {
  return refs.get(tensor);
}

/** `dev:ino`, which names a file whatever path leads to it. */
export function fileIdentity(stat: fs.Stats): string {
  return `${stat.dev}:${stat.ino}`;
}

function changed(ref: ExternalRef, what: string): CutlineError {
  return new CutlineError(
    'EXTERNAL_DATA_CHANGED',
    `The external-data file ${quoteName(ref.location)} ${what} since the model was opened. Open the model again.`,
  );
}

/** Opens the ref's file and checks it is still the file, at least the size, seen at open. */
function openChecked(ref: ExternalRef, end: number): number {
  let fd: number;
  try {
    fd = fs.openSync(ref.file, DATA_FILE_OPEN_FLAGS);
  } catch (cause) {
    throw new CutlineError(
      'EXTERNAL_DATA_CHANGED',
      `The external-data file ${quoteName(ref.location)} cannot be opened any more (${(cause as Error).message}). Open the model again.`,
      { cause },
    );
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw changed(ref, 'is no longer a regular file');
    if (ref.fileIdentity !== undefined && fileIdentity(stat) !== ref.fileIdentity)
      throw changed(ref, 'was replaced by another file');
    if ((ref.fileBytes !== undefined && stat.size < ref.fileBytes) || stat.size < end)
      throw changed(ref, `is shorter (${stat.size} bytes, was ${ref.fileBytes ?? end})`);
    return fd;
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
}

/** Fills `into` from `fd` at `position`; false when the file ended first. */
function readFully(fd: number, into: Uint8Array, position: number): boolean {
  for (let filled = 0; filled < into.length;) {
    const read = fs.readSync(
      fd,
      into,
      filled,
      Math.min(IO_CHUNK_BYTES, into.length - filled),
      position + filled,
    );
    if (read === 0) return false;
    filled += read;
  }
  return true;
}

/**
 * Bytes `start .. start + length` of an external tensor (default: all of it), by positioned reads
 * from a descriptor opened for this call.
 *
 * @throws CutlineError EXTERNAL_DATA_CHANGED when the data file is gone, no longer a regular file,
 *   another file, or shorter than when the model was opened.
 * @throws RangeError when the range is not inside the tensor (a caller's mistake).
 */
export function readExternal(ref: ExternalRef, start = 0, length = ref.length - start): Uint8Array {
  if (
    !Number.isSafeInteger(start) ||
    !Number.isSafeInteger(length) ||
    start < 0 ||
    length < 0 ||
    start + length > ref.length
  )
    throw new RangeError(`bytes ${start}..${start + length} are outside the tensor's ${ref.length} bytes`);
  const position = ref.offset + start;
  const fd = openChecked(ref, position + length);
  try {
    const bytes = new Uint8Array(length);
    if (!readFully(fd, bytes, position)) throw changed(ref, 'became shorter while being read');
    return bytes;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A tensor's raw bytes: its raw_data when stored inline, a read of the whole tensor when it is
 * external (only for tensors a caller needs whole: shape constants, a segment's weights under
 * 2 GiB). Undefined when it has neither, e.g. values in float_data or an external tensor of a
 * model opened without its folder.
 */
export function tensorBytes(tensor: TensorProto): Uint8Array | undefined {
  const ref = refs.get(tensor);
  if (ref) return readExternal(ref);
  if (tensor.dataLocation === EXTERNAL) return undefined;
  return tensor.rawData ?? undefined;
}

let zeros: Buffer | undefined;

/** Zero bytes to compare and hash against (at most IO_CHUNK_BYTES; a view, never written to). */
export function zeroBytes(length: number): Buffer {
  zeros ??= Buffer.alloc(IO_CHUNK_BYTES);
  return zeros.subarray(0, length);
}

/** Whether `chunk` (at most IO_CHUNK_BYTES) is all zero bytes: memcmp against a zero buffer. */
function isZero(chunk: Uint8Array): boolean {
  return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).equals(zeroBytes(chunk.length));
}

/**
 * Pieces a copied chunk is checked in for zeros: a file system's block is 4 KiB, but checking and
 * writing per 64 KiB keeps the number of write calls low while a tensor whose file holds a few
 * real pages (its first page, say) and holes elsewhere still gets a copy about as sparse.
 */
const HOLE_PIECE_BYTES = 64 * 1024;

/**
 * Writes the pieces of `chunk` (at most IO_CHUNK_BYTES) that are not all zeros to `outFd` at
 * `position` onward, leaving holes for the rest; the caller ftruncates the file to its size.
 */
export function writeSparse(outFd: number, chunk: Uint8Array, position: number): void {
  for (let start = 0; start < chunk.length;) {
    // Skip zero pieces, then gather the run of non-zero ones that follows and write it at once.
    const pieceEnd = (from: number): number => Math.min(from + HOLE_PIECE_BYTES, chunk.length);
    if (isZero(chunk.subarray(start, pieceEnd(start)))) {
      start = pieceEnd(start);
      continue;
    }
    let end = pieceEnd(start);
    while (end < chunk.length && !isZero(chunk.subarray(end, pieceEnd(end)))) end = pieceEnd(end);
    for (let written = start; written < end;)
      written += fs.writeSync(outFd, chunk, written, end - written, position + written);
    start = end;
  }
}

/** `tensor` with its external bytes inline, or `tensor` itself when it is not registered external. */
function inlineTensor(tensor: TensorProto): TensorProto {
  if (!refs.has(tensor)) return tensor;
  return { ...tensor, rawData: tensorBytes(tensor)!, dataLocation: 0, externalData: [] };
}

type SparseTensorProto = onnx.SparseTensorProto.$Properties;

/** `items` mapped, or the same array when no item changed. */
function mapSame<T>(items: T[] | null | undefined, map: (item: T) => T): T[] | null | undefined {
  if (!items) return items;
  let changedAny = false;
  const out = items.map((item) => {
    const mapped = map(item);
    changedAny ||= mapped !== item;
    return mapped;
  });
  return changedAny ? out : items;
}

/**
 * `object` with `updates` applied, only the fields whose value differs; `object` itself when none
 * does. Unchanged fields are not written, so a field the decoder left unset stays unset.
 */
function withChanges<T extends object>(object: T, updates: { [K in keyof T]?: T[K] | undefined }): T {
  let out: T | undefined;
  for (const key of Object.keys(updates) as (keyof T)[]) {
    if (updates[key] === object[key]) continue;
    out ??= { ...object };
    out[key] = updates[key] as T[keyof T];
  }
  return out ?? object;
}

function inlineSparse(sparse: SparseTensorProto): SparseTensorProto {
  return withChanges(sparse, {
    values: sparse.values && inlineTensor(sparse.values),
    indices: sparse.indices && inlineTensor(sparse.indices),
  });
}

function inlineAttribute(attr: AttributeProto): AttributeProto {
  return withChanges(attr, {
    t: attr.t && inlineTensor(attr.t),
    tensors: mapSame(attr.tensors, inlineTensor),
    sparseTensor: attr.sparseTensor && inlineSparse(attr.sparseTensor),
    sparseTensors: mapSame(attr.sparseTensors, inlineSparse),
    g: attr.g && inlineGraph(attr.g),
    graphs: mapSame(attr.graphs, inlineGraph),
  });
}

function inlineNode(node: NodeProto): NodeProto {
  return withChanges(node, { attribute: mapSame(node.attribute, inlineAttribute) });
}

function inlineGraph(graph: GraphProto): GraphProto {
  return withChanges(graph, {
    initializer: mapSame(graph.initializer, inlineTensor),
    sparseInitializer: mapSame(graph.sparseInitializer, inlineSparse),
    node: mapSame(graph.node, inlineNode),
  });
}

/**
 * A shallow copy of a ModelProto (or GraphProto) in which every tensor registered as external (in
 * its graphs and its local functions) is replaced by a copy holding its bytes inline (raw_data,
 * data_location DEFAULT, no external_data entries); everything else is shared with `proto`, which
 * is returned itself when it has no external tensor. Encoding the result gives a self-contained
 * file that refers to no data file: what segment models and a bundle's whole model need until
 * they are written with external data of their own. Reads every external tensor whole, so only
 * for models under protobuf's 2 GiB.
 */
export function inlineExternalTensors<T extends onnx.ModelProto.$Properties | GraphProto>(proto: T): T {
  if ('graph' in proto || 'opsetImport' in proto || 'irVersion' in proto) {
    const model = proto as onnx.ModelProto.$Properties;
    return withChanges(model, {
      graph: model.graph && inlineGraph(model.graph),
      // Local functions' Constant nodes too: the reader registers their external tensors as well.
      functions: mapSame(model.functions, (fn) => withChanges(fn, { node: mapSame(fn.node, inlineNode) })),
    }) as T;
  }
  return inlineGraph(proto as GraphProto) as T;
}
