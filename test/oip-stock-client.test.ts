/**
 * Stock Open Inference Protocol clients call every tier of a three-tier bundle: a hand-written
 * client (node:http, JSON written by hand, no Cutline client and no cutline_* parameter) sends each
 * server tier's segments their inputs, taken from onnxruntime running the earlier segment files,
 * and the device its whole model, as JSON and as binary tensors, gzip'd, with a chosen subset of
 * outputs; every answer equals onnxruntime's own run of that segment file. Model metadata, ready
 * and Triton's config describe each plain model (the config agreeing with the bundle's
 * cloud/triton config.pbtxt), the server metadata names the extensions, and the entries that exist
 * only to relay Cutline's split inferences are not offered as models. Bundles: the Edge-PRUNE
 * vehicle sample (device L1, edge L2, cloud the dense layers; fixed shapes) and a generated model
 * whose every tensor leads with a symbolic batch N (its segments batch in Triton's terms).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleManifest } from '../core/bundle/manifest.js';
import { serveTier, type ServedTier } from '../core/bundle/tier-server.js';
import { servePlainTier } from '../core/bundle/plain-tier.js';
import { serveStockDevice } from '../core/bundle/stock-device.js';
import { TRITON_MAX_BATCH } from '../core/bundle/triton-config.js';
import { readTritonConfig } from '../core/bundle/triton-schema.js';
import { graph, model, node, tensorFromFloat32, valueInfo } from '../core/onnx/builder.js';
import { encodeModelProto } from '../core/onnx/codec.js';
import { DataType } from '../core/onnx/dtype.js';
import {
  binaryInferBody,
  getJson,
  jsonInferBody,
  plainHttp,
  readInferAnswer,
  type Fp32Tensor,
  type InferAnswer,
} from './support/plain-oip.js';
import { exportVehicleChain } from './support/vehicle-bundle.js';
import { scalarModel } from './support/scalar-model.js';
import { exportByNodeNames } from './support/by-node-names.js';

const TOPOLOGY = 'pi4-wifi-edge-wan-cloud';

/**
 * x [N, 4] → device: MatMul, Relu → edge: MatMul and Tanh (two outputs up) → cloud: Sigmoid and
 * Mul, the model's two outputs y [N, 3] and z [N, 6]. Node names say their tier.
 */
function batchedThreeTierModel(): Uint8Array {
  const weight = (name: string, rows: number, cols: number) =>
    tensorFromFloat32(
      name,
      [rows, cols],
      new Float32Array(rows * cols).map((_, i) => Math.sin(i + rows)),
    );
  return encodeModelProto(
    model({
      graph: graph({
        name: 'batched-three',
        nodes: [
          node('MatMul', ['x', 'w0'], ['a'], [], 'device_matmul'),
          node('Relu', ['a'], ['r'], [], 'device_relu'),
          node('MatMul', ['r', 'w1'], ['m'], [], 'edge_matmul'),
          node('Tanh', ['r'], ['t'], [], 'edge_tanh'),
          node('Sigmoid', ['m'], ['y'], [], 'cloud_sigmoid'),
          node('Mul', ['t', 't'], ['z'], [], 'cloud_mul'),
        ],
        initializers: [weight('w0', 4, 6), weight('w1', 6, 3)],
        inputs: [valueInfo('x', DataType.FLOAT, ['N', 4])],
        outputs: [valueInfo('y', DataType.FLOAT, ['N', 3]), valueInfo('z', DataType.FLOAT, ['N', 6])],
      }),
    }),
  );
}

interface Chain {
  readonly dir: string;
  readonly manifest: BundleManifest;
  /** Device, edge, cloud. */
  readonly tiers: readonly ServedTier[];
  readonly token: string;
  /** The model's inputs, and every segment's outputs from onnxruntime running the segment files in order. */
  readonly values: ReadonlyMap<string, ort.Tensor>;
}

/** Deterministic inputs of the model, symbolic dimensions as `batch`. */
function modelInputs(manifest: BundleManifest, batch: number): Map<string, ort.Tensor> {
  return new Map(
    manifest.model.inputs.map((t, k) => {
      const shape = t.shape!.map((d) => (typeof d === 'number' ? d : batch));
      const data = new Float32Array(shape.reduce((a, b) => a * b, 1)).map((_, i) => Math.cos(i * 0.37 + k));
      return [t.name, new ort.Tensor('float32', data, shape)];
    }),
  );
}

/** onnxruntime's run of every segment file in the manifest's order, each fed from the ones before. */
async function referenceValues(dir: string, manifest: BundleManifest, batch: number) {
  const values = modelInputs(manifest, batch);
  for (const segment of manifest.segments) {
    const session = await ort.InferenceSession.create(path.join(dir, segment.file));
    try {
      const feeds = Object.fromEntries(segment.inputs.map((t) => [t.name, values.get(t.name)!]));
      const results = await session.run(feeds);
      for (const t of segment.outputs) values.set(t.name, results[t.name]!);
    } finally {
      await session.release();
    }
  }
  return values;
}

async function startChain(dir: string, manifest: BundleManifest, batch: number): Promise<Chain> {
  const token = manifest.runtime.token;
  const cloud = await serveTier({ manifest, bundleDir: dir, tier: 2, token });
  const edge = await serveTier({ manifest, bundleDir: dir, tier: 1, token, upUrl: cloud.server.url });
  const device = await serveTier({ manifest, bundleDir: dir, tier: 0, token, upUrl: edge.server.url });
  return {
    dir,
    manifest,
    tiers: [device, edge, cloud],
    token,
    values: await referenceValues(dir, manifest, batch),
  };
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-stock-client-'));
const chains = new Map<string, Chain>();

beforeAll(async () => {
  const vehicle = await exportVehicleChain(path.join(work, 'vehicle'), TOPOLOGY, 'fail');
  chains.set('vehicle', await startChain(vehicle.dir, vehicle.manifest, 1));
  const batchedDir = path.join(work, 'batched');
  // Two rows: symbolic N is any size for a plain client too.
  chains.set(
    'batched',
    await startChain(batchedDir, await exportByNodeNames(batchedDir, batchedThreeTierModel(), 'batched'), 2),
  );
}, 60_000);

afterAll(async () => {
  for (const chain of chains.values()) for (const tier of chain.tiers) await tier.close();
  fs.rmSync(work, { recursive: true, force: true });
});

/** A plain model a stock client calls: where it is served, its inputs and outputs. */
interface PlainModel {
  readonly name: string;
  readonly url: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

/** The device's whole model, and each edge and cloud segment on the tier that runs it. */
function plainModels(chain: Chain): PlainModel[] {
  const { manifest, tiers } = chain;
  return [
    {
      name: manifest.model.name,
      url: tiers[0]!.server.url,
      inputs: manifest.model.inputs.map((t) => t.name),
      outputs: manifest.model.outputs.map((t) => t.name),
    },
    ...manifest.segments
      .filter((s) => s.tier > 0)
      .map((s) => ({
        name: s.id,
        url: tiers[s.tier]!.server.url,
        inputs: s.inputs.map((t) => t.name),
        outputs: s.outputs.map((t) => t.name),
      })),
  ];
}

function fp32(chain: Chain, name: string): Fp32Tensor {
  const tensor = chain.values.get(name)!;
  return { name, shape: [...tensor.dims], data: tensor.data as Float32Array };
}

/** Every output of the answer, in order, equals onnxruntime's value of that tensor exactly. */
function expectOnnxruntimeValues(chain: Chain, answer: InferAnswer, names: readonly string[]): void {
  expect([...answer.outputs.keys()]).toEqual(names);
  for (const name of names) {
    const expected = chain.values.get(name)!;
    const got = answer.outputs.get(name)!;
    expect(got.shape, name).toEqual([...expected.dims]);
    expect(got.data, name).toEqual(expected.data);
  }
}

interface ConfigTensor {
  name: string;
  data_type: string;
  dims: number[];
  reshape?: { shape: number[] };
}

/** The tier's JSON config and the Triton repository's config.pbtxt say the same of one segment. */
function expectConfigAgrees(
  json: { max_batch_size: number; dynamic_batching?: object; input: ConfigTensor[]; output: ConfigTensor[] },
  pbtxt: string,
): void {
  const triton = readTritonConfig(fs.readFileSync(pbtxt, 'utf8'), pbtxt);
  const asTriton = (t: ConfigTensor) => ({
    name: t.name,
    dataType: t.data_type,
    dims: t.dims,
    reshape: t.reshape ? t.reshape.shape : null,
  });
  expect(json.max_batch_size).toBe(triton.maxBatchSize);
  expect(json.dynamic_batching !== undefined).toBe(triton.dynamicBatching);
  expect(json.input.map(asTriton)).toEqual(triton.inputs);
  expect(json.output.map(asTriton)).toEqual(triton.outputs);
}

const inferPath = (name: string): string => `/v2/models/${encodeURIComponent(name)}/infer`;

for (const bundle of ['vehicle', 'batched']) {
  describe(`${bundle} bundle: a stock OIP client`, () => {
    it("calls the device's whole model and every edge and cloud segment with JSON tensors", async () => {
      const chain = chains.get(bundle)!;
      const called = plainModels(chain);
      expect(called.map((m) => m.name)).toEqual([
        chain.manifest.model.name,
        ...chain.manifest.segments.filter((s) => s.tier > 0).map((s) => s.id),
      ]);
      expect(chain.manifest.segments.filter((s) => s.tier === 1).length).toBeGreaterThan(0);
      expect(chain.manifest.segments.filter((s) => s.tier === 2).length).toBeGreaterThan(0);
      for (const m of called) {
        const body = jsonInferBody(m.inputs.map((n) => fp32(chain, n)));
        const answer = await plainHttp(m.url, 'POST', inferPath(m.name), chain.token, body, {
          'content-type': 'application/json',
        });
        expect(answer.status, `${m.name}: ${answer.raw.toString('utf8', 0, 300)}`).toBe(200);
        const read = readInferAnswer(answer);
        expect(read.header.model_name).toBe(m.name);
        expectOnnxruntimeValues(chain, read, m.outputs);
        for (const output of read.outputs.values()) expect(output.binary).toBe(false);
      }
    });

    it('sends binary tensors and gets the outputs it names, in its order, binary or JSON as asked', async () => {
      const chain = chains.get(bundle)!;
      for (const m of plainModels(chain)) {
        // The last output as binary data first, then (when there is another) the first as JSON.
        const wanted = [
          { name: m.outputs.at(-1)!, binary: true },
          ...(m.outputs.length > 1 ? [{ name: m.outputs[0]!, binary: false }] : []),
        ];
        const { body, headerLength } = binaryInferBody(
          m.inputs.map((n) => fp32(chain, n)),
          wanted,
        );
        const answer = await plainHttp(m.url, 'POST', inferPath(m.name), chain.token, body, {
          'content-type': 'application/octet-stream',
          'inference-header-content-length': String(headerLength),
        });
        expect(answer.status, `${m.name}: ${answer.raw.toString('utf8', 0, 300)}`).toBe(200);
        const read = readInferAnswer(answer);
        expectOnnxruntimeValues(
          chain,
          read,
          wanted.map((w) => w.name),
        );
        expect([...read.outputs.values()].map((o) => o.binary)).toEqual(wanted.map((w) => w.binary));
      }
    });

    it('sends gzip request bodies and reads gzip answers', async () => {
      const chain = chains.get(bundle)!;
      for (const m of plainModels(chain)) {
        const { body, headerLength } = binaryInferBody(m.inputs.map((n) => fp32(chain, n)));
        for (const [compressed, extra] of [
          [zlib.gzipSync(jsonInferBody(m.inputs.map((n) => fp32(chain, n)))), {}],
          [zlib.gzipSync(body), { 'inference-header-content-length': String(headerLength) }],
        ] as const) {
          const answer = await plainHttp(m.url, 'POST', inferPath(m.name), chain.token, compressed, {
            'content-encoding': 'gzip',
            'accept-encoding': 'gzip',
            ...extra,
          });
          expect(answer.status, `${m.name}: ${answer.status}`).toBe(200);
          expect(answer.headers['content-encoding']).toBe('gzip');
          expectOnnxruntimeValues(chain, readInferAnswer(answer), m.outputs);
        }
      }
    });

    it("reads each plain model's metadata, readiness and Triton config; the config matches config.pbtxt", async () => {
      const chain = chains.get(bundle)!;
      const { manifest } = chain;
      const declared = new Map(
        [
          ...manifest.model.inputs,
          ...manifest.model.outputs,
          ...manifest.segments.flatMap((s) => [...s.inputs, ...s.outputs]),
        ].map((t) => [t.name, t]),
      );
      const dims = (name: string) => declared.get(name)!.shape!.map((d) => (typeof d === 'number' ? d : -1));
      let compared = 0;
      for (const m of plainModels(chain)) {
        const base = `/v2/models/${encodeURIComponent(m.name)}`;
        const metadata = await getJson(m.url, base, chain.token);
        expect(metadata.status).toBe(200);
        expect(metadata.json).toMatchObject({
          name: m.name,
          inputs: m.inputs.map((name) => ({ name, datatype: 'FP32', shape: dims(name) })),
          outputs: m.outputs.map((name) => ({ name, datatype: 'FP32', shape: dims(name) })),
        });
        expect(await getJson(m.url, `${base}/ready`, chain.token)).toEqual({
          status: 200,
          json: { name: m.name, ready: true },
        });
        const config = await getJson(m.url, `${base}/config`, chain.token);
        expect(config.status).toBe(200);
        const json = config.json as {
          name: string;
          max_batch_size: number;
          dynamic_batching?: object;
          input: ConfigTensor[];
          output: ConfigTensor[];
        };
        expect(json.name).toBe(m.name);
        // Every tensor of the batched model leads with N, and none of the vehicle's is symbolic.
        const batches = bundle === 'batched';
        expect(json.max_batch_size).toBe(batches ? TRITON_MAX_BATCH : 0);
        expect(json.dynamic_batching !== undefined).toBe(batches);
        expect(json.input.map((t) => [t.name, t.dims])).toEqual(
          m.inputs.map((name) => [name, batches ? dims(name).slice(1) : dims(name)]),
        );
        const pbtxt = path.join(chain.dir, 'cloud', 'triton', m.name, 'config.pbtxt');
        if (!fs.existsSync(pbtxt)) continue;
        expectConfigAgrees(json, pbtxt);
        compared++;
      }
      expect(compared).toBeGreaterThanOrEqual(chain.manifest.segments.filter((s) => s.tier === 2).length);
    });

    it("serves the cloud as a stock bundle's plain tier: /config as config.pbtxt, onnxruntime's values, no relay extension", async () => {
      const chain = chains.get(bundle)!;
      const { manifest, token } = chain;
      const plain = await servePlainTier({ manifest, bundleDir: chain.dir, tier: 2, token });
      try {
        const server = await getJson(plain.server.url, '/v2', token);
        const extensions = (server.json as { extensions: string[] }).extensions;
        expect(extensions).toEqual(expect.arrayContaining(['binary_tensor_data', 'model_configuration']));
        expect(extensions).not.toContain('cutline_relay');
        const cloud = plainModels(chain).filter(
          (m) => manifest.segments.find((s) => s.id === m.name)?.tier === 2,
        );
        expect(cloud.length).toBeGreaterThan(0);
        for (const m of cloud) {
          const config = await getJson(
            plain.server.url,
            `/v2/models/${encodeURIComponent(m.name)}/config`,
            token,
          );
          expect(config.status).toBe(200);
          const pbtxt = path.join(chain.dir, 'cloud', 'triton', m.name, 'config.pbtxt');
          if (fs.existsSync(pbtxt))
            expectConfigAgrees(config.json as Parameters<typeof expectConfigAgrees>[0], pbtxt);
          const body = jsonInferBody(m.inputs.map((name) => fp32(chain, name)));
          const answer = await plainHttp(plain.server.url, 'POST', inferPath(m.name), token, body, {
            'content-type': 'application/json',
          });
          expect(answer.status, `${m.name}: ${answer.raw.toString('utf8', 0, 300)}`).toBe(200);
          expectOnnxruntimeValues(chain, readInferAnswer(answer), m.outputs);
        }
      } finally {
        await plain.close();
      }
    });

    it("has a stock device whose whole model answers and configures as the relay device's", async () => {
      const chain = chains.get(bundle)!;
      const { manifest, tiers, token } = chain;
      const device = await serveStockDevice({
        manifest,
        bundleDir: chain.dir,
        // Plain calls only, which Cutline's relay tiers answer too.
        serverUrls: new Map([
          [1, tiers[1]!.server.url],
          [2, tiers[2]!.server.url],
        ]),
        token,
      });
      try {
        const base = `/v2/models/${encodeURIComponent(manifest.model.name)}`;
        const stock = await getJson(device.server.url, `${base}/config`, token);
        expect(stock).toEqual(await getJson(tiers[0]!.server.url, `${base}/config`, token));
        const whole = plainModels(chain)[0]!;
        const body = jsonInferBody(whole.inputs.map((name) => fp32(chain, name)));
        const answer = await plainHttp(device.server.url, 'POST', inferPath(whole.name), token, body, {
          'content-type': 'application/json',
        });
        expect(answer.status, answer.raw.toString('utf8', 0, 300)).toBe(200);
        const read = readInferAnswer(answer);
        for (const name of whole.outputs) {
          const expected = chain.values.get(name)!;
          expect(read.outputs.get(name)!.shape, name).toEqual([...expected.dims]);
          const got = read.outputs.get(name)!.data as Float32Array;
          const want = expected.data as Float32Array;
          expect(Math.max(...got.map((v, i) => Math.abs(v - want[i]!)))).toBeLessThanOrEqual(1e-5);
        }
      } finally {
        await device.close();
      }
    });

    it('finds the extensions in the server metadata, and no relay-only entry among the models', async () => {
      const chain = chains.get(bundle)!;
      const { manifest, tiers, token } = chain;
      for (const tier of tiers) {
        const server = await getJson(tier.server.url, '/v2', token);
        expect(server.status).toBe(200);
        expect((server.json as { extensions: string[] }).extensions).toEqual(
          expect.arrayContaining(['binary_tensor_data', 'model_configuration', 'cutline_relay']),
        );
      }
      const edge = tiers[1]!.server.url;
      // The edge lists its own segments only: not the cloud's steps it relays, nor the release entry.
      const edgeSegments = manifest.segments.filter((s) => s.tier === 1).map((s) => `"${s.id}"`);
      expect(await getJson(edge, '/v2/models/nothing', token)).toEqual({
        status: 404,
        json: { error: `This tier serves no model "nothing"; it serves ${edgeSegments.join(', ')}.` },
      });
      const cloudSegment = manifest.segments.find((s) => s.tier === 2)!;
      const refusal = `Model "${cloudSegment.id}" runs on the cloud tier; the edge only relays it for split inferences (parameters.cutline_request). Call the cloud tier's server with its inputs.`;
      for (const suffix of ['', '/ready', '/config']) {
        expect(await getJson(edge, `/v2/models/${cloudSegment.id}${suffix}`, token)).toEqual({
          status: 404,
          json: { error: refusal },
        });
      }
      const plainCall = await plainHttp(
        edge,
        'POST',
        inferPath(cloudSegment.id),
        token,
        jsonInferBody(cloudSegment.inputs.map((t) => fp32(chain, t.name))),
      );
      expect(plainCall.status).toBe(404);
      expect(JSON.parse(plainCall.raw.toString('utf8'))).toEqual({ error: refusal });
      for (const tier of tiers.slice(1)) {
        const release = await getJson(tier.server.url, '/v2/models/cutline-release', token);
        expect(release.status).toBe(404);
        expect((release.json as { error: string }).error).toMatch(/^"cutline-release" is not a model/);
      }
    });
  });
}

describe('a cloud segment with a scalar input and output', () => {
  it('answers a plain request, and its config is dims [ 1 ] reshaped to [ ], as in config.pbtxt', async () => {
    const dir = path.join(work, 'scalar');
    const manifest = await exportByNodeNames(dir, scalarModel(), 'scalar');
    const segment = manifest.segments.find((s) => s.tier === 2)!;
    const cloud = await serveTier({ manifest, bundleDir: dir, tier: 2, token: manifest.runtime.token });
    try {
      const chain: Chain = {
        dir,
        manifest,
        tiers: [cloud],
        token: manifest.runtime.token,
        values: await referenceValues(dir, manifest, 1),
      };
      const answer = await plainHttp(
        cloud.server.url,
        'POST',
        inferPath(segment.id),
        chain.token,
        jsonInferBody(segment.inputs.map((t) => fp32(chain, t.name))),
      );
      expect(answer.status, answer.raw.toString('utf8', 0, 300)).toBe(200);
      expectOnnxruntimeValues(chain, readInferAnswer(answer), ['total']);
      const config = await getJson(cloud.server.url, `/v2/models/${segment.id}/config`, chain.token);
      const json = config.json as Parameters<typeof expectConfigAgrees>[0];
      expect(json.input.find((t) => t.name === 'scale')).toMatchObject({ dims: [1], reshape: { shape: [] } });
      expect(json.output).toMatchObject([{ name: 'total', dims: [1], reshape: { shape: [] } }]);
      expectConfigAgrees(json, path.join(dir, 'cloud', 'triton', segment.id, 'config.pbtxt'));

      // Hostile plain requests are refused with a 400 naming what is wrong, before the segment runs.
      const inputs = segment.inputs.map((t) => fp32(chain, t.name));
      const refused = async (body: Buffer, error: RegExp, headers?: Record<string, string>) => {
        const reply = await plainHttp(
          cloud.server.url,
          'POST',
          inferPath(segment.id),
          chain.token,
          body,
          headers,
        );
        expect(reply.status, reply.raw.toString('utf8', 0, 300)).toBe(400);
        expect((JSON.parse(reply.raw.toString('utf8')) as { error: string }).error).toMatch(error);
      };
      await refused(
        jsonInferBody(inputs, [{ name: 'nope' }]),
        /has no output "nope"; its outputs are "total"/,
      );
      await refused(jsonInferBody(inputs, [{ name: 'total' }, { name: 'total' }]), /"total" appears twice/);
      await refused(jsonInferBody([...inputs, { ...inputs[0]!, name: 'extra' }]), /has no input "extra"/);
      await refused(jsonInferBody([inputs[0]!, inputs[0]!]), /appears twice/);
      await refused(jsonInferBody(inputs.slice(1)), /needs input/);
      const r = inputs.find((t) => t.name === 'r')!;
      await refused(
        jsonInferBody(inputs.map((t) => (t === r ? { ...r, shape: [3, 2] } : t))),
        /has shape \[3, ?2\], but model .* takes \[2, ?3\]/,
      );
      // binary_data_size that does not fit the shape, and one that overruns the body.
      const binary = binaryInferBody(inputs);
      const header = JSON.parse(binary.body.subarray(0, binary.headerLength).toString('utf8')) as {
        inputs: { name: string; parameters: { binary_data_size: number } }[];
      };
      const short = header.inputs.find((t) => t.name === 'r')!;
      short.parameters.binary_data_size -= 4;
      const shortHeader = Buffer.from(JSON.stringify(header));
      const shortBody = Buffer.concat([shortHeader, binary.body.subarray(binary.headerLength + 4)]);
      await refused(shortBody, /binary_data_size must be 24 bytes, not 20/, {
        'inference-header-content-length': String(shortHeader.length),
      });
      short.parameters.binary_data_size += 1_000;
      const longHeader = Buffer.from(JSON.stringify(header));
      await refused(
        Buffer.concat([longHeader, binary.body.subarray(binary.headerLength)]),
        /declares binary_data_size 1020, but only/,
        { 'inference-header-content-length': String(longHeader.length) },
      );
      // The scalar as a client reading that config sends it (dims [1]) is taken as Triton takes it.
      const asConfigured = inputs.map((t) => (t.name === 'scale' ? { ...t, shape: [1] } : t));
      const configured = await plainHttp(
        cloud.server.url,
        'POST',
        inferPath(segment.id),
        chain.token,
        jsonInferBody(asConfigured),
      );
      expect(configured.status, configured.raw.toString('utf8', 0, 300)).toBe(200);
      expectOnnxruntimeValues(chain, readInferAnswer(configured), ['total']);
      await refused(
        jsonInferBody(inputs.map((t) => (t.name === 'scale' ? { ...t, shape: [1, 1] } : t))),
        /Input "scale" has shape \[1, ?1\]/,
      );
      // The tier still answers a good request after them.
      const again = await plainHttp(
        cloud.server.url,
        'POST',
        inferPath(segment.id),
        chain.token,
        jsonInferBody(inputs),
      );
      expect(again.status).toBe(200);
      expectOnnxruntimeValues(chain, readInferAnswer(again), ['total']);
    } finally {
      await cloud.close();
    }
  });
});
