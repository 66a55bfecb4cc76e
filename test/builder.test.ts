/**
 * The ONNX builder and the seeded PRNG: models built in code round-trip through the codec and
 * compute, in onnxruntime-node, what the same small cases give by hand.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  attr,
  constantNode,
  graph,
  model,
  node,
  scalarFloat32,
  tensorFromFloat32,
  tensorFromInt64,
  valueInfo,
} from '../core/onnx/builder.js';
import { encodeModelProto, onnx } from '../core/onnx/codec.js';
import {
  attributeFloat,
  attributeFloats,
  attributeInt,
  attributeInts,
  attributeKind,
  attributeString,
  AttributeType,
} from '../core/onnx/attributes.js';
import { DataType } from '../core/onnx/dtype.js';
import { createRandom, mulberry32, seedFromText } from '../core/onnx/random.js';

ort.env.logLevel = 'fatal';

async function run(
  proto: onnx.ModelProto.$Properties,
  feeds: Record<string, ort.Tensor>,
): Promise<ort.InferenceSession.OnnxValueMapType> {
  const session = await ort.InferenceSession.create(encodeModelProto(proto));
  const results = await session.run(feeds);
  await session.release();
  return results;
}

describe('tensors', () => {
  it('stores float32 values little-endian in raw_data', () => {
    const t = tensorFromFloat32('w', [2], [1, -2]);
    expect(t.dataType).toBe(DataType.FLOAT);
    expect(t.dims).toEqual([2]);
    // 1.0f = 0x3F800000, -2.0f = 0xC0000000, lowest byte first.
    expect([...(t.rawData ?? [])]).toEqual([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0]);
  });

  it('stores int64 values little-endian, two’s complement for negatives', () => {
    const t = tensorFromInt64('shape', [2], [258, -1]);
    expect(t.dataType).toBe(DataType.INT64);
    expect([...(t.rawData ?? [])]).toEqual([2, 1, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255]);
  });

  it('refuses values that do not fill the dims', () => {
    expect(() => tensorFromFloat32('w', [2, 2], [1, 2, 3])).toThrow(RangeError);
    expect(() => tensorFromInt64('s', [-1], [])).toThrow(RangeError);
  });
});

describe('protos round-trip through encode/decode', () => {
  it('keeps value infos with fixed and symbolic dims', () => {
    const built = model({
      graph: graph({
        name: 'g',
        nodes: [node('Identity', ['x'], ['y'], [], 'id')],
        inputs: [valueInfo('x', DataType.FLOAT, ['batch', 3])],
        outputs: [valueInfo('y', DataType.FLOAT)],
      }),
      producerName: 'test',
      metadata: { b: '2', a: '1' },
    });
    const decoded = onnx.ModelProto.decode(encodeModelProto(built));
    expect(decoded.irVersion).toBe(8);
    expect(decoded.opsetImport.map((o) => o.version)).toEqual([17]);
    expect(decoded.producerName).toBe('test');
    expect(decoded.metadataProps.map((p) => p.key)).toEqual(['b', 'a']);
    const dims = decoded.graph?.input?.[0]?.type?.tensorType?.shape?.dim ?? [];
    expect(dims.map((d) => d.dimParam || d.dimValue)).toEqual(['batch', 3]);
    expect(decoded.graph?.output?.[0]?.type?.tensorType?.shape).toBeFalsy();
    expect(decoded.graph?.node?.[0]?.name).toBe('id');
  });

  it('keeps every attribute type', () => {
    const branch = graph({ name: 'b', nodes: [], inputs: [], outputs: [valueInfo('x', DataType.FLOAT, [])] });
    const attrs = [
      attr.int('i', -3),
      attr.ints('is', [1, -1, 2 ** 40]),
      attr.float('f', 0.25),
      attr.floats('fs', [0.5, -1.5]),
      attr.string('s', 'hé'),
      attr.tensor('t', scalarFloat32('', 7)),
      attr.graph('g', branch),
    ];
    const built = model({
      graph: graph({
        name: 'g',
        nodes: [node('Custom', [], ['y'], attrs, 'n', 'test.domain')],
        inputs: [],
        outputs: [],
      }),
      opset: [
        { domain: '', version: 17 },
        { domain: 'test.domain', version: 1 },
      ],
    });
    const decoded = onnx.ModelProto.decode(encodeModelProto(built));
    const n = decoded.graph?.node?.[0];
    expect(n?.domain).toBe('test.domain');
    const byName = new Map((n?.attribute ?? []).map((a) => [a.name, a]));
    expect(attributeInt(byName.get('i'))).toBe(-3);
    expect(attributeInts(byName.get('is'))).toEqual([1, -1, 2 ** 40]);
    expect(attributeFloat(byName.get('f'))).toBe(0.25);
    expect(attributeFloats(byName.get('fs'))).toEqual([0.5, -1.5]);
    expect(attributeString(byName.get('s'))).toBe('hé');
    expect(attributeKind(byName.get('t') ?? {})).toBe(AttributeType.TENSOR);
    expect([...(byName.get('t')?.t?.rawData ?? [])]).toEqual([0, 0, 0xe0, 0x40]);
    expect(byName.get('g')?.g?.name).toBe('b');
    expect(decoded.opsetImport.map((o) => [o.domain, o.version])).toEqual([
      ['', 17],
      ['test.domain', 1],
    ]);
  });

  it('encodes the same model to the same bytes', () => {
    const build = () =>
      model({
        graph: graph({
          name: 'g',
          nodes: [node('Relu', ['x'], ['y'])],
          inputs: [valueInfo('x', DataType.FLOAT, [4])],
          outputs: [valueInfo('y', DataType.FLOAT, [4])],
          initializers: [tensorFromFloat32('w', [3], createRandom(7).uniformFloat32(3, -1, 1))],
        }),
      });
    expect(Buffer.from(encodeModelProto(build())).equals(Buffer.from(encodeModelProto(build())))).toBe(true);
  });
});

describe('built models run in onnxruntime-node', () => {
  it('computes Gemm Y = X·Wᵀ + b as by hand', async () => {
    // X = [[1,2,3],[4,5,6]], W = [[1,0,-1],[0.5,0.5,0.5]], b = [10,-1]
    // row 0: 1−3+10 = 8, 0.5·6−1 = 2; row 1: 4−6+10 = 8, 0.5·15−1 = 6.5
    const built = model({
      graph: graph({
        name: 'gemm',
        nodes: [node('Gemm', ['x', 'w', 'b'], ['y'], [attr.int('transB', 1)], 'fc')],
        inputs: [valueInfo('x', DataType.FLOAT, [2, 3])],
        outputs: [valueInfo('y', DataType.FLOAT, [2, 2])],
        initializers: [
          tensorFromFloat32('w', [2, 3], [1, 0, -1, 0.5, 0.5, 0.5]),
          tensorFromFloat32('b', [2], [10, -1]),
        ],
      }),
    });
    const out = await run(built, {
      x: new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]),
    });
    expect(out['y']?.dims).toEqual([2, 2]);
    expect([...(out['y']?.data as Float32Array)]).toEqual([8, 2, 8, 6.5]);
  });

  it('computes a 2×2 Conv with a Constant-node kernel as by hand', async () => {
    // input 1..9 as 3×3, kernel [[1,2],[3,4]], bias 0.5, no padding:
    // (0,0) 1+4+12+20 = 37; (0,1) 2+6+15+24 = 47; (1,0) 4+10+21+32 = 67; (1,1) 5+12+24+36 = 77
    const built = model({
      graph: graph({
        name: 'conv',
        nodes: [
          constantNode(tensorFromFloat32('kernel', [1, 1, 2, 2], [1, 2, 3, 4]), 'k'),
          node('Conv', ['x', 'kernel', 'bias'], ['y'], [attr.ints('kernel_shape', [2, 2])], 'conv'),
        ],
        inputs: [valueInfo('x', DataType.FLOAT, [1, 1, 3, 3])],
        outputs: [valueInfo('y', DataType.FLOAT, [1, 1, 2, 2])],
        initializers: [tensorFromFloat32('bias', [1], [0.5])],
      }),
    });
    const input = new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), [1, 1, 3, 3]);
    const out = await run(built, { x: input });
    expect([...(out['y']?.data as Float32Array)]).toEqual([37.5, 47.5, 67.5, 77.5]);
  });

  it('runs graph attributes (If branches) and int64 tensors', async () => {
    const branch = (name: string, values: number[]) =>
      graph({
        name,
        nodes: [constantNode(tensorFromInt64(`${name}_out`, [2], values))],
        inputs: [],
        outputs: [valueInfo(`${name}_out`, DataType.INT64, [2])],
      });
    const built = model({
      graph: graph({
        name: 'if',
        nodes: [
          node(
            'If',
            ['cond'],
            ['y'],
            [
              attr.graph('then_branch', branch('then', [1, -2])),
              attr.graph('else_branch', branch('else', [3, 2 ** 40])),
            ],
          ),
        ],
        inputs: [valueInfo('cond', DataType.BOOL, [])],
        outputs: [valueInfo('y', DataType.INT64, [2])],
      }),
    });
    const pick = async (cond: boolean) => [
      ...((await run(built, { cond: new ort.Tensor('bool', [cond], []) }))['y']?.data as BigInt64Array),
    ];
    expect(await pick(true)).toEqual([1n, -2n]);
    expect(await pick(false)).toEqual([3n, 2n ** 40n]);
  });
});

describe('seeded random', () => {
  it('repeats for a seed and differs between seeds', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const seqA = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(seqA);
    expect(Array.from({ length: 5 }, c)).not.toEqual(seqA);
    expect(seedFromText('resnet-mini')).toBe(seedFromText('resnet-mini'));
    expect(seedFromText('resnet-mini')).not.toBe(seedFromText('resnet-mini2'));
  });

  it('draws uniformly within the bounds', () => {
    const values = createRandom(seedFromText('uniform')).uniformFloat32(20_000, -2, 2);
    expect(values.every((v) => v >= -2 && v <= 2)).toBe(true);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    // Uniform on [-2, 2): standard deviation 4/√12 ≈ 1.155, so the mean of 20,000 is within ±0.03 at 3σ.
    expect(Math.abs(mean)).toBeLessThan(0.03);
    const quarters = [0, 0, 0, 0];
    for (const v of values) {
      const quarter = Math.min(3, Math.floor(v + 2));
      quarters[quarter] = (quarters[quarter] ?? 0) + 1;
    }
    for (const q of quarters) expect(Math.abs(q - 5000)).toBeLessThan(300);
  });
});
