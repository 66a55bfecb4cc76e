/**
 * Shape rules of the compute operators of the default ONNX domain (opsets 1–23): element-wise
 * math and activations, reductions, neural-network layers, linear algebra, recurrent layers,
 * quantisation, signal processing, losses, random generators, image sampling, attention and the
 * experimental operators of opset 1.
 * Data-movement operators live in layout.ts.
 */
import type { ShapeRules } from '../types.js';
import { arithmeticRules } from './arithmetic.js';
import { attentionRules } from './attention.js';
import { elementwiseRules } from './elementwise.js';
import { experimentalRules } from './experimental.js';
import { imageRules } from './image.js';
import { linalgRules } from './linalg.js';
import { lossRules } from './loss.js';
import { nnRules } from './nn.js';
import { quantizeRules } from './quantize.js';
import { randomRules } from './random.js';
import { recurrentRules } from './recurrent.js';
import { reduceRules } from './reduce.js';
import { signalRules } from './signal.js';
import { textRules } from './text.js';

export const computeRules: ShapeRules = {
  ...elementwiseRules,
  ...arithmeticRules,
  ...reduceRules,
  ...nnRules,
  ...linalgRules,
  ...recurrentRules,
  ...quantizeRules,
  ...signalRules,
  ...lossRules,
  ...randomRules,
  ...imageRules,
  ...attentionRules,
  ...textRules,
  ...experimentalRules,
};
