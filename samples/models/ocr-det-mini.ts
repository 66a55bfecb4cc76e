import type { AttributeProto } from '../../core/onnx/codec.js';
import { attr, node, tensorFromFloat32, valueInfo } from '../../core/onnx/builder.js';
import { DataType } from '../../core/onnx/dtype.js';
import { NetworkBuilder } from './network-builder.js';
import { sampleModelProto, type DimBindings, type SampleModel } from './sample.js';

/** Backbone blocks after the stem: depthwise 3×3 (stride) then pointwise 1×1, as (in, out, stride). */
const BLOCKS = [
  { inChannels: 16, outChannels: 24, stride: 2 },
  { inChannels: 24, outChannels: 24, stride: 1 },
  { inChannels: 24, outChannels: 40, stride: 2 },
  { inChannels: 40, outChannels: 40, stride: 1 },
  { inChannels: 40, outChannels: 64, stride: 2 },
  { inChannels: 64, outChannels: 64, stride: 1 },
  { inChannels: 64, outChannels: 96, stride: 2 },
  { inChannels: 96, outChannels: 96, stride: 1 },
] as const;
const STEM_CHANNELS = 16;
/** The FPN's inner width and each of its four branches' width (DBFPN: out/4 per branch). */
const FPN_CHANNELS = 32;
const BRANCH_CHANNELS = FPN_CHANNELS / 4;
const HEAD_CHANNELS = 8;

/** The paddle2onnx names of an operator kind: `p2o.Conv.3` for the node, `conv2d_3.tmp_0` for its output. */
const PADDLE_KINDS: Readonly<Record<string, string>> = {
  Conv: 'conv2d',
  BatchNormalization: 'batch_norm',
  Relu: 'relu',
  HardSwish: 'hardswish',
  Resize: 'nearest_interp_v2',
  Add: 'elementwise_add',
  Concat: 'concat',
  Sigmoid: 'sigmoid',
};

/**
 * A small DB text detector (Liao et al. 2020, "Real-time Scene Text Detection with
 * Differentiable Binarization"), shaped like PaddleOCR's mobile detector as paddle2onnx exports
 * it: input `x: [1, 3, H, W]` with symbolic H and W, output `sigmoid_0.tmp_0: [1, 1, H, W]` (the
 * text probability map), and flat node names (`p2o.Conv.0`) with no name scopes, so the studio
 * must group its layers by the graph's structure.
 *
 * Backbone (MobileNetV3-like): a 3×3 stride-2 stem (16 ch, BN, HardSwish), then eight depthwise
 * separable blocks (3×3 depthwise + BN + ReLU, 1×1 pointwise + BN + ReLU; HardSwish in the last
 * two stages), one stride-2 block per stage, giving C2…C5 at /4, /8, /16, /32 with 24, 40, 64, 96
 * channels. DBFPN: 1×1 laterals to 32 ch, top-down nearest ×2 upsampling and Adds, a 3×3 conv to
 * 8 ch per level upsampled ×8/×4/×2/×1 to /4 and concatenated (32 ch). DB head (probability
 * branch): 3×3 conv + BN + ReLU, then nearest ×2 + 3×3 conv twice (the exported model's
 * transposed convs, here Resize + Conv), Sigmoid. Every conv is 3×3 pad 1 unless 1×1.
 *
 * MACs at H × W = 640 × 640 (h × w per level: /2 320², /4 160², /8 80², /16 40², /32 20²), a
 * conv doing out ch × in ch/group × k² MACs per output pixel:
 * ```
 * part              convs                                                       MACs
 * stem              16×3×9 at 320²                                        44,236,800
 * stage /4          (16×9 + 24×16) + (24×9 + 24×24) at 160²               33,792,000
 * stage /8          (24×9 + 40×24) + (40×9 + 40×40) at 80²                20,070,400
 * stage /16         (40×9 + 64×40) + (64×9 + 64×64) at 40²                12,147,200
 * stage /32         (64×9 + 96×64) + (96×9 + 96×96) at 20²                 6,720,000
 * FPN laterals      32 × (24 at 160², 40 at 80², 64 at 40², 96 at 20²)    32,358,400
 * FPN smooth        8×32×9 at 20² + 40² + 80² + 160²                      78,336,000
 * head conv         8×32×9 at 160²                                        58,982,400
 * head up convs     8×8×9 at 320², 1×8×9 at 640²                          88,473,600
 * total                                                                  375,116,800
 * ```
 * For other sizes every term scales with its output's h × w: h = ⌈H / 2^k⌉ at level k (3×3, pad
 * 1, stride 2), and the FPN and head sizes are ×2, ×4, … of the /32 level (see `ocrDetMacs`).
 *
 * Parameters: conv weights 48,616 (stem 432, depthwise 3,312, pointwise 25,536, laterals 7,168,
 * smooth 9,216, head 2,952), the two head-up convs' biases 9, BatchNorms 4 × 848 channels =
 * 3,392: 52,017, Cutline's count. By the samples' rule (every float tensor of rank ≥ 1) the three
 * Resize scale vectors add 4 values each: 52,029.
 */
export const ocrDetMini: SampleModel = {
  name: 'ocr-det-mini',
  description:
    'DB text detector (PaddleOCR-like): MobileNetV3-style backbone, FPN, symbolic input x: 1×3×H×W, flat paddle2onnx names',
  params: 52_029,
  macs: (dims) => ocrDetMacs(dims),
  build() {
    const net = new PaddleNet(new NetworkBuilder('ocr-det-mini'));
    let x = net.conv('x', 3, STEM_CHANNELS, 3, 2, 1, false);
    x = net.act('HardSwish', net.batchNorm(x, STEM_CHANNELS));
    const levels: string[] = [];
    BLOCKS.forEach((block, i) => {
      const act = i >= 4 ? 'HardSwish' : 'Relu';
      let y = net.conv(x, block.inChannels, block.inChannels, 3, block.stride, block.inChannels, false);
      y = net.act(act, net.batchNorm(y, block.inChannels));
      y = net.conv(y, block.inChannels, block.outChannels, 1, 1, 1, false);
      x = net.act(act, net.batchNorm(y, block.outChannels));
      if (block.stride === 1) levels.push(x);
    });
    const [c2, c3, c4, c5] = levels as [string, string, string, string];

    const lateral = (c: string, channels: number): string =>
      net.conv(c, channels, FPN_CHANNELS, 1, 1, 1, false);
    const in5 = lateral(c5, 96);
    const in4 = lateral(c4, 64);
    const in3 = lateral(c3, 40);
    const in2 = lateral(c2, 24);
    const out4 = net.add(in4, net.upsample(in5, 2));
    const out3 = net.add(in3, net.upsample(out4, 2));
    const out2 = net.add(in2, net.upsample(out3, 2));
    const smooth = (t: string): string => net.conv(t, FPN_CHANNELS, BRANCH_CHANNELS, 3, 1, 1, false);
    const p5 = net.upsample(smooth(in5), 8);
    const p4 = net.upsample(smooth(out4), 4);
    const p3 = net.upsample(smooth(out3), 2);
    const p2 = smooth(out2);
    const fuse = net.concat([p5, p4, p3, p2]);

    let head = net.conv(fuse, FPN_CHANNELS, HEAD_CHANNELS, 3, 1, 1, false);
    head = net.act('Relu', net.batchNorm(head, HEAD_CHANNELS));
    head = net.conv(net.upsample(head, 2), HEAD_CHANNELS, HEAD_CHANNELS, 3, 1, 1, true);
    head = net.act('Relu', net.batchNorm(head, HEAD_CHANNELS));
    head = net.conv(net.upsample(head, 2), HEAD_CHANNELS, 1, 3, 1, 1, true);
    net.act('Sigmoid', head);

    return sampleModelProto(ocrDetMini.description, {
      name: 'ocr_det_mini',
      nodes: net.builder.nodes,
      initializers: net.builder.initializers,
      inputs: [valueInfo('x', DataType.FLOAT, [1, 3, 'H', 'W'])],
      outputs: [valueInfo('sigmoid_0.tmp_0', DataType.FLOAT, [1, 1, 'H', 'W'])],
    });
  },
};

/** The hand count of the TSDoc, for any H and W (`H`, `W`; 640 × 640 when unbound). */
function ocrDetMacs(dims: DimBindings): number {
  const half = (n: number): number => Math.ceil(n / 2);
  const h = [dims.H ?? 640];
  const w = [dims.W ?? 640];
  for (let k = 1; k <= 5; k++) {
    h.push(half(h[k - 1]!));
    w.push(half(w[k - 1]!));
  }
  const area = (k: number): number => h[k]! * w[k]!;
  let macs = STEM_CHANNELS * 3 * 9 * area(1);
  BLOCKS.forEach((block, i) => {
    // Blocks 0, 2, 4, 6 halve the resolution: block i runs at level 2 + ⌊i / 2⌋.
    const level = 2 + Math.floor(i / 2);
    macs += (block.inChannels * 9 + block.outChannels * block.inChannels) * area(level);
  });
  const c2 = area(2);
  // Top-down sums are sized by the upsampled coarser level (nearest ×2 of ⌈n/2⌉), which equals
  // the finer level's size when H and W are multiples of 32, as the detector requires.
  const up = (k: number, times: number): number => h[k]! * times * w[k]! * times;
  macs += FPN_CHANNELS * (24 * c2 + 40 * area(3) + 64 * area(4) + 96 * area(5));
  macs += BRANCH_CHANNELS * FPN_CHANNELS * 9 * (area(5) + up(5, 2) + up(5, 4) + up(5, 8));
  macs += HEAD_CHANNELS * FPN_CHANNELS * 9 * up(5, 8);
  macs += HEAD_CHANNELS * HEAD_CHANNELS * 9 * up(5, 16) + 1 * HEAD_CHANNELS * 9 * up(5, 32);
  return macs;
}

/** Appends nodes named as paddle2onnx names them, drawing weights from the sample's stream. */
class PaddleNet {
  private readonly nodeCounts = new Map<string, number>();
  private readonly kindCounts = new Map<string, number>();
  private readonly scales = new Map<number, string>();

  constructor(readonly builder: NetworkBuilder) {}

  /** Appends a node; returns its output and its paddle op name (`conv2d_3`), for its weights. */
  private op(
    opType: string,
    inputs: readonly string[],
    attrs: readonly AttributeProto[] = [],
  ): [string, string] {
    const n = this.nodeCounts.get(opType) ?? 0;
    this.nodeCounts.set(opType, n + 1);
    const kind = PADDLE_KINDS[opType] ?? opType.toLowerCase();
    const k = this.kindCounts.get(kind) ?? 0;
    this.kindCounts.set(kind, k + 1);
    const paddleName = `${kind}_${k}`;
    const output = opType === 'Add' ? paddleName : `${paddleName}.tmp_0`;
    this.builder.nodes.push(node(opType, inputs, [output], attrs, `p2o.${opType}.${n}`));
    return [output, paddleName];
  }

  conv(
    input: string,
    cin: number,
    cout: number,
    k: number,
    stride: number,
    group: number,
    bias: boolean,
  ): string {
    const k2 = this.kindCounts.get('conv2d') ?? 0;
    const prefix = `conv2d_${k2}`;
    const inputs = [
      input,
      this.builder.heWeight(`${prefix}.w_0`, [cout, cin / group, k, k], (cin / group) * k * k),
    ];
    if (bias) inputs.push(this.builder.bias(`${prefix}.b_0`, cout));
    const pad = (k - 1) / 2;
    return this.op('Conv', inputs, [
      attr.ints('dilations', [1, 1]),
      attr.int('group', group),
      attr.ints('kernel_shape', [k, k]),
      attr.ints('pads', [pad, pad, pad, pad]),
      attr.ints('strides', [stride, stride]),
    ])[0];
  }

  batchNorm(input: string, channels: number): string {
    const prefix = `batch_norm_${this.kindCounts.get('batch_norm') ?? 0}`;
    const tensor = (suffix: string, low: number, high: number): string =>
      this.builder.initializer(
        tensorFromFloat32(`${prefix}.${suffix}`, [channels], this.builder.rangeValues(channels, low, high)),
      );
    const inputs = [
      input,
      tensor('w_0', 0.8, 1.2),
      tensor('b_0', -0.1, 0.1),
      tensor('w_1', -0.1, 0.1),
      tensor('w_2', 0.5, 1.5),
    ];
    return this.op('BatchNormalization', inputs, [
      attr.float('epsilon', 1e-5),
      attr.float('momentum', 0.9),
    ])[0];
  }

  act(opType: 'Relu' | 'HardSwish' | 'Sigmoid', input: string): string {
    return this.op(opType, [input])[0];
  }

  add(a: string, b: string): string {
    return this.op('Add', [a, b])[0];
  }

  concat(inputs: readonly string[]): string {
    return this.op('Concat', inputs, [attr.int('axis', 1)])[0];
  }

  /** Nearest-neighbour upsampling by `factor`, as Paddle's `F.upsample(scale_factor=…)` exports. */
  upsample(input: string, factor: number): string {
    let scales = this.scales.get(factor);
    if (scales === undefined) {
      scales = this.builder.initializer(
        tensorFromFloat32(`upsample_scales_x${factor}`, [4], [1, 1, factor, factor]),
      );
      this.scales.set(factor, scales);
    }
    return this.op(
      'Resize',
      [input, '', scales],
      [
        attr.string('coordinate_transformation_mode', 'asymmetric'),
        attr.string('mode', 'nearest'),
        attr.string('nearest_mode', 'floor'),
      ],
    )[0];
  }
}
