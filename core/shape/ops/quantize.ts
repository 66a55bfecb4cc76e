/** Quantisation: QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear (shape-preserving). */
import { DataType } from '../../onnx/dtype.js';
import type { ShapeRule, ShapeRules } from '../types.js';

/**
 * QuantizeLinear: y like x, of y_zero_point's type, else the `output_dtype` attribute
 * (opset 21+), else uint8.
 */
const quantizeRule: ShapeRule = (ctx) => {
  const x = ctx.requireInput(0);
  const dtype = ctx.input(2)?.dtype || ctx.attrInt('output_dtype', 0) || DataType.UINT8;
  ctx.setOutput(0, { dtype, shape: x.shape });
};

/**
 * DequantizeLinear: y like x, of the `output_dtype` attribute when set, else the scale's type
 * (float16/bfloat16 scales from opset 19), else float.
 */
const dequantizeRule: ShapeRule = (ctx) => {
  const x = ctx.requireInput(0);
  const scale = ctx.input(1);
  const dtype = ctx.attrInt('output_dtype', 0) || (ctx.opset >= 19 ? scale?.dtype : 0) || DataType.FLOAT;
  ctx.setOutput(0, { dtype, shape: x.shape });
};

/** DynamicQuantizeLinear: y uint8 like x, and scalar scale (float) and zero point (uint8). */
const dynamicQuantizeRule: ShapeRule = (ctx) => {
  const x = ctx.requireInput(0);
  ctx.setOutput(0, { dtype: DataType.UINT8, shape: x.shape });
  ctx.setOutput(1, { dtype: DataType.FLOAT, shape: [] });
  ctx.setOutput(2, { dtype: DataType.UINT8, shape: [] });
};

export const quantizeRules: ShapeRules = {
  QuantizeLinear: quantizeRule,
  DequantizeLinear: dequantizeRule,
  DynamicQuantizeLinear: dynamicQuantizeRule,
};
