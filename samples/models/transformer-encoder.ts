import {
  attr,
  scalarFloat32,
  scalarInt64,
  tensorFromFloat32,
  tensorFromInt64,
  valueInfo,
} from '../../core/onnx/builder.js';
import { DataType } from '../../core/onnx/dtype.js';
import { NetworkBuilder, parameterPrefix } from './network-builder.js';
import { sampleModelProto, type DimBindings, type SampleModel } from './sample.js';

/**
 * The sizes of a BERT-style encoder, and the two ways its exports differ that the generated graph
 * keeps: the sample is this at small sizes; the prediction bench's held-out BERT-like
 * (bench/holdout/bert.ts) is it at larger ones, written as a different exporter would.
 */
export interface EncoderSpec {
  readonly vocabulary: number;
  readonly maxPositions: number;
  readonly hidden: number;
  readonly heads: number;
  readonly feedForward: number;
  readonly layers: number;
  /**
   * How many layers, from the first, normalise with the opset-17 LayerNormalization operator; the
   * rest use the decomposed ReduceMean/Sub/Pow/Sqrt/Div form exporters wrote before it.
   */
  readonly fusedNormLayers: number;
  /** The position table as a `Constant` node (as some exporters store weights) or an initializer. */
  readonly positionTable: 'constant' | 'initializer';
  /**
   * Where the value's Reshape/Transpose to heads comes in the node list: with the query's and
   * key's, or just before the attention weights multiply it (the order the exporter traced them in).
   */
  readonly valueHeads: 'with-query-key' | 'before-use';
}

/** The sample's encoder (see `transformerEncoder`). */
export const SAMPLE_ENCODER: EncoderSpec = {
  vocabulary: 1000,
  maxPositions: 128,
  hidden: 64,
  heads: 4,
  feedForward: 256,
  layers: 2,
  fusedNormLayers: 1,
  positionTable: 'constant',
  valueHeads: 'with-query-key',
};

const LAYER_NORM_EPSILON = 1e-12;

/** A (rank-1) int64 Constant, e.g. Unsqueeze axes or a Concat piece. */
function int64s(net: NetworkBuilder, scope: string, values: readonly number[]): string {
  return net.constant(scope, tensorFromInt64('', [values.length], values));
}

/** γ (around 1) and β (around 0) of a layer norm over the hidden axis. */
function layerNormWeights(net: NetworkBuilder, scope: string, hidden: number): [string, string] {
  const prefix = parameterPrefix(scope);
  return [
    net.initializer(tensorFromFloat32(`${prefix}.weight`, [hidden], net.rangeValues(hidden, 0.8, 1.2))),
    net.initializer(tensorFromFloat32(`${prefix}.bias`, [hidden], net.rangeValues(hidden, -0.1, 0.1))),
  ];
}

/**
 * Layer normalisation over the last axis: the opset-17 operator when `fused`, else decomposed as
 * exporters before opset 17 wrote it: y = (x − mean(x)) / sqrt(mean((x − mean(x))²) + ε) × γ + β,
 * means over the last axis.
 */
function layerNorm(
  net: NetworkBuilder,
  scope: string,
  input: string,
  hidden: number,
  fused: boolean,
  outputName?: string,
): string {
  const [gamma, beta] = layerNormWeights(net, scope, hidden);
  if (fused) {
    const attrs = [attr.int('axis', -1), attr.float('epsilon', LAYER_NORM_EPSILON)];
    return net.op1(scope, 'LayerNormalization', [input, gamma, beta], attrs, outputName);
  }
  const lastAxis = [attr.ints('axes', [-1]), attr.int('keepdims', 1)];
  const mean = net.op1(scope, 'ReduceMean', [input], lastAxis);
  const centred = net.op1(scope, 'Sub', [input, mean]);
  const squared = net.op1(scope, 'Pow', [centred, net.constant(scope, scalarFloat32('', 2))]);
  const variance = net.op1(scope, 'ReduceMean', [squared], lastAxis);
  const shifted = net.op1(scope, 'Add', [
    variance,
    net.constant(scope, scalarFloat32('', LAYER_NORM_EPSILON)),
  ]);
  const normalised = net.op1(scope, 'Div', [centred, net.op1(scope, 'Sqrt', [shifted])]);
  return net.op1(scope, 'Add', [net.op1(scope, 'Mul', [normalised, gamma]), beta], [], outputName);
}

/** GELU as torch.onnx writes it before opset 20: x × 0.5 × (1 + erf(x / √2)). */
function gelu(net: NetworkBuilder, scope: string, input: string): string {
  const scaled = net.op1(scope, 'Div', [input, net.constant(scope, scalarFloat32('', Math.SQRT2))]);
  const erf = net.op1(scope, 'Erf', [scaled]);
  const onePlus = net.op1(scope, 'Add', [erf, net.constant(scope, scalarFloat32('', 1))]);
  const product = net.op1(scope, 'Mul', [input, onePlus]);
  return net.op1(scope, 'Mul', [product, net.constant(scope, scalarFloat32('', 0.5))]);
}

/**
 * Multi-head self-attention from MatMul/Add/Reshape/Transpose/Softmax. The Reshape targets are
 * computed from the input's runtime shape the way PyTorch exports `x.view(b, s, heads, size)`:
 * Shape → Gather(0), Gather(1) → Unsqueeze → Concat with the constant head dims.
 */
function selfAttention(net: NetworkBuilder, scope: string, input: string, spec: EncoderSpec): string {
  const { hidden, heads: headCount } = spec;
  const headSize = hidden / headCount;
  const self = `${scope}/self`;
  const query = net.linear(`${self}/query`, input, hidden, hidden);
  const key = net.linear(`${self}/key`, input, hidden, hidden);
  const value = net.linear(`${self}/value`, input, hidden, hidden);

  const shape = net.op1(self, 'Shape', [input]);
  const dim = (index: number): string => {
    const picked = net.op1(
      self,
      'Gather',
      [shape, net.constant(self, scalarInt64('', index))],
      [attr.int('axis', 0)],
    );
    return net.op1(self, 'Unsqueeze', [picked, int64s(net, self, [0])]);
  };
  const batch = dim(0);
  const sequence = dim(1);
  const concat = (pieces: readonly string[]): string =>
    net.op1(self, 'Concat', pieces, [attr.int('axis', 0)]);
  const splitShape = concat([batch, sequence, int64s(net, self, [headCount]), int64s(net, self, [headSize])]);
  const mergedShape = concat([batch, sequence, int64s(net, self, [hidden])]);

  const heads = (x: string, perm: readonly number[]): string =>
    net.op1(self, 'Transpose', [net.op1(self, 'Reshape', [x, splitShape])], [attr.ints('perm', perm)]);
  const queryHeads = heads(query, [0, 2, 1, 3]); // [b, heads, s, size]
  const keyHeadsT = heads(key, [0, 2, 3, 1]); // [b, heads, size, s]
  const early = spec.valueHeads === 'with-query-key' ? heads(value, [0, 2, 1, 3]) : null;

  const scores = net.op1(self, 'MatMul', [queryHeads, keyHeadsT]);
  const scaled = net.op1(self, 'Div', [scores, net.constant(self, scalarFloat32('', Math.sqrt(headSize)))]);
  const weights = net.op1(self, 'Softmax', [scaled], [attr.int('axis', -1)]);
  const valueHeads = early ?? heads(value, [0, 2, 1, 3]);
  const context = net.op1(self, 'MatMul', [weights, valueHeads]);
  const merged = net.op1(self, 'Transpose', [context], [attr.ints('perm', [0, 2, 1, 3])]);
  const flat = net.op1(self, 'Reshape', [merged, mergedShape]);
  return net.linear(`${scope}/output/dense`, flat, hidden, hidden);
}

/** Token and position embeddings, summed and normalised. */
function embeddings(net: NetworkBuilder, inputIds: string, spec: EncoderSpec): string {
  const { vocabulary, maxPositions, hidden } = spec;
  const scope = '/embeddings';
  const wordTable = net.initializer(
    tensorFromFloat32(
      'embeddings.word_embeddings.weight',
      [vocabulary, hidden],
      net.uniformValues(vocabulary * hidden, 1),
    ),
  );
  const words = net.op1(`${scope}/word_embeddings`, 'Gather', [wordTable, inputIds], [attr.int('axis', 0)]);
  const positionValues = net.uniformValues(maxPositions * hidden, 1);
  const positionTable =
    spec.positionTable === 'constant'
      ? net.constant(
          `${scope}/position_embeddings`,
          tensorFromFloat32('', [maxPositions, hidden], positionValues),
        )
      : net.initializer(
          tensorFromFloat32('embeddings.position_embeddings.weight', [maxPositions, hidden], positionValues),
        );
  const idsShape = net.op1(scope, 'Shape', [inputIds]);
  const length = net.op1(
    scope,
    'Gather',
    [idsShape, net.constant(scope, scalarInt64('', 1))],
    [attr.int('axis', 0)],
  );
  const lengthVector = net.op1(scope, 'Unsqueeze', [length, int64s(net, scope, [0])]);
  const start = int64s(net, scope, [0]);
  const axes = int64s(net, scope, [0]);
  const positions = net.op1(`${scope}/position_embeddings`, 'Slice', [
    positionTable,
    start,
    lengthVector,
    axes,
  ]);
  const sum = net.op1(scope, 'Add', [words, positions]);
  return layerNorm(net, `${scope}/LayerNorm`, sum, hidden, true);
}

/**
 * Appends a BERT-style post-LN encoder (Devlin et al. 2019) to `net`, reading int64 `input_ids`
 * [batch, sequence]; returns its output, `last_hidden_state` [batch, sequence, hidden].
 *
 * Per layer: x = LN(x + Attention(x)); x = LN(x + W2·GELU(W1·x + b1) + b2).
 */
export function encoderGraph(net: NetworkBuilder, spec: EncoderSpec): string {
  const { hidden, feedForward, layers } = spec;
  let x = embeddings(net, 'input_ids', spec);
  for (let layer = 0; layer < layers; layer++) {
    const scope = `/encoder/layer.${layer}`;
    const last = layer === layers - 1;
    const fused = layer < spec.fusedNormLayers;
    const attended = selfAttention(net, `${scope}/attention`, x, spec);
    const attentionSum = net.op1(`${scope}/attention/output`, 'Add', [attended, x]);
    x = layerNorm(net, `${scope}/attention/output/LayerNorm`, attentionSum, hidden, fused);
    let ff = net.linear(`${scope}/intermediate/dense`, x, hidden, feedForward);
    ff = gelu(net, `${scope}/intermediate/intermediate_act_fn`, ff);
    ff = net.linear(`${scope}/output/dense`, ff, feedForward, hidden);
    const outputSum = net.op1(`${scope}/output`, 'Add', [ff, x]);
    x = layerNorm(
      net,
      `${scope}/output/LayerNorm`,
      outputSum,
      hidden,
      fused,
      last ? 'last_hidden_state' : undefined,
    );
  }
  return x;
}

/**
 * A BERT-style post-LN transformer encoder (Devlin et al. 2019): hidden 64, 4 heads of 16,
 * feed-forward 256, 2 layers, vocabulary 1000, up to 128 positions. Input `input_ids` int64
 * [batch, sequence] (both symbolic); output `last_hidden_state` float [batch, sequence, 64].
 * Layer 0 normalises with the opset-17 LayerNormalization operator, layer 1 with the decomposed
 * ReduceMean/Sub/Pow/Sqrt/Div form, so both shapes a real export can take are covered. The position
 * table is stored in a `Constant` node rather than an initializer, as some exporters store weights,
 * so readers must find weights in both places. Built by `encoderGraph` with `SAMPLE_ENCODER`.
 *
 * Hand count of parameters:
 * ```
 * word embeddings       1000 × 64                          64,000
 * position embeddings   128 × 64 (Constant node)            8,192
 * embeddings LayerNorm  γ, β                                  128
 * per layer:
 *   query, key, value   3 × (64 × 64 + 64)                 12,480
 *   attention output    64 × 64 + 64                        4,160
 *   attention LN        γ, β                                  128
 *   intermediate        64 × 256 + 256                     16,640
 *   output              256 × 64 + 64                      16,448
 *   output LN           γ, β                                  128
 *   layer total                                            49,984
 * 2 layers                                                 99,968
 * total                                                   172,288
 * ```
 * Hand count of MACs for B sequences of S tokens (embedding lookups are gathers, no MACs):
 * ```
 * per layer, per token:  Q, K, V 3 × 64 × 64 = 12,288; attention output 64 × 64 = 4,096;
 *                        feed-forward 64 × 256 + 256 × 64 = 32,768         → 49,152 × B × S
 * per layer, attention:  Q·Kᵀ  4 heads × S × S × 16 = 64 S²;
 *                        A·V   4 heads × S × 16 × S = 64 S²                → 128 × B × S²
 * total (2 layers):      MACs = B × (98,304 × S + 256 × S²)
 * ```
 * e.g. B = 1, S = 16: 1,638,400 MACs; B = 2, S = 16: 3,276,800.
 */
export const transformerEncoder: SampleModel = {
  name: 'transformer-encoder',
  description:
    'BERT-style encoder: 2 layers, hidden 64, 4 heads, FFN 256, input_ids [batch, sequence] → hidden states',
  params: 172_288,
  macs: (dims: DimBindings) => {
    const batch = dims['batch'] ?? 1;
    const sequence = dims['sequence'] ?? 1;
    return batch * (98_304 * sequence + 256 * sequence * sequence);
  },
  build() {
    const net = new NetworkBuilder('transformer-encoder');
    const x = encoderGraph(net, SAMPLE_ENCODER);
    return sampleModelProto(transformerEncoder.description, {
      name: 'transformer_encoder',
      nodes: net.nodes,
      initializers: net.initializers,
      inputs: [valueInfo('input_ids', DataType.INT64, ['batch', 'sequence'])],
      outputs: [valueInfo(x, DataType.FLOAT, ['batch', 'sequence', SAMPLE_ENCODER.hidden])],
    });
  },
};
