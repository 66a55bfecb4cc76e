/**
 * Open Inference Protocol (KServe v2) infer requests and responses to and from HTTP bodies, as
 * JSON or with the binary tensor extension (Triton's `binary_tensor_data`): the JSON object first,
 * then each binary tensor's bytes in the order the tensors are listed, each tensor naming its size
 * in `parameters.binary_data_size`, and the JSON's own length in the `Inference-Header-Content-Length`
 * header. A requested output (`outputs[i].parameters.binary_data`) or the whole request
 * (`parameters.binary_data_output`) asks for binary outputs.
 */
import { isInteger, parse as parseLossless } from 'lossless-json';
import { binaryData, decodeBinaryData } from './binary-data.js';
import { oneLine, quoteName } from '../../text/quote-name.js';
import { OipError } from './errors.js';
import { decodeJsonData, jsonDataText, losesIntegerPrecision } from './json-data.js';
import {
  inferRequestSchema,
  inferResponseSchema,
  parseHeader,
  type OipParameters,
  type TensorHeader,
} from './schema.js';
import { shapeText } from './shape-text.js';
import { checkTensor, elementCount, type OipTensor } from './tensor.js';

export type { OipParameters } from './schema.js';

/** The HTTP header giving the JSON object's byte length when binary tensor data follow it. */
export const INFERENCE_HEADER_CONTENT_LENGTH = 'inference-header-content-length';

export interface RequestedOutput {
  readonly name: string;
  readonly parameters?: OipParameters;
}

export interface InferRequest {
  readonly id?: string;
  readonly parameters?: OipParameters;
  readonly inputs: readonly OipTensor[];
  /** Absent: every output the model makes. */
  readonly outputs?: readonly RequestedOutput[];
}

export interface InferResponse {
  readonly modelName: string;
  readonly modelVersion?: string;
  readonly id?: string;
  readonly parameters?: OipParameters;
  readonly outputs: readonly OipTensor[];
}

/** A body ready to send: its chunks in order (tensor data as views, not copies). */
export interface EncodedBody {
  readonly chunks: readonly Uint8Array[];
  readonly byteLength: number;
  /** The JSON object's byte length when binary tensor data follow it; null for a plain JSON body. */
  readonly headerLength: number | null;
  readonly contentType: string;
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** Encodes a request; with `binary`, every input's data goes as binary tensor data. */
export function encodeInferRequest(
  request: InferRequest,
  options: { readonly binary: boolean },
): EncodedBody {
  const binary: Uint8Array[] = [];
  const inputs = request.inputs.map((tensor) => tensorText(tensor, options.binary, binary));
  assertUniqueNames(
    request.inputs.map((t) => t.name),
    'input',
  );
  let text = '{';
  if (request.id !== undefined) text += `"id":${JSON.stringify(request.id)},`;
  if (request.parameters !== undefined) text += `"parameters":${JSON.stringify(request.parameters)},`;
  text += `"inputs":[${inputs.join(',')}]`;
  if (request.outputs !== undefined) text += `,"outputs":${JSON.stringify(request.outputs)}`;
  return assemble(`${text}}`, binary);
}

/**
 * Decodes a request body.
 *
 * @param headerLength the `Inference-Header-Content-Length` value, or null when the body is all JSON.
 * @throws OipError (400) naming the field or tensor at fault.
 */
export function decodeInferRequest(body: Uint8Array, headerLength: number | null): InferRequest {
  const { header, binary } = splitBody(
    body,
    headerLength,
    (value) => parseHeader(inferRequestSchema, value, 'infer request'),
    (h) => h.inputs,
  );
  assertUniqueNames(
    header.inputs.map((t) => t.name),
    'input',
  );
  if (header.outputs) {
    assertUniqueNames(
      header.outputs.map((o) => o.name),
      'requested output',
    );
  }
  const inputs = decodeTensors(header.inputs, binary, 'Input', 'inputs');
  return {
    ...(header.id !== undefined ? { id: header.id } : {}),
    ...(header.parameters !== undefined ? { parameters: header.parameters } : {}),
    inputs,
    ...(header.outputs !== undefined
      ? {
          outputs: header.outputs.map((o) => ({
            name: o.name,
            ...(o.parameters !== undefined ? { parameters: o.parameters } : {}),
          })),
        }
      : {}),
  };
}

/** Output tensors encoded for a response body: their JSON objects and the binary chunks after them. */
export interface EncodedTensors {
  readonly texts: readonly string[];
  readonly chunks: readonly Uint8Array[];
}

/**
 * Encodes tensors; `binary` says, for all of them or per name, which go as binary data (see
 * `binaryOutputs` for what a request asked).
 */
export function encodeTensors(
  tensors: readonly OipTensor[],
  binary: boolean | ((name: string) => boolean),
): EncodedTensors {
  assertUniqueNames(
    tensors.map((t) => t.name),
    'output',
  );
  const chunks: Uint8Array[] = [];
  const texts = tensors.map((tensor) =>
    tensorText(tensor, typeof binary === 'function' ? binary(tensor.name) : binary, chunks),
  );
  return { texts, chunks };
}

/** Encodes a response (see `encodeTensors` for `binary`). */
export function encodeInferResponse(
  response: InferResponse,
  options: { readonly binary: boolean | ((name: string) => boolean) },
): EncodedBody {
  return assembleInferResponse(response, encodeTensors(response.outputs, options.binary));
}

/**
 * A response body from outputs already encoded, so a server can time the encoding and still
 * report that time in the response's parameters.
 */
export function assembleInferResponse(
  head: Omit<InferResponse, 'outputs'>,
  outputs: EncodedTensors,
): EncodedBody {
  let text = `{"model_name":${JSON.stringify(head.modelName)}`;
  if (head.modelVersion !== undefined) text += `,"model_version":${JSON.stringify(head.modelVersion)}`;
  if (head.id !== undefined) text += `,"id":${JSON.stringify(head.id)}`;
  if (head.parameters !== undefined) text += `,"parameters":${JSON.stringify(head.parameters)}`;
  text += `,"outputs":[${outputs.texts.join(',')}]}`;
  return assemble(text, outputs.chunks);
}

/** Decodes a response body (see `decodeInferRequest`). */
export function decodeInferResponse(body: Uint8Array, headerLength: number | null): InferResponse {
  const { header, binary } = splitBody(
    body,
    headerLength,
    (value) => parseHeader(inferResponseSchema, value, 'infer response'),
    (h) => h.outputs,
  );
  assertUniqueNames(
    header.outputs.map((t) => t.name),
    'output',
  );
  return {
    modelName: header.model_name,
    ...(header.model_version !== undefined ? { modelVersion: header.model_version } : {}),
    ...(header.id !== undefined ? { id: header.id } : {}),
    ...(header.parameters !== undefined ? { parameters: header.parameters } : {}),
    outputs: decodeTensors(header.outputs, binary, 'Output', 'outputs'),
  };
}

/**
 * Which outputs a request wants as binary data: an output's own `binary_data` wins over the
 * request's `binary_data_output`; neither means JSON.
 *
 * @throws OipError when either parameter is not a boolean.
 */
export function binaryOutputs(request: InferRequest): (name: string) => boolean {
  const all = request.parameters?.['binary_data_output'];
  if (all !== undefined && typeof all !== 'boolean') {
    throw new OipError("The infer request's parameters.binary_data_output must be true or false.");
  }
  const own = new Map<string, boolean>();
  for (const output of request.outputs ?? []) {
    const flag = output.parameters?.['binary_data'];
    if (flag === undefined) continue;
    if (typeof flag !== 'boolean') {
      throw new OipError(
        `Requested output ${quoteName(output.name)} has parameters.binary_data that is not true or false.`,
      );
    }
    own.set(output.name, flag);
  }
  return (name) => own.get(name) ?? all ?? false;
}

/**
 * The `Inference-Header-Content-Length` header's value, checked against the body size.
 *
 * @throws OipError when it is not a whole number or exceeds the body.
 */
export function parseHeaderLength(
  value: string | readonly string[] | undefined,
  bodyBytes: number | null,
): number | null {
  if (value === undefined) return null;
  const text = Array.isArray(value) ? value[0] : value;
  const length = /^\d+$/.test(text ?? '') ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(length)) {
    throw new OipError(
      `The Inference-Header-Content-Length header must be a whole number of bytes, not ${quoteName(String(text))}.`,
    );
  }
  if (bodyBytes !== null && length > bodyBytes) {
    throw new OipError(
      `The Inference-Header-Content-Length header says ${length} bytes of JSON, but the body has only ${bodyBytes}.`,
    );
  }
  return length;
}

function tensorText(tensor: OipTensor, binary: boolean, chunks: Uint8Array[]): string {
  checkTensor(tensor);
  const head = { name: tensor.name, datatype: tensor.datatype, shape: tensor.shape };
  if (!binary) return `${JSON.stringify(head).slice(0, -1)},"data":${jsonDataText(tensor)}}`;
  const bytes = binaryData(tensor);
  chunks.push(bytes);
  return JSON.stringify({ ...head, parameters: { binary_data_size: bytes.length } });
}

function assemble(text: string, binary: readonly Uint8Array[]): EncodedBody {
  const json = utf8.encode(text);
  const byteLength = binary.reduce((sum, chunk) => sum + chunk.length, json.length);
  const hasBinary = binary.length > 0;
  return {
    chunks: [json, ...binary],
    byteLength,
    headerLength: hasBinary ? json.length : null,
    contentType: hasBinary ? 'application/octet-stream' : 'application/json',
  };
}

/** How much of the JSON parser's reason (which quotes the body) an error shows. */
const JSON_REASON_LIMIT = 200;

function splitBody<T>(
  body: Uint8Array,
  headerLength: number | null,
  validate: (value: unknown) => T,
  tensorsOf: (header: T) => readonly TensorHeader[],
): { header: T; binary: Uint8Array } {
  const jsonBytes = headerLength ?? body.length;
  if (jsonBytes > body.length) {
    throw new OipError(
      `The Inference-Header-Content-Length header says ${jsonBytes} bytes of JSON, but the body has only ${body.length}.`,
    );
  }
  const text = utf8Decoder.decode(body.subarray(0, jsonBytes));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    // V8's reason quotes a stretch of the body itself.
    const reason = oneLine(cause instanceof Error ? cause.message : String(cause), JSON_REASON_LIMIT);
    throw new OipError(`The body is not valid JSON (${reason}).`, 400, { cause });
  }
  let header = validate(value);
  // JSON.parse rounds 64-bit integers past 2^53; parse such a body again keeping their digits.
  if (tensorsOf(header).some((t) => t.data !== undefined && losesIntegerPrecision(t.datatype, t.data))) {
    header = validate(parseLossless(text, null, exactNumber));
  }
  return { header, binary: body.subarray(jsonBytes) };
}

function exactNumber(text: string): number | bigint {
  const value = Number(text);
  return isInteger(text) && !Number.isSafeInteger(value) ? BigInt(text) : value;
}

function decodeTensors(
  headers: readonly TensorHeader[],
  binary: Uint8Array,
  kind: 'Input' | 'Output',
  list: 'inputs' | 'outputs',
): OipTensor[] {
  let offset = 0;
  const tensors = headers.map((header, index): OipTensor => {
    const label = `${kind} ${quoteName(header.name)}`;
    const count = elementCount(header.shape);
    if (!Number.isSafeInteger(count)) {
      throw new OipError(`${label} has shape ${shapeText(header.shape)}, which holds too many elements.`);
    }
    const size = header.parameters?.['binary_data_size'];
    let data: OipTensor['data'];
    if (size !== undefined) {
      if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
        throw new OipError(
          `${label} has ${list}[${index}].parameters.binary_data_size that is not a whole number of bytes.`,
        );
      }
      if (header.data !== undefined) {
        throw new OipError(`${label} has both "data" and binary_data_size; send its data one way.`);
      }
      if (offset + size > binary.length) {
        throw new OipError(
          `${label} declares binary_data_size ${size}, but only ${binary.length - offset} bytes of binary data are left after the tensors before it.`,
        );
      }
      data = decodeBinaryData(label, header.datatype, count, binary.subarray(offset, offset + size));
      offset += size;
    } else if (header.data !== undefined) {
      data = decodeJsonData(label, header.datatype, count, header.data);
    } else {
      throw new OipError(`${label} has neither "data" nor parameters.binary_data_size.`);
    }
    return { name: header.name, datatype: header.datatype, shape: header.shape, data };
  });
  if (offset !== binary.length) {
    throw new OipError(
      `The body has ${binary.length} bytes of binary tensor data after its JSON, but the ${list} declare ${offset} (binary_data_size).`,
    );
  }
  return tensors;
}

function assertUniqueNames(names: readonly string[], what: string): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) {
      throw new OipError(`The ${what} name ${quoteName(name)} appears twice; names must be unique.`);
    }
    seen.add(name);
  }
}
