/**
 * A BERT-like encoder (Devlin et al. 2019), wider and deeper than the transformer-encoder sample:
 * hidden 256, 4 heads of 64, feed-forward 1024, 4 layers, vocabulary 4096, input_ids
 * [batch, sequence] with both dimensions symbolic, bound to 1 × 128 where it is measured and
 * predicted. Layers 0 and 1 normalise with the opset-17 LayerNormalization operator, layers 2 and 3
 * with the ReduceMean/Sub/Pow/Sqrt/Div form older exporters wrote; GELU is the Erf form torch.onnx
 * writes before opset 20; attention is MatMul/Softmax with Reshape targets computed from the
 * input's runtime shape. About 0.44 G multiply-accumulates at S = 128.
 */
import {
  attr,
  graph,
  model,
  scalarFloat32,
  scalarInt64,
  tensorFromFloat32,
  tensorFromInt64,
  valueInfo,
} from '../../core/onnx/builder.js';
import { DataType } from '../../core/onnx/dtype.js';
import { NetworkBuilder, parameterPrefix } from '../../samples/models/network-builder.js';
import { HOLDOUT_PRODUCER, type HoldoutModel } from './common.js';

const VOCABULARY = 4096;
const MAX_POSITIONS = 512;
const HIDDEN = 256;
const HEADS = 4;
const HEAD_SIZE = HIDDEN / HEADS;
const FEED_FORWARD = 1024;
const LAYERS = 4;
const EPSILON = 1e-12;
export const BERT_SEQUENCE = 128;

function int64s(net: NetworkBuilder, scope: string, values: readonly number[]): string {
  return net.constant(scope, tensorFromInt64('', [values.length], values));
}

function normWeights(net: NetworkBuilder, scope: string): [string, string] {
  const prefix = parameterPrefix(scope);
  return [
    net.initializer(tensorFromFloat32(`${prefix}.weight`, [HIDDEN], net.rangeValues(HIDDEN, 0.8, 1.2))),
    net.initializer(tensorFromFloat32(`${prefix}.bias`, [HIDDEN], net.rangeValues(HIDDEN, -0.1, 0.1))),
  ];
}

function layerNorm(
  net: NetworkBuilder,
  scope: string,
  input: string,
  fused: boolean,
  output?: string,
): string {
  const [gamma, beta] = normWeights(net, scope);
  if (fused) {
    const attrs = [attr.int('axis', -1), attr.float('epsilon', EPSILON)];
    return net.op1(scope, 'LayerNormalization', [input, gamma, beta], attrs, output);
  }
  const lastAxis = [attr.ints('axes', [-1]), attr.int('keepdims', 1)];
  const mean = net.op1(scope, 'ReduceMean', [input], lastAxis);
  const centred = net.op1(scope, 'Sub', [input, mean]);
  const squared = net.op1(scope, 'Pow', [centred, net.constant(scope, scalarFloat32('', 2))]);
  const variance = net.op1(scope, 'ReduceMean', [squared], lastAxis);
  const shifted = net.op1(scope, 'Add', [variance, net.constant(scope, scalarFloat32('', EPSILON))]);
  const normalised = net.op1(scope, 'Div', [centred, net.op1(scope, 'Sqrt', [shifted])]);
  return net.op1(scope, 'Add', [net.op1(scope, 'Mul', [normalised, gamma]), beta], [], output);
}

function gelu(net: NetworkBuilder, scope: string, input: string): string {
  const erf = net.op1(scope, 'Erf', [
    net.op1(scope, 'Div', [input, net.constant(scope, scalarFloat32('', Math.SQRT2))]),
  ]);
  const onePlus = net.op1(scope, 'Add', [erf, net.constant(scope, scalarFloat32('', 1))]);
  return net.op1(scope, 'Mul', [
    net.op1(scope, 'Mul', [input, onePlus]),
    net.constant(scope, scalarFloat32('', 0.5)),
  ]);
}

function attention(net: NetworkBuilder, scope: string, input: string): string {
  const self = `${scope}/self`;
  const q = net.linear(`${self}/query`, input, HIDDEN, HIDDEN);
  const k = net.linear(`${self}/key`, input, HIDDEN, HIDDEN);
  const v = net.linear(`${self}/value`, input, HIDDEN, HIDDEN);
  const shape = net.op1(self, 'Shape', [input]);
  const dim = (index: number): string =>
    net.op1(self, 'Unsqueeze', [
      net.op1(self, 'Gather', [shape, net.constant(self, scalarInt64('', index))], [attr.int('axis', 0)]),
      int64s(net, self, [0]),
    ]);
  const batch = dim(0);
  const sequence = dim(1);
  const concat = (pieces: readonly string[]): string =>
    net.op1(self, 'Concat', pieces, [attr.int('axis', 0)]);
  const split = concat([batch, sequence, int64s(net, self, [HEADS]), int64s(net, self, [HEAD_SIZE])]);
  const merged = concat([batch, sequence, int64s(net, self, [HIDDEN])]);
  const heads = (x: string, perm: readonly number[]): string =>
    net.op1(self, 'Transpose', [net.op1(self, 'Reshape', [x, split])], [attr.ints('perm', perm)]);
  const scores = net.op1(self, 'MatMul', [heads(q, [0, 2, 1, 3]), heads(k, [0, 2, 3, 1])]);
  const scaled = net.op1(self, 'Div', [scores, net.constant(self, scalarFloat32('', Math.sqrt(HEAD_SIZE)))]);
  const weights = net.op1(self, 'Softmax', [scaled], [attr.int('axis', -1)]);
  const context = net.op1(self, 'MatMul', [weights, heads(v, [0, 2, 1, 3])]);
  const flat = net.op1(self, 'Reshape', [
    net.op1(self, 'Transpose', [context], [attr.ints('perm', [0, 2, 1, 3])]),
    merged,
  ]);
  return net.linear(`${scope}/output/dense`, flat, HIDDEN, HIDDEN);
}

function embeddings(net: NetworkBuilder, ids: string): string {
  const scope = '/embeddings';
  const words = net.initializer(
    tensorFromFloat32(
      'embeddings.word_embeddings.weight',
      [VOCABULARY, HIDDEN],
      net.uniformValues(VOCABULARY * HIDDEN, 1),
    ),
  );
  const positions = net.initializer(
    tensorFromFloat32(
      'embeddings.position_embeddings.weight',
      [MAX_POSITIONS, HIDDEN],
      net.uniformValues(MAX_POSITIONS * HIDDEN, 1),
    ),
  );
  const looked = net.op1(`${scope}/word_embeddings`, 'Gather', [words, ids], [attr.int('axis', 0)]);
  const length = net.op1(
    scope,
    'Gather',
    [net.op1(scope, 'Shape', [ids]), net.constant(scope, scalarInt64('', 1))],
    [attr.int('axis', 0)],
  );
  const end = net.op1(scope, 'Unsqueeze', [length, int64s(net, scope, [0])]);
  const sliced = net.op1(`${scope}/position_embeddings`, 'Slice', [
    positions,
    int64s(net, scope, [0]),
    end,
    int64s(net, scope, [0]),
  ]);
  return layerNorm(net, `${scope}/LayerNorm`, net.op1(scope, 'Add', [looked, sliced]), true);
}

export const bertLike: HoldoutModel = {
  name: 'bert-like-s128',
  kind: 'BERT encoder: MatMul attention, LayerNormalization and its decomposed form, Erf GELU, symbolic sequence bound to 128',
  inputShapes: { input_ids: [1, BERT_SEQUENCE] },
  build() {
    const net = new NetworkBuilder('holdout-bert-like');
    let x = embeddings(net, 'input_ids');
    for (let layer = 0; layer < LAYERS; layer++) {
      const scope = `/encoder/layer.${layer}`;
      const fused = layer < 2;
      const attended = net.op1(`${scope}/attention/output`, 'Add', [
        attention(net, `${scope}/attention`, x),
        x,
      ]);
      x = layerNorm(net, `${scope}/attention/output/LayerNorm`, attended, fused);
      let ff = gelu(
        net,
        `${scope}/intermediate/intermediate_act_fn`,
        net.linear(`${scope}/intermediate/dense`, x, HIDDEN, FEED_FORWARD),
      );
      ff = net.linear(`${scope}/output/dense`, ff, FEED_FORWARD, HIDDEN);
      const last = layer === LAYERS - 1;
      x = layerNorm(
        net,
        `${scope}/output/LayerNorm`,
        net.op1(`${scope}/output`, 'Add', [ff, x]),
        fused,
        last ? 'last_hidden_state' : undefined,
      );
    }
    return model({
      graph: graph({
        name: 'bert_like',
        nodes: net.nodes,
        initializers: net.initializers,
        inputs: [valueInfo('input_ids', DataType.INT64, ['batch', 'sequence'])],
        outputs: [valueInfo(x, DataType.FLOAT, ['batch', 'sequence', HIDDEN])],
      }),
      opset: 17,
      irVersion: 8,
      producerName: HOLDOUT_PRODUCER,
    });
  },
};
