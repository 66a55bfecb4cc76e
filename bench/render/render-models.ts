/**
 * The models the render benchmark opens: DNN-like graphs of exactly 100, 1,000 and 5,000 layers,
 * each in two namings. `scoped` names layers the way torch.onnx does (`/stage1/unit42/conv2/Conv`),
 * so the studio folds them into stage and unit blocks; `flat` gives the same graph names without
 * scopes (`stage1.unit42.conv2.Conv`), so the only blocks are the studio's sections of 40.
 *
 * Generated deterministically and cached under `.bench/` as `render-<naming>-<layers>.v<version>.onnx`
 * with a `.json` sidecar, like the other bench models. They are small (8 channels on 8×8 maps), so
 * they are built in this process.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { attr, graph, model, valueInfo } from '../../core/onnx/builder.js';
import { encodeModelProto, type onnx } from '../../core/onnx/codec.js';
import { DataType } from '../../core/onnx/dtype.js';
import { createRandom, seedFromText } from '../../core/onnx/random.js';
import { NetworkBuilder } from '../../samples/models/network-builder.js';
import { benchDir, type CachedModel } from '../model-cache.js';
import type { GeneratedModelInfo } from '../models.js';

export type Naming = 'flat' | 'scoped';

export interface RenderModelSpec {
  readonly layers: number;
  readonly naming: Naming;
}

/** Bumped whenever the generator changes, so cached files are rebuilt. */
export const RENDER_MODEL_VERSION = 1;

const CHANNELS = 8;
const IMAGE = 8;
const CLASSES = 10;
const STAGES = 4;
/** Stem conv + pool, flatten and dense head. */
const FIXED_LAYERS = 4;

export const renderModelName = (spec: RenderModelSpec): string => `render-${spec.naming}-${spec.layers}`;

/** A torch-style scoped name without its scopes: `/stage0/unit3/conv1/Conv` → `stage0.unit3.conv1.Conv`. */
const flatName = (name: string): string => name.split('/').filter(Boolean).join('.');

/**
 * The body, unit by unit: 70% residual units (a branch of 2–5 conv/relu layers added back onto
 * the input), 15% inception-like forks (2–3 branches of 1–2 layers, concatenated and mixed back
 * to 8 channels by a 1×1 conv), 15% plain conv + relu runs. When the next unit would overshoot
 * the layer count, Relu layers fill the rest, so the model has exactly `spec.layers` nodes.
 */
function buildBody(net: NetworkBuilder, input: string, bodyLayers: number, seedText: string): string {
  const random = createRandom(seedFromText(seedText));
  const between = (low: number, high: number): number => low + Math.floor(random.next() * (high - low + 1));
  const same3x3 = { inChannels: CHANNELS, outChannels: CHANNELS, kernel: 3, pad: 1 };
  let x = input;
  let used = 0;
  for (let unit = 0; used < bodyLayers; unit++) {
    const stage = Math.min(STAGES - 1, Math.floor((used * STAGES) / bodyLayers));
    const scope = `/stage${stage}/unit${unit}`;
    const left = bodyLayers - used;
    const kind = random.next();
    if (kind < 0.7 && left >= 3) {
      const length = Math.min(between(2, 5), left - 1);
      let branch = x;
      for (let i = 0; i < length; i++) {
        branch =
          i % 2 === 0
            ? net.conv(`${scope}/conv${i}`, branch, same3x3)
            : net.op1(`${scope}/relu${i}`, 'Relu', [branch]);
      }
      x = net.op1(scope, 'Add', [x, branch]);
      used += length + 1;
    } else if (kind < 0.85 && left >= 4) {
      const ends: string[] = [];
      const branches = between(2, 3);
      let forkLayers = 2;
      for (let b = 0; b < branches && forkLayers + 1 <= left; b++) {
        let end = net.conv(`${scope}/branch${b}/conv`, x, {
          ...same3x3,
          kernel: b % 2 ? 1 : 3,
          pad: b % 2 ? 0 : 1,
        });
        forkLayers++;
        if (forkLayers + 1 <= left && random.next() < 0.5) {
          end = net.op1(`${scope}/branch${b}/relu`, 'Relu', [end]);
          forkLayers++;
        }
        ends.push(end);
      }
      const joined = net.op1(scope, 'Concat', ends, [attr.int('axis', 1)]);
      x = net.conv(`${scope}/mix`, joined, {
        inChannels: CHANNELS * ends.length,
        outChannels: CHANNELS,
        kernel: 1,
      });
      used += forkLayers;
    } else if (left >= 2) {
      x = net.op1(`${scope}/relu`, 'Relu', [net.conv(`${scope}/conv`, x, same3x3)]);
      used += 2;
    } else {
      x = net.op1(`${scope}/relu`, 'Relu', [x]);
      used += 1;
    }
  }
  return x;
}

/** The model of `spec`: stem conv, body, GlobalAveragePool → Flatten → Gemm 8→10. */
export function buildRenderModel(spec: RenderModelSpec): onnx.ModelProto.$Properties {
  if (spec.layers < FIXED_LAYERS + 1)
    throw new Error(`A render model needs at least ${FIXED_LAYERS + 1} layers.`);
  const name = renderModelName(spec);
  // Same seed for both namings: the two variants are one graph with two sets of names.
  const net = new NetworkBuilder(`render-${spec.layers}`);
  let x = net.conv('/stem', 'input', { inChannels: 3, outChannels: CHANNELS, kernel: 3, pad: 1 });
  x = buildBody(net, x, spec.layers - FIXED_LAYERS, `render-body-${spec.layers}`);
  x = net.op1('/head/pool', 'GlobalAveragePool', [x]);
  x = net.op1('/head/flatten', 'Flatten', [x], [attr.int('axis', 1)]);
  net.gemm('/head/fc', x, CHANNELS, CLASSES, 'logits');
  // Only node names change: tensor and weight names keep their scopes, which nothing groups by.
  const nodes =
    spec.naming === 'flat' ? net.nodes.map((n) => ({ ...n, name: flatName(n.name ?? '') })) : net.nodes;
  return model({
    producerName: 'cutline-bench',
    graph: graph({
      name,
      nodes,
      initializers: net.initializers,
      inputs: [valueInfo('input', DataType.FLOAT, [1, 3, IMAGE, IMAGE])],
      outputs: [valueInfo('logits', DataType.FLOAT, [1, CLASSES])],
    }),
  });
}

function readInfo(jsonPath: string): GeneratedModelInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(jsonPath, 'utf8')) as GeneratedModelInfo;
  } catch {
    return undefined;
  }
}

/** The model's cached file, generated first when missing or incomplete. */
export function ensureRenderModel(spec: RenderModelSpec): CachedModel {
  fs.mkdirSync(benchDir, { recursive: true });
  const name = renderModelName(spec);
  const onnxPath = path.join(benchDir, `${name}.v${RENDER_MODEL_VERSION}.onnx`);
  const jsonPath = onnxPath.replace(/\.onnx$/, '.json');
  const cached = readInfo(jsonPath);
  if (cached && fs.existsSync(onnxPath) && fs.statSync(onnxPath).size === cached.fileBytes) {
    return { path: onnxPath, info: cached, generated: false };
  }
  const started = performance.now();
  const proto = buildRenderModel(spec);
  const bytes = encodeModelProto(proto);
  const temporary = `${onnxPath}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, bytes);
  fs.renameSync(temporary, onnxPath);
  let parameters = 0;
  for (const t of proto.graph?.initializer ?? []) {
    parameters += (t.dims ?? []).reduce<number>((n, d) => n * Number(d), 1);
  }
  const info: GeneratedModelInfo = {
    name,
    version: RENDER_MODEL_VERSION,
    nodes: proto.graph?.node?.length ?? 0,
    parameters,
    fileBytes: bytes.length,
    generateMs: performance.now() - started,
  };
  fs.writeFileSync(jsonPath, `${JSON.stringify(info, null, 2)}\n`);
  return { path: onnxPath, info, generated: true };
}
