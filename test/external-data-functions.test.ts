/**
 * A model-local function's Constant node may keep its tensor in external data, and onnxruntime
 * loads it when it inlines the function. Opening such a model holds that tensor to the same rule
 * as the graph's (a regular file inside the model's folder, a range inside it), and writing the
 * model inlines it like the graph's, so the written bytes point at no file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graph, model, node, valueInfo } from '../core/onnx/builder.js';
import { decodeModelProto, encodeModelProto, type TensorProto } from '../core/onnx/codec.js';
import { DataType } from '../core/onnx/dtype.js';
import { readModelFile } from '../core/onnx/read.js';
import { writeModel } from '../core/onnx/write.js';
import { expectCode } from './support/expect-code.js';

const VALUES = [1.5, -2, 3.25, 8];

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-fn-external-'));
  fs.mkdirSync(path.join(dir, 'models'));
  fs.writeFileSync(path.join(dir, 'models', 'k.bin'), new Uint8Array(new Float32Array(VALUES).buffer));
  fs.writeFileSync(path.join(dir, 'outside.bin'), new Uint8Array(16));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** y = x + k, where k is a Constant of 4 floats inside the local function AddK, kept at `location`. */
function writeFunctionModel(file: string, location: string): string {
  const k: TensorProto = {
    name: 'k',
    dims: [4],
    dataType: DataType.FLOAT,
    dataLocation: 1,
    externalData: [
      { key: 'location', value: location },
      { key: 'offset', value: '0' },
      { key: 'length', value: '16' },
    ],
  };
  const proto = model({
    opset: [
      { domain: '', version: 18 },
      { domain: 'local', version: 1 },
    ],
    graph: graph({
      name: 'g',
      nodes: [node('AddK', ['x'], ['y'], [], 'addk', 'local')],
      inputs: [valueInfo('x', DataType.FLOAT, [4])],
      outputs: [valueInfo('y', DataType.FLOAT, [4])],
    }),
  });
  proto.functions = [
    {
      name: 'AddK',
      domain: 'local',
      input: ['a'],
      output: ['b'],
      opsetImport: [{ domain: '', version: 18 }],
      node: [
        { opType: 'Constant', output: ['k'], attribute: [{ name: 'value', type: 4, t: k }] },
        { opType: 'Add', input: ['a', 'k'], output: ['b'] },
      ],
    },
  ];
  const out = path.join(dir, 'models', file);
  fs.writeFileSync(out, encodeModelProto(proto));
  return out;
}

async function run(source: string | Uint8Array): Promise<number[]> {
  const session =
    typeof source === 'string'
      ? await ort.InferenceSession.create(source)
      : await ort.InferenceSession.create(source);
  try {
    const out = await session.run({ x: new ort.Tensor('float32', new Float32Array(4), [4]) });
    return Array.from(out.y!.data as Float32Array);
  } finally {
    await session.release();
  }
}

describe("external data in a model-local function's Constant", () => {
  it('is refused when it points outside the model folder, as a graph tensor is', () => {
    const file = writeFunctionModel('outside.onnx', '../outside.bin');
    const error = expectCode(() => readModelFile(file), 'EXTERNAL_DATA_OUTSIDE_MODEL_DIR');
    expect(error.message).toContain('"../outside.bin"');
  });

  it('is registered at open and written inline, and the written model computes what the file does', async () => {
    const file = writeFunctionModel('inside.onnx', 'k.bin');
    const opened = readModelFile(file);
    expect(opened.externalDataBytes).toBe(16);
    expect(opened.externalDataFiles).toEqual([fs.realpathSync(path.join(dir, 'models', 'k.bin'))]);

    const written = writeModel(opened);
    const constant = decodeModelProto(written).functions![0]!.node![0]!.attribute![0]!.t!;
    expect(constant.dataLocation ?? 0).toBe(0);
    expect(constant.externalData ?? []).toEqual([]);
    expect(Array.from(new Float32Array(new Uint8Array(constant.rawData!).slice().buffer))).toEqual(VALUES);
    // onnxruntime loads the original beside its data, and the written bytes with no folder at all.
    expect(await run(file)).toEqual(VALUES);
    expect(await run(written)).toEqual(VALUES);
  });
});
