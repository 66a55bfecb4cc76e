import { attr, valueInfo } from '../../core/onnx/builder.js';
import { DataType } from '../../core/onnx/dtype.js';
import { NetworkBuilder } from './network-builder.js';
import { sampleModelProto, type SampleModel } from './sample.js';

/**
 * Units of the two hidden dense layers. The source network (Xie et al., EUSIPCO 2016, used in
 * Edge-PRUNE) does not give them in the Edge-PRUNE paper; 100 units would make L3 alone 1.84 M
 * weights (7.4 MB), over the 3 MB a committed sample may take. 32 keeps every token size of the
 * conv part, which is what the partition study turns on, and the file at 2.5 MB.
 */
const HIDDEN_UNITS = 32;
const CLASSES = 4;

/**
 * The Edge-PRUNE vehicle classifier (Boutellier et al., seed 002, Fig. 2): two conv5×5 → maxpool
 * → ReLU stages and three dense layers (ReLU, ReLU, softmax) over 96×96 RGB frames, 4 classes.
 *
 * Node scopes follow the paper's actors: `/L1/*` and `/L2/*` are the conv stages, `/L3/*` the
 * flatten and first dense layer, `/L4/*` and `/L5/*` the last two dense layers (one actor,
 * L4–L5, in the paper). Token sizes match the paper: 32×48×48 floats = 294,912 B leave L1 and
 * 32×24×24 floats = 73,728 B leave L2.
 *
 * Hand count (MACs = out_elems × K; params = weights + biases):
 * ```
 * layer       op                     output        MACs                        params
 * L1 conv     Conv 3→32 5×5 pad 2    1×32×96×96    294,912 × 75  = 22,118,400  2,400 + 32  =   2,432
 * L1 pool     MaxPool 2×2 s2         1×32×48×48    -                           -
 * L2 conv     Conv 32→32 5×5 pad 2   1×32×48×48    73,728 × 800  = 58,982,400  25,600 + 32 =  25,632
 * L2 pool     MaxPool 2×2 s2         1×32×24×24    -                           -
 * L3 flatten  Flatten                1×18432       -                           -
 * L3 dense    Gemm 18432→32          1×32          32 × 18,432   =    589,824  589,824 + 32 = 589,856
 * L4 dense    Gemm 32→32             1×32          32 × 32       =      1,024  1,024 + 32  =   1,056
 * L5 dense    Gemm 32→4 + Softmax    1×4           4 × 32        =        128  128 + 4     =     132
 * total                                                            81,691,776                 619,108
 * ```
 */
export const edgePruneVehicle: SampleModel = {
  name: 'edge-prune-vehicle',
  description:
    'Edge-PRUNE vehicle classifier: 2 × (conv5×5, maxpool, ReLU), 3 dense layers, 96×96×3 → 4 classes',
  params: 619_108,
  macs: () => 81_691_776,
  build() {
    const net = new NetworkBuilder('edge-prune-vehicle');
    const pool = (scope: string, input: string): string =>
      net.op1(
        scope,
        'MaxPool',
        [input],
        [
          attr.int('ceil_mode', 0),
          attr.ints('kernel_shape', [2, 2]),
          attr.ints('pads', [0, 0, 0, 0]),
          attr.ints('strides', [2, 2]),
        ],
      );

    let x = net.conv('/L1/conv', 'input', { inChannels: 3, outChannels: 32, kernel: 5, pad: 2 });
    x = net.op1('/L1/relu', 'Relu', [pool('/L1/pool', x)]);
    x = net.conv('/L2/conv', x, { inChannels: 32, outChannels: 32, kernel: 5, pad: 2 });
    x = net.op1('/L2/relu', 'Relu', [pool('/L2/pool', x)]);
    x = net.op1('/L3/flatten', 'Flatten', [x], [attr.int('axis', 1)]);
    x = net.op1('/L3/relu', 'Relu', [net.gemm('/L3/dense', x, 32 * 24 * 24, HIDDEN_UNITS)]);
    x = net.op1('/L4/relu', 'Relu', [net.gemm('/L4/dense', x, HIDDEN_UNITS, HIDDEN_UNITS)]);
    const logits = net.gemm('/L5/dense', x, HIDDEN_UNITS, CLASSES);
    net.op1('/L5/softmax', 'Softmax', [logits], [attr.int('axis', 1)], 'probabilities');

    return sampleModelProto(edgePruneVehicle.description, {
      name: 'edge_prune_vehicle',
      nodes: net.nodes,
      initializers: net.initializers,
      inputs: [valueInfo('input', DataType.FLOAT, [1, 3, 96, 96])],
      outputs: [valueInfo('probabilities', DataType.FLOAT, [1, CLASSES])],
    });
  },
};
