/**
 * Writing the generated KV-cache decoder (samples/models/kv-decoder.ts) at any size, for tests,
 * the bench and scripts/make-decoder.ts: weights inline, or every weight in one sparse external
 * data file (its size set with ftruncate, only the values `RealValues` names written), so a
 * model with gigabytes of weights costs neither disk nor time to make.
 */
import fs from 'node:fs';
import path from 'node:path';
import { graph, model } from '../../core/onnx/builder.js';
import { encodeModelProto, type onnx } from '../../core/onnx/codec.js';
import {
  decoderGraph,
  type DecoderConfig,
  type DecoderStorage,
  type ExternalWeight,
  type RealValues,
} from '../../samples/models/kv-decoder.js';
import { writeSparseDataFile } from './sparse-weights-model.js';

export {
  decoderConfig,
  decoderParamBytes,
  decoderParams,
  decoderScalarConstants,
  decoderWeightBytes,
  decoderWeightElements,
  headDim,
  type DecoderConfig,
  type DecoderStorage,
  type RealValues,
} from '../../samples/models/kv-decoder.js';

/** A decoder small enough to run in onnxruntime in milliseconds. */
export const SMALL_DECODER: DecoderConfig = {
  layers: 2,
  hidden: 32,
  heads: 4,
  intermediate: 64,
  vocab: 50,
  maxPositions: 64,
};

export interface BuiltDecoder {
  readonly proto: onnx.ModelProto.$Properties;
  /** With external storage: every weight's range, and the data file's size. */
  readonly external?: { readonly weights: readonly ExternalWeight[]; readonly fileBytes: number };
}

/** The decoder's ModelProto: ai.onnx opset 17, IR version 8. */
export function buildDecoder(config: DecoderConfig, storage: DecoderStorage): BuiltDecoder {
  const built = decoderGraph(config, storage);
  const proto = model({
    opset: 17,
    irVersion: 8,
    producerName: 'cutline-decoder',
    graph: graph(built.graph),
  });
  return built.external ? { proto, external: built.external } : { proto };
}

/** The decoder with its weights inline, encoded. */
export function decoderBytes(config: DecoderConfig): Uint8Array {
  return encodeModelProto(buildDecoder(config, { kind: 'inline' }).proto);
}

export interface WrittenDecoder {
  readonly modelPath: string;
  /** The external data file, when the weights are external. */
  readonly dataPath?: string;
  readonly modelBytes: number;
  /** Size of the data file (its holes included), 0 with inline weights. */
  readonly dataBytes: number;
}

/**
 * Writes the decoder to `modelPath`. With `external`, every weight goes to `<model>.data` beside
 * it: the file is sized with ftruncate (a hole) and only the values `realValues` names are
 * written (by default each tensor's first page), so it stays sparse whatever its size.
 */
export function writeDecoder(
  modelPath: string,
  config: DecoderConfig,
  options: {
    readonly external: boolean;
    readonly realValues?: RealValues;
  },
): WrittenDecoder {
  if (!options.external) {
    const bytes = decoderBytes(config);
    fs.writeFileSync(modelPath, bytes);
    return { modelPath, modelBytes: bytes.length, dataBytes: 0 };
  }
  const location = `${path.basename(modelPath)}.data`;
  const dataPath = path.join(path.dirname(modelPath), location);
  const built = buildDecoder(config, {
    kind: 'external',
    location,
    ...(options.realValues !== undefined ? { realValues: options.realValues } : {}),
  });
  const external = built.external!;
  writeSparseDataFile(
    dataPath,
    external.fileBytes,
    external.weights.map((w) => ({ offset: w.offset, length: w.bytes, bytes: w.written })),
  );
  const bytes = encodeModelProto(built.proto);
  fs.writeFileSync(modelPath, bytes);
  return { modelPath, dataPath, modelBytes: bytes.length, dataBytes: external.fileBytes };
}
