/**
 * The Open Inference Protocol codec: random tensors of every datatype round-trip through JSON and
 * the binary tensor extension, requests and responses alike; every malformed body is an OipError
 * (400) whose sentence names the tensor or field; binary tensor data are read as views of the
 * body, and handed to onnxruntime without copies.
 */
import { Readable } from 'node:stream';
import { getFloat16 } from '@petamoriken/float16';
import fc from 'fast-check';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { readBody } from '../core/runtime/read-body.js';
import {
  binaryOutputs,
  decodeInferRequest,
  decodeInferResponse,
  encodeInferRequest,
  encodeInferResponse,
  type EncodedBody,
} from '../core/runtime/oip/codec.js';
import { OIP_DATATYPES, type OipDatatype, type TensorTypedArray } from '../core/runtime/oip/datatypes.js';
import { OipError, oipErrorBody } from '../core/runtime/oip/errors.js';
import { fromOrtTensor, toOrtTensor } from '../core/runtime/oip/ort-tensor.js';
import { elementCount, type OipTensor } from '../core/runtime/oip/tensor.js';

const join = (body: EncodedBody): Uint8Array => {
  const bytes = new Uint8Array(body.byteLength);
  let offset = 0;
  for (const chunk of body.chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
};
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

const shapeArb = fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 });

function dataArb(datatype: OipDatatype, n: number): fc.Arbitrary<OipTensor['data']> {
  const size = { minLength: n, maxLength: n };
  switch (datatype) {
    case 'BOOL':
      return fc.array(fc.boolean(), size).map((b) => Uint8Array.from(b, Number));
    case 'UINT8':
      return fc.uint8Array(size);
    case 'UINT16':
    case 'FP16': // raw half-precision bits: every pattern, NaNs and infinities included
      return fc.uint16Array(size);
    case 'UINT32':
      return fc.uint32Array(size);
    case 'UINT64':
      return fc.bigUint64Array(size);
    case 'INT8':
      return fc.int8Array(size);
    case 'INT16':
      return fc.int16Array(size);
    case 'INT32':
      return fc.int32Array(size);
    case 'INT64':
      return fc.bigInt64Array(size);
    case 'FP32':
      return fc.float32Array(size);
    case 'FP64':
      return fc.float64Array(size);
    case 'BYTES':
      return fc.array(fc.string({ unit: 'grapheme', maxLength: 12 }), size);
  }
}

const tensorArb = (
  datatype: OipDatatype,
  name: fc.Arbitrary<string> = fc.string({ minLength: 1, maxLength: 8 }),
) =>
  fc
    .tuple(name, shapeArb)
    .chain(([n, shape]) =>
      dataArb(datatype, elementCount(shape)).map((data): OipTensor => ({ name: n, datatype, shape, data })),
    );

/** Distinct names: a random stem and the position. */
const tensorsArb = fc
  .array(
    fc.constantFrom(...OIP_DATATYPES).chain((d) => tensorArb(d)),
    { minLength: 1, maxLength: 6 },
  )
  .map((tensors) => tensors.map((t, i) => ({ ...t, name: `${t.name}#${i}` })));

/** Values equal as the datatype means them: FP16 by half value (JSON keeps the value, not a NaN's payload), floats with NaN = NaN and -0 ≠ 0. */
function sameData(
  datatype: OipDatatype,
  actual: OipTensor['data'],
  expected: OipTensor['data'],
  exactBits: boolean,
): boolean {
  if (actual.length !== expected.length) return false;
  if (Array.isArray(expected)) return JSON.stringify(actual) === JSON.stringify(expected);
  const a = actual as TensorTypedArray;
  const e = expected as TensorTypedArray;
  if (a.constructor !== e.constructor) return false;
  if (exactBits)
    return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
      Buffer.from(e.buffer, e.byteOffset, e.byteLength),
    );
  if (datatype === 'FP16') {
    const va = new DataView(a.buffer, a.byteOffset, a.byteLength);
    const ve = new DataView(e.buffer, e.byteOffset, e.byteLength);
    return Array.from({ length: a.length }, (_, i) => i).every((i) =>
      Object.is(getFloat16(va, i * 2, true), getFloat16(ve, i * 2, true)),
    );
  }
  return Array.from({ length: a.length }, (_, i) => i).every((i) => Object.is(a[i], e[i]));
}

function expectSameTensors(
  actual: readonly OipTensor[],
  expected: readonly OipTensor[],
  exactBits: (t: OipTensor) => boolean,
): void {
  expect(actual.map((t) => [t.name, t.datatype, [...t.shape]])).toEqual(
    expected.map((t) => [t.name, t.datatype, [...t.shape]]),
  );
  expected.forEach((t, i) => {
    if (!sameData(t.datatype, actual[i]!.data, t.data, exactBits(t))) {
      throw new Error(
        `tensor ${t.name} (${t.datatype}) changed: ${String(actual[i]!.data)} vs ${String(t.data)}`,
      );
    }
  });
}

function thrown(action: () => unknown): OipError {
  try {
    action();
  } catch (error) {
    if (error instanceof OipError) return error;
    throw error;
  }
  throw new Error('expected an OipError');
}

describe('OIP codec round trips', () => {
  for (const datatype of OIP_DATATYPES) {
    it(`${datatype} tensors round-trip through JSON and binary requests`, () => {
      fc.assert(
        fc.property(tensorArb(datatype), fc.boolean(), (tensor, binary) => {
          const body = encodeInferRequest({ inputs: [tensor] }, { binary });
          expect(body.headerLength === null).toBe(!binary);
          const decoded = decodeInferRequest(join(body), body.headerLength);
          expectSameTensors(decoded.inputs, [tensor], () => binary);
        }),
        { numRuns: 150 },
      );
    });
  }

  it('requests with several tensors, an id, parameters and requested outputs round-trip', () => {
    fc.assert(
      fc.property(tensorsArb, fc.boolean(), fc.string(), (inputs, binary, id) => {
        const request = {
          id,
          parameters: { binary_data_output: true, note: 'x', n: 3 },
          inputs,
          outputs: [{ name: 'out', parameters: { binary_data: false } }],
        };
        const body = encodeInferRequest(request, { binary });
        const decoded = decodeInferRequest(join(body), body.headerLength);
        expect(decoded.id).toBe(id);
        expect(decoded.parameters).toEqual(request.parameters);
        expect(decoded.outputs).toEqual(request.outputs);
        expectSameTensors(decoded.inputs, inputs, () => binary);
      }),
      { numRuns: 200 },
    );
  });

  it('responses round-trip with binary chosen per output', () => {
    fc.assert(
      fc.property(tensorsArb, fc.func(fc.boolean()), (outputs, pick) => {
        const binary = (name: string): boolean => pick(name);
        const response = {
          modelName: 'm',
          id: '7',
          parameters: { cutline_timings: { compute_ms: 1.5 } },
          outputs,
        };
        const body = encodeInferResponse(response, { binary });
        const decoded = decodeInferResponse(join(body), body.headerLength);
        expect(decoded.modelName).toBe('m');
        expect(decoded.id).toBe('7');
        expect(decoded.parameters).toEqual(response.parameters);
        expectSameTensors(decoded.outputs, outputs, (t) => binary(t.name));
      }),
      { numRuns: 200 },
    );
  });

  it('writes -0, NaN and infinities so that JSON keeps them', () => {
    const tensor: OipTensor = {
      name: 'f',
      datatype: 'FP32',
      shape: [4],
      data: Float32Array.of(-0, Number.NaN, Infinity, -Infinity),
    };
    const body = encodeInferRequest({ inputs: [tensor] }, { binary: false });
    expect(new TextDecoder().decode(join(body))).toContain('"data":[-0,"NaN","Infinity","-Infinity"]');
    const back = decodeInferRequest(join(body), null).inputs[0]!.data as Float32Array;
    expect([...back].map((v) => Object.is(v, -0) || v)).toEqual([true, Number.NaN, Infinity, -Infinity]);
  });

  it('reads 64-bit integers past 2^53 from JSON exactly, and nested data', () => {
    const body = utf8(
      JSON.stringify({
        inputs: [
          { name: 'i', shape: [3], datatype: 'INT64', data: ['__A', '__B', 1] },
          { name: 'u', shape: [1], datatype: 'UINT64', data: ['__C'] },
          {
            name: 'n',
            shape: [2, 2],
            datatype: 'FP32',
            data: [
              [1, 2],
              [3, 4.5],
            ],
          },
        ],
      })
        .replace('"__A"', '9007199254740993')
        .replace('"__B"', '-9223372036854775808')
        .replace('"__C"', '18446744073709551615'),
    );
    const [i, u, n] = decodeInferRequest(body, null).inputs;
    expect([...(i!.data as BigInt64Array)]).toEqual([9007199254740993n, -9223372036854775808n, 1n]);
    expect([...(u!.data as BigUint64Array)]).toEqual([18446744073709551615n]);
    expect([...(n!.data as Float32Array)]).toEqual([1, 2, 3, 4.5]);
  });
});

describe('OIP codec errors', () => {
  const request = (inputs: object[], extra: object = {}): Uint8Array =>
    utf8(JSON.stringify({ inputs, ...extra }));
  const fp32 = (over: object = {}): object => ({
    name: 'x',
    shape: [2, 2],
    datatype: 'FP32',
    data: [1, 2, 3, 4],
    ...over,
  });
  /** A binary request: the JSON header, then `bytes` of binary data. */
  const binaryRequest = (inputs: object[], bytes: number): [Uint8Array, number] => {
    const header = utf8(JSON.stringify({ inputs }));
    const body = new Uint8Array(header.length + bytes);
    body.set(header);
    return [body, header.length];
  };

  const cases: [string, () => unknown, RegExp][] = [
    ['malformed JSON', () => decodeInferRequest(utf8('{"inputs": ['), null), /not valid JSON/],
    ['not an object', () => decodeInferRequest(utf8('[1]'), null), /infer request must be a JSON object/],
    ['missing inputs', () => decodeInferRequest(utf8('{}'), null), /inputs is required/],
    [
      'a negative dimension',
      () => decodeInferRequest(request([fp32({ shape: [2, -2] })]), null),
      /inputs\[0\]\.shape\[1\] \(tensor "x"\) must not be negative/,
    ],
    [
      'a fractional dimension',
      () => decodeInferRequest(request([fp32({ shape: [1.5] })]), null),
      /shape\[0\] \(tensor "x"\) must be a whole number/,
    ],
    [
      'an unknown datatype',
      () => decodeInferRequest(request([fp32({ datatype: 'FP8' })]), null),
      /datatype \(tensor "x"\) must be one of BOOL, UINT8/,
    ],
    ['duplicate names', () => decodeInferRequest(request([fp32(), fp32()]), null), /"x" appears twice/],
    [
      'too few data elements',
      () => decodeInferRequest(request([fp32({ data: [1, 2, 3] })]), null),
      /Input "x" has 4 elements by its shape but 3 in "data"/,
    ],
    [
      'a string in FP32 data',
      () => decodeInferRequest(request([fp32({ data: [1, 'a', 3, 4] })]), null),
      /Input "x" has "a" at data\[1\]; FP32 elements are numbers/,
    ],
    [
      'an INT8 out of range',
      () => decodeInferRequest(request([{ name: 'q', shape: [1], datatype: 'INT8', data: [300] }]), null),
      /Input "q" has 300 at data\[0\]; INT8 elements are whole numbers from -128 to 127/,
    ],
    [
      'a BOOL that is not a boolean',
      () => decodeInferRequest(request([{ name: 'b', shape: [1], datatype: 'BOOL', data: [2] }]), null),
      /Input "b" has 2 at data\[0\]/,
    ],
    [
      'neither data nor binary size',
      () => decodeInferRequest(request([{ name: 'x', shape: [1], datatype: 'FP32' }]), null),
      /Input "x" has neither "data" nor parameters.binary_data_size/,
    ],
    [
      'both data and binary size',
      () => decodeInferRequest(...binaryRequest([fp32({ parameters: { binary_data_size: 16 } })], 16)),
      /Input "x" has both "data" and binary_data_size/,
    ],
    [
      'a binary size that does not fit the shape',
      () =>
        decodeInferRequest(
          ...binaryRequest(
            [{ name: 'x', shape: [2, 2], datatype: 'FP32', parameters: { binary_data_size: 12 } }],
            12,
          ),
        ),
      /Input "x" is FP32 with 4 elements, so its binary_data_size must be 16 bytes, not 12/,
    ],
    [
      'a binary size beyond the body',
      () =>
        decodeInferRequest(
          ...binaryRequest(
            [{ name: 'x', shape: [2, 2], datatype: 'FP32', parameters: { binary_data_size: 16 } }],
            8,
          ),
        ),
      /Input "x" declares binary_data_size 16, but only 8 bytes/,
    ],
    [
      'binary bytes nobody declares',
      () =>
        decodeInferRequest(
          ...binaryRequest(
            [{ name: 'x', shape: [1], datatype: 'FP32', parameters: { binary_data_size: 4 } }],
            9,
          ),
        ),
      /9 bytes of binary tensor data after its JSON, but the inputs declare 4/,
    ],
    [
      'a negative binary size',
      () =>
        decodeInferRequest(
          ...binaryRequest(
            [{ name: 'x', shape: [0], datatype: 'FP32', parameters: { binary_data_size: -4 } }],
            0,
          ),
        ),
      /binary_data_size that is not a whole number of bytes/,
    ],
    [
      'a header length past the body',
      () => decodeInferRequest(request([fp32()]), 10_000),
      /Inference-Header-Content-Length header says 10000 bytes of JSON, but the body has only/,
    ],
    [
      'a BOOL byte that is not 0 or 1',
      () => {
        const [body, length] = binaryRequest(
          [{ name: 'b', shape: [2], datatype: 'BOOL', parameters: { binary_data_size: 2 } }],
          2,
        );
        body[length + 1] = 7;
        return decodeInferRequest(body, length);
      },
      /Input "b" has byte 7 at element 1; BOOL bytes are 0 or 1/,
    ],
    [
      'truncated BYTES elements',
      () => {
        const [body, length] = binaryRequest(
          [{ name: 's', shape: [1], datatype: 'BYTES', parameters: { binary_data_size: 6 } }],
          6,
        );
        new DataView(body.buffer).setUint32(length, 5, true);
        return decodeInferRequest(body, length);
      },
      /Input "s" is BYTES with 1 elements by its shape, but its 6 binary bytes hold only 0 complete elements/,
    ],
    [
      'a non-boolean binary_data_output',
      () =>
        binaryOutputs(
          decodeInferRequest(request([fp32()], { parameters: { binary_data_output: 'yes' } }), null),
        ),
      /parameters\.binary_data_output must be true or false/,
    ],
    [
      'a tensor whose data does not match its shape, on encoding',
      () =>
        encodeInferRequest(
          { inputs: [{ name: 'e', datatype: 'FP32', shape: [3], data: new Float32Array(2) }] },
          { binary: true },
        ),
      /Tensor "e" has shape \[3\] \(3 elements\) but 2 data elements/,
    ],
  ];
  for (const [what, action, message] of cases) {
    it(`refuses ${what} with a 400 naming it`, () => {
      const error = thrown(action);
      expect(error.status).toBe(400);
      expect(error.code).toBe('BAD_OIP_MESSAGE');
      expect(oipErrorBody(error).error).toMatch(message);
    });
  }
});

describe('OIP tensors in memory', () => {
  it('reads aligned binary tensor data as views of the received body, not copies', async () => {
    const inputs: OipTensor[] = [
      { name: 'a', datatype: 'FP64', shape: [3], data: Float64Array.of(1, 2, 3) },
      { name: 'b', datatype: 'INT64', shape: [2], data: BigInt64Array.of(5n, -6n) },
      { name: 'c', datatype: 'BOOL', shape: [3], data: Uint8Array.of(1, 0, 1) },
      { name: 'd', datatype: 'FP32', shape: [2], data: Float32Array.of(0.5, 1.5) },
    ];
    const encoded = encodeInferRequest({ inputs }, { binary: true });
    // Chunks of odd sizes, as a socket delivers them.
    const bytes = join(encoded);
    const pieces = [bytes.subarray(0, 7), bytes.subarray(7, 100), bytes.subarray(100)];
    const body = await readBody(Readable.from(pieces), {
      maxBytes: 1 << 20,
      declaredBytes: bytes.length,
      alignFrom: encoded.headerLength!,
      tooLarge: () => new Error('too large'),
      broken: (reason) => new Error(reason),
    });
    const decoded = decodeInferRequest(body, encoded.headerLength);
    const [a, b, c, d] = decoded.inputs.map((t) => t.data as TensorTypedArray);
    // a, b and c start on their element size within the body: views of it.
    expect(a!.buffer).toBe(body.buffer);
    expect(b!.buffer).toBe(body.buffer);
    expect(c!.buffer).toBe(body.buffer);
    // d follows the 3 BOOL bytes, off a 4-byte boundary: an aligned copy.
    expect(d!.buffer).not.toBe(body.buffer);
    expectSameTensors(decoded.inputs, inputs, () => true);
  });

  it('refuses a body past the limit as soon as it passes it', async () => {
    let pulled = 0;
    const endless = new Readable({
      read() {
        pulled++;
        this.push(new Uint8Array(1024));
      },
    });
    const error = await readBody(endless, {
      maxBytes: 10_000,
      declaredBytes: null,
      alignFrom: 0,
      tooLarge: (bytes) => new Error(`too large at ${bytes}`),
      broken: (reason) => new Error(reason),
    }).catch((e: Error) => e);
    expect((error as Error).message).toBe('too large at 10240');
    expect(pulled).toBeLessThan(30);
    endless.destroy();
  });

  it('hands tensors to onnxruntime and back without copying', () => {
    const tensor: OipTensor = {
      name: 'h',
      datatype: 'FP16',
      shape: [2],
      data: Uint16Array.of(0x3c00, 0xc000),
    };
    const ortTensor = toOrtTensor(tensor);
    expect(ortTensor.type).toBe('float16');
    expect(ortTensor.data).toBe(tensor.data);
    const back = fromOrtTensor('h', ortTensor);
    expect(back.data).toBe(ortTensor.data);
    expect(back.datatype).toBe('FP16');
    const strings = fromOrtTensor('s', new ort.Tensor('string', ['a', 'b'], [2]));
    expect(strings).toEqual({ name: 's', datatype: 'BYTES', shape: [2], data: ['a', 'b'] });
  });
});
