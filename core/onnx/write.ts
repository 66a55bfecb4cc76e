/**
 * Encoding models back to ONNX bytes (sub-models of a split are written with this).
 *
 * Tensors stored in external data are read and written inline: the result is one self-contained
 * file. Protobuf caps a message at 2 GiB, so models with more weight bytes than that are written
 * with an external-data file instead (core/export/external-weights.ts, as the exporter does).
 */
import { encodeModelProto, type ModelProto } from './codec.js';
import { inlineExternalTensors } from './external-data.js';
import type { OnnxModel } from './read.js';

export function writeModel(model: OnnxModel | ModelProto): Uint8Array {
  const proto = 'proto' in model ? model.proto : model;
  return encodeModelProto(inlineExternalTensors(proto));
}
