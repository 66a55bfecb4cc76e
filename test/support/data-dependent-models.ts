/**
 * Small models with data-dependent operators, for the tests of core/costs/data-dependent.ts and
 * of how figures built on them are marked. Node names start with the tier they are meant for
 * (test/support/by-node-names.ts places them so).
 *
 * - `detectorModel`: an SSD-like detector: convolutions → boxes and scores heads →
 *   NonMaxSuppression → the selected boxes gathered → a sum over them → a fixed-size scaling.
 * - `nonZeroModel`, `topKModel` (k constant or an input), `loopModel` (fixed trip count or a
 *   condition computed from the data).
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  attr,
  graph,
  model,
  node,
  scalarInt64,
  tensorFromFloat32,
  tensorFromInt64,
  valueInfo,
} from '../../core/onnx/builder.js';
import type { TensorProto } from '../../core/onnx/codec.js';
import { encodeModelProto } from '../../core/onnx/codec.js';
import { DataType } from '../../core/onnx/dtype.js';

/** Weights from a fixed linear congruential sequence in [-scale, scale), so every build is identical. */
function weights(name: string, dims: readonly number[], seed: number, scale = 0.3): TensorProto {
  const count = dims.reduce((n, d) => n * d, 1);
  let state = seed >>> 0;
  const values = Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 32 - 0.5) * 2 * scale;
  });
  return tensorFromFloat32(name, dims, values);
}

/** Grid cells of the detector's heads (8 × 8): one candidate box per cell. */
export const DETECTOR_CANDIDATES = 64;

/**
 * image [1, 3, 16, 16] → `device_conv` → `device_relu` → `edge_conv` (stride 2) → `edge_relu` →
 * a boxes head (`edge_boxes` → [1, 64, 4]) and a scores head (`edge_scores` → sigmoid → [1, 1, 64])
 * → `cloud_nms` (at most 10 boxes, IoU 0.5, score 0.3) → `cloud_box_index` → `cloud_detections`
 * [selected, 4] (an output) → `cloud_sum` over the boxes [1, 4] → `cloud_scale` [1, 4] (an output,
 * sized statically).
 */
export function detectorModel(): Uint8Array {
  return encodeModelProto(
    model({
      graph: graph({
        name: 'detector',
        nodes: [
          node('Conv', ['image', 'w1'], ['c1'], [attr.ints('pads', [1, 1, 1, 1])], 'device_conv'),
          node('Relu', ['c1'], ['r1'], [], 'device_relu'),
          node(
            'Conv',
            ['r1', 'w2'],
            ['c2'],
            [attr.ints('pads', [1, 1, 1, 1]), attr.ints('strides', [2, 2])],
            'edge_conv',
          ),
          node('Relu', ['c2'], ['features'], [], 'edge_relu'),
          node('Conv', ['features', 'w_boxes'], ['box_map'], [], 'edge_boxes'),
          node('Reshape', ['box_map', 'box_rows_shape'], ['box_rows'], [], 'edge_box_rows'),
          node('Transpose', ['box_rows'], ['boxes'], [attr.ints('perm', [0, 2, 1])], 'edge_box_layout'),
          node('Conv', ['features', 'w_scores'], ['score_map'], [], 'edge_scores'),
          node('Reshape', ['score_map', 'score_shape'], ['score_logits'], [], 'edge_score_rows'),
          node('Sigmoid', ['score_logits'], ['scores'], [], 'edge_score_sigmoid'),
          node(
            'NonMaxSuppression',
            ['boxes', 'scores', 'max_boxes', 'iou', 'score_threshold'],
            ['selected'],
            [],
            'cloud_nms',
          ),
          node('Gather', ['selected', 'box_column'], ['box_index'], [attr.int('axis', 1)], 'cloud_box_index'),
          node('Reshape', ['boxes', 'box_table_shape'], ['box_table'], [], 'cloud_box_table'),
          node(
            'Gather',
            ['box_table', 'box_index'],
            ['detections'],
            [attr.int('axis', 0)],
            'cloud_detections',
          ),
          node('ReduceSum', ['detections', 'sum_axes'], ['box_sum'], [attr.int('keepdims', 1)], 'cloud_sum'),
          node('Mul', ['box_sum', 'scale'], ['summary'], [], 'cloud_scale'),
        ],
        inputs: [valueInfo('image', DataType.FLOAT, [1, 3, 16, 16])],
        outputs: [
          valueInfo('detections', DataType.FLOAT, ['selected', 4]),
          valueInfo('summary', DataType.FLOAT, [1, 4]),
        ],
        initializers: [
          weights('w1', [8, 3, 3, 3], 1),
          weights('w2', [8, 8, 3, 3], 2),
          weights('w_boxes', [4, 8, 1, 1], 3, 1),
          weights('w_scores', [1, 8, 1, 1], 4, 1),
          tensorFromInt64('box_rows_shape', [3], [1, 4, DETECTOR_CANDIDATES]),
          tensorFromInt64('score_shape', [3], [1, 1, DETECTOR_CANDIDATES]),
          tensorFromInt64('max_boxes', [1], [10]),
          tensorFromFloat32('iou', [1], [0.5]),
          tensorFromFloat32('score_threshold', [1], [0.3]),
          scalarInt64('box_column', 2),
          tensorFromInt64('box_table_shape', [2], [DETECTOR_CANDIDATES, 4]),
          tensorFromInt64('sum_axes', [1], [0]),
          tensorFromFloat32('scale', [1, 4], [0.5, 0.5, 0.5, 0.5]),
        ],
      }),
    }),
  );
}

/** x [2, 8] → `relu` → `nonzero` [2, count] → `coordinates` (Transpose) [count, 2]; and `relu_sum` [1, 1] of the Relu. */
export function nonZeroModel(): Uint8Array {
  return encodeModelProto(
    model({
      graph: graph({
        name: 'nonzero',
        nodes: [
          node('Relu', ['x'], ['r'], [], 'relu'),
          node('NonZero', ['r'], ['nz'], [], 'nonzero'),
          node('Transpose', ['nz'], ['coordinates'], [attr.ints('perm', [1, 0])], 'coordinates'),
          node('ReduceSum', ['r'], ['relu_sum'], [attr.int('keepdims', 1)], 'relu_sum'),
        ],
        inputs: [valueInfo('x', DataType.FLOAT, [2, 8])],
        outputs: [valueInfo('coordinates', DataType.INT64), valueInfo('relu_sum', DataType.FLOAT, [1, 1])],
      }),
    }),
  );
}

/** x [1, 32] → `topk` (k a constant 5, or the int64 [1] input `k`) → `relu` of the values. */
export function topKModel(kFrom: 'constant' | 'input'): Uint8Array {
  const inputs = [valueInfo('x', DataType.FLOAT, [1, 32])];
  if (kFrom === 'input') inputs.push(valueInfo('k', DataType.INT64, [1]));
  return encodeModelProto(
    model({
      graph: graph({
        name: `topk-${kFrom}`,
        nodes: [
          node('TopK', ['x', 'k'], ['values', 'indices'], [], 'topk'),
          node('Relu', ['values'], ['y'], [], 'relu'),
        ],
        inputs,
        outputs: [valueInfo('y', DataType.FLOAT), valueInfo('indices', DataType.INT64)],
        initializers: kFrom === 'constant' ? [tensorFromInt64('k', [1], [5])] : [],
      }),
    }),
  );
}

/**
 * x [1, 4] → `loop` (at most 6 trips; each doubles the state and emits it as a scan output) →
 * `final` (Relu of the state) and `trace_sum` (the sum over the trips of the scan output) →
 * `trace_scale` [1, 4]. With `stops: 'fixed'` the body passes its condition on, so it runs all 6
 * trips; with `'on-data'` it stops once the state's largest value reaches 4.
 */
export function loopModel(stops: 'fixed' | 'on-data'): Uint8Array {
  const condition =
    stops === 'fixed'
      ? [node('Identity', ['cond_in'], ['cond_out'], [], 'body_cond')]
      : [
          node('ReduceMax', ['state_out'], ['peak'], [attr.int('keepdims', 0)], 'body_peak'),
          node('Less', ['peak', 'limit'], ['cond_out'], [], 'body_cond'),
        ];
  const body = graph({
    name: 'body',
    nodes: [
      node('Mul', ['state_in', 'two'], ['state_out'], [], 'body_double'),
      node('Identity', ['state_out'], ['emitted'], [], 'body_emit'),
      ...condition,
    ],
    inputs: [
      valueInfo('iteration', DataType.INT64, []),
      valueInfo('cond_in', DataType.BOOL, []),
      valueInfo('state_in', DataType.FLOAT, [1, 4]),
    ],
    outputs: [
      valueInfo('cond_out', DataType.BOOL, []),
      valueInfo('state_out', DataType.FLOAT, [1, 4]),
      valueInfo('emitted', DataType.FLOAT, [1, 4]),
    ],
    initializers: [
      tensorFromFloat32('two', [], [2]),
      ...(stops === 'on-data' ? [tensorFromFloat32('limit', [], [4])] : []),
    ],
  });
  return encodeModelProto(
    model({
      graph: graph({
        name: `loop-${stops}`,
        nodes: [
          node('Loop', ['trips', 'go', 'x'], ['state', 'trace'], [attr.graph('body', body)], 'loop'),
          node('Relu', ['state'], ['final'], [], 'final'),
          node('ReduceSum', ['trace', 'trace_axes'], ['trace_total'], [attr.int('keepdims', 0)], 'trace_sum'),
          node('Mul', ['trace_total', 'half'], ['trace_scaled'], [], 'trace_scale'),
        ],
        inputs: [valueInfo('x', DataType.FLOAT, [1, 4])],
        outputs: [
          valueInfo('final', DataType.FLOAT, [1, 4]),
          valueInfo('trace_scaled', DataType.FLOAT, [1, 4]),
        ],
        initializers: [
          tensorFromInt64('trips', [], [6]),
          {
            name: 'go',
            dims: [],
            dataType: DataType.BOOL,
            int32Data: [1],
          },
          tensorFromInt64('trace_axes', [1], [0]),
          tensorFromFloat32('half', [], [0.5]),
        ],
      }),
    }),
  );
}

/**
 * Writes `here-pi-v100.json` into `dir` and returns its path: a topology with this machine's
 * calibrated profile (`./this-machine.json`, beside it) on the device and two other devices
 * beyond it, for the tests of data-dependent layers costed from a measurement.
 */
export function writeHereTopology(dir: string): string {
  const file = path.join(dir, 'here-pi-v100.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      id: 'here-pi-v100',
      name: 'this machine, a Raspberry Pi edge, a V100 cloud',
      tiers: [
        { name: 'device', device: './this-machine.json' },
        { name: 'edge', device: 'raspberry-pi-4' },
        { name: 'cloud', device: 'xeon-v100-cloud' },
      ],
      links: [
        { from: 'device', to: 'edge', link: 'wifi-72m' },
        { from: 'edge', to: 'cloud', link: 'wan' },
      ],
    }),
  );
  return file;
}
