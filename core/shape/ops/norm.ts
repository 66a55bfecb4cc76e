/**
 * Normalisation: BatchNormalization (with its training outputs), InstanceNormalization,
 * LayerNormalization (with Mean and InvStdDev), GroupNormalization, RMSNormalization and LRN.
 */
import { DataType } from '../../onnx/dtype.js';
import { normalizeAxis } from '../dims.js';
import type { Dim, ShapeRule, ShapeRules } from '../types.js';
import { sameAsInput } from './elementwise.js';

/**
 * BatchNormalization: Y like X. The statistics outputs (running or saved mean and variance,
 * opsets 1–9: four of them; opset 14+: running mean and variance in training mode) are shaped
 * like the mean input (slot 3), usually [C] ([C, D1…] with the `spatial=0` of opsets 1–8).
 */
const batchNormRule: ShapeRule = (ctx) => {
  sameAsInput(ctx);
  const x = ctx.requireInput(0);
  const mean = ctx.input(3);
  const channel: Dim = x.shape?.[1] ?? null;
  const stats = { dtype: mean?.dtype || x.dtype, shape: mean?.shape ?? [channel] };
  for (let i = 1; i < ctx.outputCount; i++) ctx.setOutput(i, stats);
};

/**
 * LayerNormalization: Y like X; Mean and InvStdDev keep X's leading dims before `axis`
 * (default -1) and are 1 from there on; their element type is stash_type (default float).
 */
const layerNormRule: ShapeRule = (ctx) => {
  sameAsInput(ctx);
  const x = ctx.requireInput(0);
  const dtype = ctx.attrInt('stash_type', DataType.FLOAT);
  let shape: Dim[] | null = null;
  if (x.shape) {
    const axis = normalizeAxis(ctx.attrInt('axis', -1), x.shape.length);
    shape = x.shape.map((d, i) => (i < axis ? d : 1));
  }
  ctx.setOutput(1, { dtype, shape });
  ctx.setOutput(2, { dtype, shape });
};

const likeInput: ShapeRule = (ctx) => sameAsInput(ctx);

export const normRules: ShapeRules = {
  BatchNormalization: batchNormRule,
  InstanceNormalization: likeInput,
  LayerNormalization: layerNormRule,
  GroupNormalization: likeInput,
  RMSNormalization: likeInput,
  LRN: likeInput,
};
