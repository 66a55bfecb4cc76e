/**
 * Shape rules for the layout, data-movement, constant, control-flow, sequence and string
 * operators of the default ONNX domain (opsets 1–23), merged from their family files.
 */
import type { ShapeRules } from '../types.js';
import { constantRules } from './constants.js';
import { controlRules } from './control.js';
import { indexingRules } from './indexing.js';
import { joinRules } from './layout-join.js';
import { resizeRules } from './layout-resize.js';
import { selectRules } from './layout-select.js';
import { sliceRules } from './layout-slice.js';
import { stringRules } from './layout-text.js';
import { sequenceRules } from './sequence.js';
import { tensorRules } from './tensor.js';

export const layoutRules: ShapeRules = {
  ...constantRules,
  ...tensorRules,
  ...joinRules,
  ...sliceRules,
  ...indexingRules,
  ...selectRules,
  ...resizeRules,
  ...controlRules,
  ...sequenceRules,
  ...stringRules,
};
