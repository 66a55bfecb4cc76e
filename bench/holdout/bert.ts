/**
 * A BERT-like encoder (Devlin et al. 2019), the transformer-encoder sample's generator
 * (samples/models/transformer-encoder.ts) at wider and deeper sizes: hidden 256, 4 heads of 64,
 * feed-forward 1024, 4 layers, vocabulary 4096, input_ids [batch, sequence] with both dimensions
 * symbolic, bound to 1 × 128 where it is measured and predicted. Layers 0 and 1 normalise with the
 * opset-17 LayerNormalization operator, layers 2 and 3 with the ReduceMean/Sub/Pow/Sqrt/Div form
 * older exporters wrote; GELU is the Erf form torch.onnx writes before opset 20; attention is
 * MatMul/Softmax with Reshape targets computed from the input's runtime shape. Written as another
 * exporter would (position table an initializer, value heads traced where they are used), and
 * its bytes are those earlier bench runs measured. About 0.44 G multiply-accumulates at S = 128.
 */
import { graph, model, valueInfo } from '../../core/onnx/builder.js';
import { DataType } from '../../core/onnx/dtype.js';
import { NetworkBuilder } from '../../samples/models/network-builder.js';
import { encoderGraph, type EncoderSpec } from '../../samples/models/transformer-encoder.js';
import { HOLDOUT_PRODUCER, type HoldoutModel } from './common.js';

export const BERT_SEQUENCE = 128;

const BERT_LIKE: EncoderSpec = {
  vocabulary: 4096,
  maxPositions: 512,
  hidden: 256,
  heads: 4,
  feedForward: 1024,
  layers: 4,
  fusedNormLayers: 2,
  positionTable: 'initializer',
  valueHeads: 'before-use',
};

export const bertLike: HoldoutModel = {
  name: 'bert-like-s128',
  kind: 'BERT encoder: MatMul attention, LayerNormalization and its decomposed form, Erf GELU, symbolic sequence bound to 128',
  inputShapes: { input_ids: [1, BERT_SEQUENCE] },
  build() {
    const net = new NetworkBuilder('holdout-bert-like');
    const x = encoderGraph(net, BERT_LIKE);
    return model({
      graph: graph({
        name: 'bert_like',
        nodes: net.nodes,
        initializers: net.initializers,
        inputs: [valueInfo('input_ids', DataType.INT64, ['batch', 'sequence'])],
        outputs: [valueInfo(x, DataType.FLOAT, ['batch', 'sequence', BERT_LIKE.hidden])],
      }),
      opset: 17,
      irVersion: 8,
      producerName: HOLDOUT_PRODUCER,
    });
  },
};
