/**
 * Rules for the default-domain string operators RegexFullMatch, StringConcat and StringSplit
 * (StringNormalizer and TfIdfVectorizer are text rules of the compute family).
 */
import { DataType } from '../../onnx/dtype.js';
import { broadcastShapes } from '../dims.js';
import type { InferContext, ShapeRules } from '../types.js';

function regexFullMatchRule(ctx: InferContext): void {
  ctx.setOutput(0, { dtype: DataType.BOOL, shape: ctx.requireInput(0).shape });
}

function stringConcatRule(ctx: InferContext): void {
  ctx.setOutput(0, {
    dtype: DataType.STRING,
    shape: broadcastShapes([ctx.requireInput(0).shape, ctx.requireInput(1).shape]),
  });
}

/** StringSplit: Y is X's shape plus the largest number of pieces; Z counts the pieces per string. */
function stringSplitRule(ctx: InferContext): void {
  const shape = ctx.requireInput(0).shape;
  ctx.setOutput(0, { dtype: DataType.STRING, shape: shape ? [...shape, ctx.freshSymbol('pieces')] : null });
  ctx.setOutput(1, { dtype: DataType.INT64, shape });
}

export const stringRules: ShapeRules = {
  RegexFullMatch: regexFullMatchRule,
  StringConcat: stringConcatRule,
  StringSplit: stringSplitRule,
};
