/**
 * A stock Open Inference Protocol client written by hand for the tests, as a user would with
 * node:http and no Cutline code: JSON bodies as the KServe v2 REST spec shows them, binary
 * tensors as Triton's binary_tensor_data extension lays them out (the JSON header, then each
 * tensor's little-endian bytes, the header's length in Inference-Header-Content-Length), gzip
 * bodies with node:zlib. FP32 tensors only: what the tests' models take and give.
 */
import http from 'node:http';
import zlib from 'node:zlib';

export interface Fp32Tensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface PlainAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  /** The body as received (still compressed when Content-Encoding says so). */
  readonly raw: Buffer;
}

/** One HTTP exchange with a tier on loopback, a fresh connection each time. */
export function plainHttp(
  baseUrl: string,
  method: 'GET' | 'POST',
  urlPath: string,
  token: string,
  body?: Buffer,
  headers: Readonly<Record<string, string>> = {},
): Promise<PlainAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${baseUrl}${urlPath}`, {
      method,
      agent: false,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body ? { 'content-length': String(body.length) } : {}),
        ...headers,
      },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, raw: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A GET whose answer is JSON. */
export async function getJson(
  baseUrl: string,
  urlPath: string,
  token: string,
): Promise<{ status: number; json: unknown }> {
  const answer = await plainHttp(baseUrl, 'GET', urlPath, token);
  return { status: answer.status, json: JSON.parse(answer.raw.toString('utf8')) };
}

export interface RequestedOutput {
  readonly name: string;
  readonly binary?: boolean;
}

/** An infer request with every tensor's data as a JSON list. */
export function jsonInferBody(inputs: readonly Fp32Tensor[], outputs?: readonly RequestedOutput[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      inputs: inputs.map((t) => ({ name: t.name, datatype: 'FP32', shape: t.shape, data: [...t.data] })),
      ...(outputs ? { outputs: outputs.map(requested) } : {}),
    }),
  );
}

/** An infer request with every tensor's data as binary, and the header length to send with it. */
export function binaryInferBody(
  inputs: readonly Fp32Tensor[],
  outputs?: readonly RequestedOutput[],
): { body: Buffer; headerLength: number } {
  const header = Buffer.from(
    JSON.stringify({
      inputs: inputs.map((t) => ({
        name: t.name,
        datatype: 'FP32',
        shape: t.shape,
        parameters: { binary_data_size: t.data.byteLength },
      })),
      ...(outputs ? { outputs: outputs.map(requested) } : {}),
    }),
  );
  const data = inputs.map((t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  return { body: Buffer.concat([header, ...data]), headerLength: header.length };
}

function requested(output: RequestedOutput): object {
  return output.binary === undefined
    ? { name: output.name }
    : { name: output.name, parameters: { binary_data: output.binary } };
}

export interface InferAnswer {
  readonly header: { model_name: string; outputs: { name: string; datatype: string; shape: number[] }[] };
  /** Each output's values, and whether they came as binary data. */
  readonly outputs: Map<string, { shape: number[]; data: Float32Array; binary: boolean }>;
}

/** Reads an infer answer: inflated if gzip'd, its JSON header, then binary tensors in order. */
export function readInferAnswer(answer: PlainAnswer): InferAnswer {
  const body = answer.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(answer.raw) : answer.raw;
  const lengthHeader = answer.headers['inference-header-content-length'];
  const headerLength = lengthHeader === undefined ? body.length : Number(lengthHeader);
  const header = JSON.parse(body.subarray(0, headerLength).toString('utf8')) as InferAnswer['header'] & {
    outputs: { data?: number[]; parameters?: { binary_data_size?: number } }[];
  };
  const outputs: InferAnswer['outputs'] = new Map();
  let offset = headerLength;
  for (const output of header.outputs) {
    const size = output.parameters?.binary_data_size;
    if (size === undefined) {
      outputs.set(output.name, { shape: output.shape, data: Float32Array.from(output.data!), binary: false });
    } else {
      // Copied out: the body's offset need not be 4-byte aligned.
      const bytes = Uint8Array.from(body.subarray(offset, offset + size));
      outputs.set(output.name, { shape: output.shape, data: new Float32Array(bytes.buffer), binary: true });
      offset += size;
    }
  }
  return { header, outputs };
}
