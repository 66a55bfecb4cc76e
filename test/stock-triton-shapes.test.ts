/**
 * Stock mode with Triton in the cloud's place: the device sends each server segment its tensors as
 * the bundle's cloud/triton/<segment>/config.pbtxt declares them. A scalar is dims [ 1 ] reshaped
 * to [ ] there (a batch of scalars [N, 1] when the segment batches), so the device sends it with
 * that last 1, and takes a one-element output back from [1] ([N, 1]) to the model's own shape.
 * The cloud here is a small stand-in that does what Triton does with such a config: it refuses an
 * input whose shape does not fit dims (the batch in front when it batches), runs the segment file
 * in onnxruntime on the reshaped inputs, answers outputs in their dims and records what it got.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleManifest } from '../core/bundle/manifest.js';
import { serveStockDevice } from '../core/bundle/stock-device.js';
import { readTritonConfig, type TritonTensor } from '../core/bundle/triton-schema.js';
import { graph, model, node, tensorFromFloat32, valueInfo } from '../core/onnx/builder.js';
import { encodeModelProto } from '../core/onnx/codec.js';
import { DataType } from '../core/onnx/dtype.js';
import { decodeInferRequest, encodeInferResponse } from '../core/runtime/oip/codec.js';
import { fromOrtTensor, toOrtTensor } from '../core/runtime/oip/ort-tensor.js';
import { sendBody } from '../core/runtime/oip/respond.js';
import type { OipTensor } from '../core/runtime/oip/tensor.js';
import { scalarModel } from './support/scalar-model.js';
import { exportByNodeNames } from './support/by-node-names.js';

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-stock-triton-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** x [N, 3] and one offset per request s [N]: Relu on the device; r · w + s, one number per request, in the cloud. */
function batchedScalarModel(): Uint8Array {
  return encodeModelProto(
    model({
      graph: graph({
        name: 'batched-scalar',
        nodes: [
          node('Relu', ['x'], ['r'], [], 'device_relu'),
          node('MatMul', ['r', 'w'], ['m'], [], 'cloud_matmul'),
          node('Add', ['m', 's'], ['total'], [], 'cloud_add'),
        ],
        initializers: [tensorFromFloat32('w', [3], new Float32Array([0.5, -1.25, 2]))],
        inputs: [valueInfo('x', DataType.FLOAT, ['N', 3]), valueInfo('s', DataType.FLOAT, ['N'])],
        outputs: [valueInfo('total', DataType.FLOAT, ['N'])],
      }),
    }),
  );
}

interface StandIn {
  readonly url: string;
  /** Input shapes of every request it took, by name. */
  readonly received: Record<string, number[]>[];
  close(): Promise<void>;
}

/** The cloud's one segment served as Triton serves it from the bundle's config.pbtxt (see the top). */
async function tritonStandIn(dir: string, segment: BundleManifest['segments'][number]): Promise<StandIn> {
  const file = path.join(dir, 'cloud', 'triton', segment.id, 'config.pbtxt');
  const config = readTritonConfig(fs.readFileSync(file, 'utf8'), file);
  const batched = config.maxBatchSize > 0;
  const session = await ort.InferenceSession.create(path.join(dir, segment.file));
  const received: Record<string, number[]>[] = [];
  const fits = (shape: readonly number[], declared: TritonTensor, batch: number): boolean => {
    const want = batched ? [batch, ...declared.dims] : declared.dims;
    return shape.length === want.length && want.every((d, i) => d < 0 || d === shape[i]);
  };
  const answer = async (body: Uint8Array, headerLength: number | null): Promise<OipTensor[]> => {
    const request = decodeInferRequest(body, headerLength);
    received.push(Object.fromEntries(request.inputs.map((t) => [t.name, [...t.shape]])));
    const batch = batched ? request.inputs[0]!.shape[0]! : 0;
    const feeds: Record<string, ort.Tensor> = {};
    for (const declared of config.inputs) {
      const tensor = request.inputs.find((t) => t.name === declared.name);
      if (!tensor || !fits(tensor.shape, declared, batch))
        throw new Error(`input ${declared.name} shape [${String(tensor?.shape)}] does not fit its dims`);
      const reshaped = declared.reshape && (batched ? [batch, ...declared.reshape] : declared.reshape);
      feeds[declared.name] = toOrtTensor(reshaped ? { ...tensor, shape: reshaped } : tensor);
    }
    const results = await session.run(feeds);
    // Triton answers an output in its dims: a reshaped one gets its last 1 back.
    return config.outputs.map((declared) => {
      const tensor = fromOrtTensor(declared.name, results[declared.name]!);
      return declared.reshape ? { ...tensor, shape: [...tensor.shape, 1] } : tensor;
    });
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const length = req.headers['inference-header-content-length'];
      // A copy of its own: binary tensor data are read in place, aligned.
      answer(new Uint8Array(Buffer.concat(chunks)), typeof length === 'string' ? Number(length) : null).then(
        (outputs) =>
          sendBody(res, 200, encodeInferResponse({ modelName: segment.id, outputs }, { binary: true })),
        (error: unknown) => {
          res.statusCode = 400;
          res.setHeader('Content-Type', 'application/json');
          res.end(JSON.stringify({ error: (error as Error).message }));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await session.release();
    },
  };
}

/** Runs `feeds` through the stock device with the stand-in as the cloud; returns its answer and what the cloud got. */
async function throughTriton(dir: string, manifest: BundleManifest, feeds: Record<string, ort.Tensor>) {
  const segment = manifest.segments.find((s) => s.tier === 2)!;
  const cloud = await tritonStandIn(dir, segment);
  const device = await serveStockDevice({
    manifest,
    bundleDir: dir,
    serverUrls: new Map([[2, cloud.url]]),
    token: manifest.runtime.token,
  });
  try {
    const answer = await device.driver.infer(new Map(Object.entries(feeds)));
    return { answer, received: cloud.received };
  } finally {
    await device.close();
    await cloud.close();
  }
}

async function wholeModel(bytes: Uint8Array, feeds: Record<string, ort.Tensor>) {
  const session = await ort.InferenceSession.create(bytes);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

describe('stock mode with Triton as the cloud', () => {
  it('sends a scalar as [1] and takes the scalar answer back as [], equal to the whole model', async () => {
    const dir = path.join(work, 'scalar');
    const bytes = scalarModel();
    const manifest = await exportByNodeNames(dir, bytes, 'scalar', 'stock');
    const feeds = {
      x: new ort.Tensor('float32', Float32Array.from([1, -2, 3, -4, 5, 0.5]), [2, 3]),
      scale: new ort.Tensor('float32', Float32Array.from([1.5]), []),
    };
    const { answer, received } = await throughTriton(dir, manifest, feeds);
    expect(received).toEqual([{ r: [2, 3], scale: [1] }]);
    const total = answer.outputs.get('total')!;
    expect(total.dims).toEqual([]);
    const expected = (await wholeModel(bytes, feeds)).total!;
    expect(Array.from(total.data as Float32Array)).toEqual(Array.from(expected.data as Float32Array));
    expect(Array.from(total.data as Float32Array)).toEqual([(1 + 3 + 5 + 0.5) * 1.5]);
  });

  it('in a segment that batches, sends a batch of scalars as [N, 1] and takes it back as [N]', async () => {
    const dir = path.join(work, 'batched');
    const bytes = batchedScalarModel();
    const manifest = await exportByNodeNames(dir, bytes, 'batched-scalar', 'stock');
    const config = fs.readFileSync(
      path.join(dir, 'cloud', 'triton', manifest.segments.find((s) => s.tier === 2)!.id, 'config.pbtxt'),
      'utf8',
    );
    expect(config).toMatch(/^max_batch_size: [1-9]/m);
    const feeds = {
      x: new ort.Tensor('float32', Float32Array.from([1, -2, 3, -4, 5, 0.5]), [2, 3]),
      s: new ort.Tensor('float32', Float32Array.from([10, -10]), [2]),
    };
    const { answer, received } = await throughTriton(dir, manifest, feeds);
    expect(received).toEqual([{ r: [2, 3], s: [2, 1] }]);
    const total = answer.outputs.get('total')!;
    expect(total.dims).toEqual([2]);
    const expected = (await wholeModel(bytes, feeds)).total!;
    expect(Array.from(total.data as Float32Array)).toEqual(Array.from(expected.data as Float32Array));
  });
});
