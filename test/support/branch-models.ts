/**
 * Small models for the tests of input values and inexact shapes:
 * - `srBranchModel`: Silero-VAD-like, an `If` on Equal(sr, 16000) whose branches differ in work:
 *   the 16 kHz branch one MatMul [1,64]×[64,64] (4,096 MACs), the 8 kHz branch two MatMuls
 *   through 128 wide (16,384 MACs); x is [batch, 64] with batch symbolic.
 * - `detectionLimitModel`: Faster-R-CNN-like post-processing, NonMaxSuppression's selected
 *   indices cut to a detection limit of 100 by a Slice, then gathered boxes fed to a MatMul.
 */
import {
  attr,
  graph,
  model,
  node,
  tensorFromFloat32,
  tensorFromInt64,
  valueInfo,
} from '../../core/onnx/builder.js';
import { encodeModelProto, type TensorProto } from '../../core/onnx/codec.js';
import { DataType } from '../../core/onnx/dtype.js';

const F = DataType.FLOAT;

function weight(name: string, rows: number, cols: number): TensorProto {
  return tensorFromFloat32(
    name,
    [rows, cols],
    Float32Array.from({ length: rows * cols }, (_, i) => ((i % 7) - 3) / 16),
  );
}

/** MACs of each branch of srBranchModel for one row of x. */
export const SR_BRANCH_MACS = { khz16: 64 * 64, khz8: 64 * 128 + 128 * 64 } as const;

export function srBranchModel(): Uint8Array {
  const branch = (name: string, nodes: ReturnType<typeof node>[], out: string) =>
    graph({ name, nodes, inputs: [], outputs: [valueInfo(out, F)] });
  return encodeModelProto(
    model({
      graph: graph({
        name: 'vad_like',
        nodes: [
          node('Equal', ['sr', 'sr_16k'], ['is_16k'], [], 'sr_is_16k'),
          node(
            'If',
            ['is_16k'],
            ['y'],
            [
              attr.graph(
                'then_branch',
                branch('khz16', [node('MatMul', ['x', 'W16'], ['y16'], [], 'mm16')], 'y16'),
              ),
              attr.graph(
                'else_branch',
                branch(
                  'khz8',
                  [
                    node('MatMul', ['x', 'W8a'], ['h8'], [], 'mm8a'),
                    node('MatMul', ['h8', 'W8b'], ['y8'], [], 'mm8b'),
                  ],
                  'y8',
                ),
              ),
            ],
            'by_rate',
          ),
          node('Relu', ['y'], ['out'], [], 'relu'),
        ],
        initializers: [
          tensorFromInt64('sr_16k', [], [16000]),
          weight('W16', 64, 64),
          weight('W8a', 64, 128),
          weight('W8b', 128, 64),
        ],
        inputs: [valueInfo('x', F, ['batch', 64]), valueInfo('sr', DataType.INT64, [])],
        outputs: [valueInfo('out', F, ['batch', 64])],
      }),
    }),
  );
}

export function detectionLimitModel(): Uint8Array {
  return encodeModelProto(
    model({
      graph: graph({
        name: 'detections',
        nodes: [
          node('NonMaxSuppression', ['boxes', 'scores', 'max_out'], ['selected'], [], 'nms'),
          node('Gather', ['selected', 'col2'], ['picked'], [attr.int('axis', 1)], 'box_index'),
          node('Slice', ['picked', 'zero', 'limit', 'zero'], ['kept'], [], 'keep_top'),
          node('Squeeze', ['boxes', 'zero'], ['all_boxes'], [], 'drop_batch'),
          node('Gather', ['all_boxes', 'kept'], ['kept_boxes'], [attr.int('axis', 0)], 'kept_boxes'),
          node('MatMul', ['kept_boxes', 'W'], ['features'], [], 'box_head'),
          node('Shape', ['features'], ['features_shape'], [], 'count'),
        ],
        initializers: [
          tensorFromInt64('max_out', [1], [1000]),
          tensorFromInt64('col2', [], [2]),
          tensorFromInt64('zero', [1], [0]),
          tensorFromInt64('limit', [1], [100]),
          weight('W', 4, 8),
        ],
        inputs: [valueInfo('boxes', F, [1, 'anchors', 4]), valueInfo('scores', F, [1, 1, 'anchors'])],
        outputs: [valueInfo('features', F), valueInfo('features_shape', DataType.INT64, [2])],
      }),
    }),
  );
}
