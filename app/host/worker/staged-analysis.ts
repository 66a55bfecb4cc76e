/**
 * Opening and analysing one model in the analysis process, reporting each stage before it runs so the
 * studio can show progress.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { analyzeModel, type Analysis } from '../../../core/analyze.js';
import { CutlineError } from '../../../core/errors.js';
import type { Shape } from '../../../core/graph/types.js';
import { assertModelFileSize, megabytes, openModelBytes, type OnnxModel } from '../../../core/onnx/read.js';
import { sha256Hex } from '../../../core/project/model.js';
import { parseInputBinding } from '../../../core/shape/bindings.js';
import { parseInputValue } from '../../../core/shape/input-values.js';
import type { AnalysisSource, AnalysisStage } from './protocol.js';

export type StageReporter = (stage: AnalysisStage, message: string) => void;

/** A model's bytes as read once, with their SHA-256: what is hashed is what is decoded. */
export interface ReadSource {
  readonly bytes: Uint8Array;
  readonly sha256: string;
  /** Shown in messages: the path as given, or the uploaded file's name. */
  readonly displayName: string;
  /** Absolute path of a file source; external data resolves in its folder only. */
  readonly path?: string;
}

/** Reads (for a file) and decodes the model; external data resolves beside the file only. */
export function openSource(source: AnalysisSource, report: StageReporter): OnnxModel {
  return decodeSource(readSource(source, report), report);
}

/** Decodes bytes read by `readSource`. */
export function decodeSource(read: ReadSource, report: StageReporter): OnnxModel {
  const name = read.path === undefined ? read.displayName : path.basename(read.path);
  report('decode', `Decoding ${name}`);
  if (read.path === undefined) return openModelBytes(read.bytes, { displayName: read.displayName });
  const model = openModelBytes(read.bytes, {
    baseDir: path.dirname(read.path),
    displayName: read.displayName,
  });
  return { ...model, path: read.path };
}

/**
 * The model's bytes and their SHA-256, from one read of one open file. Hashing a path and then
 * reading the path again would let the file be replaced in between, so the bytes analysed might
 * not be the ones whose hash a project named. The file is opened without blocking and checked
 * through its descriptor, so a FIFO or device put in the model's place is refused (NOT_A_FILE)
 * instead of blocking the worker in open() or read(), where terminating it cannot reach.
 *
 * With `expectSha256` (a project's model), the file is first hashed in chunks without being
 * held: a file that is not the project's model (any `.onnx` a crafted project names) answers
 * with its SHA-256 and no bytes, costing no memory. Only a match is then read whole, hashed
 * again as it is read, so a change in between still shows as a different SHA-256.
 */
export function readSource(source: AnalysisSource, report: StageReporter, expectSha256?: string): ReadSource {
  if (source.kind === 'bytes') {
    report('read', `Received ${source.fileName} (${megabytes(source.bytes.byteLength)})`);
    return { bytes: source.bytes, sha256: sha256Hex(source.bytes), displayName: source.fileName };
  }
  if (source.kind === 'upload') {
    // The host's own copy of uploaded bytes: read like a file, named and decoded as the upload
    // (no path, so no folder to take external data from).
    const kept = readSource({ kind: 'file', path: source.path }, () => undefined);
    report('read', `Received ${source.fileName} (${megabytes(kept.bytes.byteLength)})`);
    return { bytes: kept.bytes, sha256: kept.sha256, displayName: source.fileName };
  }
  const given = source.path;
  const absolute = path.resolve(given);
  let fd: number;
  try {
    fd = fs.openSync(absolute, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new CutlineError('NOT_A_FILE', `${given} does not exist. Check the path and try again.`, {
        cause,
      });
    }
    if (code === 'EISDIR') throw notAFile(given, 'folder');
    throw new CutlineError(
      'FILE_UNREADABLE',
      `${given} cannot be read (${(cause as Error).message}). Check its permissions.`,
      { cause },
    );
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw notAFile(given, stat.isDirectory() ? 'folder' : 'special file');
    // Before allocating: a file over protobuf's 2 GiB cannot be a model, and one over Node's
    // buffer limit would fail with a RangeError instead of a sentence.
    assertModelFileSize(stat.size, given);
    report('read', `Reading ${path.basename(absolute)} (${megabytes(stat.size)})`);
    if (expectSha256 !== undefined) {
      const streamed = hashChunks(fd, given);
      if (streamed !== expectSha256) {
        return { bytes: new Uint8Array(0), sha256: streamed, displayName: given, path: absolute };
      }
    }
    const hash = createHash('sha256');
    const bytes = Buffer.allocUnsafe(stat.size);
    let filled = 0;
    try {
      // A file that grows while read is taken at the size it had when opened; one that shrinks, as read.
      for (let read: number; filled < bytes.length; filled += read) {
        read = fs.readSync(fd, bytes, filled, Math.min(HASH_CHUNK_BYTES, bytes.length - filled), filled);
        if (read === 0) break;
        hash.update(bytes.subarray(filled, filled + read));
      }
    } catch (cause) {
      throw unreadable(given, cause);
    }
    return {
      bytes: bytes.subarray(0, filled),
      sha256: hash.digest('hex'),
      displayName: given,
      path: absolute,
    };
  } finally {
    fs.closeSync(fd);
  }
}

/** SHA-256 of an open file, read in chunks from its start through one buffer. */
function hashChunks(fd: number, given: string): string {
  const hash = createHash('sha256');
  const chunk = Buffer.allocUnsafe(HASH_CHUNK_BYTES);
  try {
    for (let at = 0, read: number; (read = fs.readSync(fd, chunk, 0, chunk.length, at)) > 0; at += read)
      hash.update(chunk.subarray(0, read));
  } catch (cause) {
    throw unreadable(given, cause);
  }
  return hash.digest('hex');
}

function unreadable(given: string, cause: unknown): CutlineError {
  return new CutlineError(
    'FILE_UNREADABLE',
    `${given} cannot be read (${(cause as Error).message}). Check its permissions.`,
    { cause },
  );
}

function notAFile(given: string, what: 'folder' | 'special file'): CutlineError {
  return new CutlineError(
    'NOT_A_FILE',
    `${given} is not a file (it is a ${what}). Give the path of a .onnx file.`,
  );
}

const HASH_CHUNK_BYTES = 4 * 1024 ** 2;

/** `analyzeModel` with the bound input shapes and values, reporting each stage before it runs. */
export function analyzeInStages(
  model: OnnxModel,
  report: StageReporter,
  inputShapes: Readonly<Record<string, Shape>> = {},
  inputValues: Readonly<Record<string, string>> = {},
): Analysis {
  return analyzeModel(model, {
    onStage: report,
    inputShapes,
    // Parsed as the CLI's `--input-value NAME=V`; throws BAD_INPUT_BINDING naming the value.
    inputValues: Object.entries(inputValues).map(([name, values]) => {
      const parsed = parseInputValue(`${name}=${values}`);
      if (parsed.name !== name.trim()) {
        throw new CutlineError(
          'BAD_INPUT_BINDING',
          `"${name}=${values}" is not an input value. Write e.g. 16000 or 1,2,3.`,
        );
      }
      return parsed;
    }),
  });
}

/**
 * Input bindings as the studio sends them (input name → `1x3x640x640`), parsed exactly as the
 * CLI's `--input NAME=DIMS`; throws BAD_INPUT_BINDING naming the binding.
 */
export function inputShapesOf(inputs: Readonly<Record<string, string>>): Record<string, Shape> {
  const shapes: Record<string, Shape> = {};
  for (const [name, dims] of Object.entries(inputs)) {
    if (dims.includes('=')) {
      throw new CutlineError(
        'BAD_INPUT_BINDING',
        `"${name}=${dims}" is not an input binding. Write the dimensions as e.g. 1x3x640x640.`,
      );
    }
    shapes[name] = parseInputBinding(`${name}=${dims}`).shape;
  }
  return shapes;
}
