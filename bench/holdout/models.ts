/**
 * The held-out set of the prediction bench: networks of kinds no calibration sees, generated
 * deterministically into the bench cache (never in git). The calibration set is the four samples
 * (`CALIBRATION_SAMPLES`); a calibration method that adds models of its own must keep these out.
 */
import fs from 'node:fs';
import path from 'node:path';
import { encodeModelProto } from '../../core/onnx/codec.js';
import type { Shape } from '../../core/graph/types.js';
import { writeHoldoutModels } from '../../test/support/holdout-models.js';
import { bertLike } from './bert.js';
import type { HoldoutModel } from './common.js';
import { convnextLike } from './convnext.js';
import { mobilenetV3Like } from './mobilenetv3.js';
import { regnetLike } from './regnet.js';
import { unetLike } from './unet.js';

/** The samples every calibration method in the bench is fitted on. */
export const CALIBRATION_SAMPLES = [
  'edge-prune-vehicle',
  'resnet-mini',
  'mobilenetv2-mini',
  'transformer-encoder',
] as const;

export const HOLDOUT_MODELS: readonly HoldoutModel[] = [
  regnetLike,
  mobilenetV3Like,
  bertLike,
  unetLike,
  convnextLike,
];

export interface HoldoutFile {
  readonly name: string;
  readonly kind: string;
  readonly path: string;
  readonly inputShapes: Readonly<Record<string, Shape>>;
}

/** Writes every held-out model into `dir` (the generated ones and the test suite's two). */
export function writeHoldoutSet(dir: string): HoldoutFile[] {
  fs.mkdirSync(dir, { recursive: true });
  const generated = HOLDOUT_MODELS.map((m): HoldoutFile => {
    const file = path.join(dir, `${m.name}.onnx`);
    fs.writeFileSync(file, encodeModelProto(m.build()));
    return { name: m.name, kind: m.kind, path: file, inputShapes: m.inputShapes };
  });
  const small = writeHoldoutModels(dir).map((file): HoldoutFile => ({
    name: path.basename(file, '.onnx'),
    kind: path.basename(file).startsWith('vgg')
      ? 'VGG: biased 3×3 conv stack'
      : 'depthwise-separable tower with BatchNorm',
    path: file,
    inputShapes: {},
  }));
  return [...generated, ...small];
}
