/**
 * Opening and analysing one model in the worker, reporting each stage before it runs so the
 * studio can show progress.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { analyzeModel, type Analysis } from '../../../core/analyze.js';
import { CutlineError } from '../../../core/errors.js';
import type { Shape } from '../../../core/graph/types.js';
import { megabytes, openModelBytes, readModelFile, type OnnxModel } from '../../../core/onnx/read.js';
import { parseInputBinding } from '../../../core/shape/bindings.js';
import type { AnalysisSource, AnalysisStage } from './protocol.js';

export type StageReporter = (stage: AnalysisStage, message: string) => void;

/** Reads (for a file) and decodes the model; external data resolves beside the file only. */
export function openSource(source: AnalysisSource, report: StageReporter): OnnxModel {
  if (source.kind === 'file') return readModelFile(source.path, report);
  report('read', `Received ${source.fileName} (${megabytes(source.bytes.byteLength)})`);
  report('decode', `Decoding ${source.fileName}`);
  return openModelBytes(source.bytes, { displayName: source.fileName });
}

/** `analyzeModel` with the bound input shapes, reporting each stage before it runs. */
export function analyzeInStages(
  model: OnnxModel,
  report: StageReporter,
  inputShapes: Readonly<Record<string, Shape>> = {},
): Analysis {
  return analyzeModel(model, { onStage: report, inputShapes });
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

const HASH_CHUNK_BYTES = 4 * 1024 ** 2;

/** SHA-256 (hex) of the model's bytes; a file is hashed in chunks so it is never held twice. */
export function sha256Of(source: AnalysisSource): string {
  const hash = createHash('sha256');
  if (source.kind === 'bytes') return hash.update(source.bytes).digest('hex');
  // A missing path or a folder is reported as reading the model reports it (NOT_A_FILE and its
  // sentence), not as an unexpected failure: hashing comes first.
  if (!fs.statSync(source.path, { throwIfNoEntry: false })?.isFile()) readModelFile(source.path);
  const fd = fs.openSync(source.path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(HASH_CHUNK_BYTES);
    for (let read: number; (read = fs.readSync(fd, chunk, 0, chunk.length, null)) > 0;)
      hash.update(chunk.subarray(0, read));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}
