/**
 * Triton's model configuration extension on a tier, over real sockets on 127.0.0.1 with node's http
 * client: `GET /v2/models/{name}/config` answers the configuration of the ONNX models the tier
 * serves (samples/resnet-mini.onnx with fixed dims, samples/transformer-encoder.onnx with symbolic
 * ones as -1), as Triton does; an unknown model or version is a 404 OIP error, and `GET /v2` names
 * the extension.
 */
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOnnxModel, type OnnxTierModel } from '../core/runtime/oip/onnx-model.js';
import { createTierServer, type TierServer } from '../core/runtime/oip/server.js';

const SAMPLES = path.resolve(import.meta.dirname, '../samples');
const TOKEN = 'tier-model-config-token-0123456789';

let resnet: OnnxTierModel;
let encoder: OnnxTierModel;
let server: TierServer;

function get(urlPath: string, token: string | null = TOKEN): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      `${server.url}${urlPath}`,
      { agent: false, headers: token === null ? {} : { Authorization: `Bearer ${token}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode!, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
  });
}

beforeAll(async () => {
  resnet = await createOnnxModel(path.join(SAMPLES, 'resnet-mini.onnx'));
  encoder = await createOnnxModel(path.join(SAMPLES, 'transformer-encoder.onnx'), {
    version: '3',
    maxConcurrency: 2,
  });
  server = await createTierServer({
    token: TOKEN,
    models: new Map([
      ['resnet', resnet],
      ['encoder', encoder],
    ]),
  });
});

afterAll(async () => {
  await server?.close();
  await resnet?.release();
  await encoder?.release();
});

describe("Triton's model configuration on a tier", () => {
  it('answers the configuration of a served ONNX model, as Triton prints it', async () => {
    const answer = await get('/v2/models/resnet/config');
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      name: 'resnet',
      platform: 'onnxruntime_onnx',
      backend: 'onnxruntime',
      version_policy: { latest: { num_versions: 1 } },
      max_batch_size: 0,
      input: [
        {
          name: 'input',
          data_type: 'TYPE_FP32',
          format: 'FORMAT_NONE',
          dims: [1, 3, 64, 64],
          is_shape_tensor: false,
          allow_ragged_batch: false,
          optional: false,
        },
      ],
      output: [
        { name: 'logits', data_type: 'TYPE_FP32', dims: [1, 10], label_filename: '', is_shape_tensor: false },
      ],
      instance_group: [{ name: 'resnet', kind: 'KIND_CPU', count: 1 }],
    });
  });

  it('gives symbolic dimensions as -1 and answers at the model version path', async () => {
    for (const urlPath of ['/v2/models/encoder/config', '/v2/models/encoder/versions/3/config']) {
      const answer = await get(urlPath);
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({
        name: 'encoder',
        platform: 'onnxruntime_onnx',
        max_batch_size: 0,
        input: [{ name: 'input_ids', data_type: 'TYPE_INT64', dims: [-1, -1] }],
        output: [{ name: 'last_hidden_state', data_type: 'TYPE_FP32', dims: [-1, -1, 64] }],
        instance_group: [{ kind: 'KIND_CPU', count: 2 }],
      });
    }
  });

  it('answers 404 with an OIP error for an unknown model or version, and 401 without the token', async () => {
    expect(await get('/v2/models/nothing/config')).toEqual({
      status: 404,
      json: { error: 'This tier serves no model "nothing"; it serves "resnet", "encoder".' },
    });
    expect(await get('/v2/models/encoder/versions/9/config')).toEqual({
      status: 404,
      json: { error: 'Model "encoder" has no version "9"; it has version "3".' },
    });
    expect((await get('/v2/models/resnet/config', null)).status).toBe(401);
  });

  it('names model_configuration and binary_tensor_data among the server extensions', async () => {
    const answer = await get('/v2');
    expect(answer.status).toBe(200);
    expect((answer.json as { extensions: string[] }).extensions).toEqual(
      expect.arrayContaining(['binary_tensor_data', 'model_configuration']),
    );
  });
});
