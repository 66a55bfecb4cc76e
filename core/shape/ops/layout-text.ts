/**
 * Rules for the default-domain string operators: StringNormalizer, RegexFullMatch, StringConcat,
 * StringSplit and TfIdfVectorizer.
 */
import { DataType } from '../../onnx/dtype.js';
import { broadcastShapes } from '../dims.js';
import type { InferContext, ShapeRules } from '../types.js';

/** StringNormalizer: [C] or [1, C]; removing stopwords leaves a data-dependent count (at least 1). */
function stringNormalizerRule(ctx: InferContext): void {
  const input = ctx.requireInput(0);
  const stopwords = ctx.attr('stopwords')?.strings ?? [];
  if (input.shape === null || stopwords.length === 0)
    return ctx.setOutput(0, { dtype: DataType.STRING, shape: input.shape });
  const last = input.shape.length - 1;
  ctx.setOutput(0, {
    dtype: DataType.STRING,
    shape: input.shape.map((d, i) => (i === last ? ctx.freshSymbol('kept_words') : d)),
  });
}

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

/** TfIdfVectorizer: [C] → [D] or [N, C] → [N, D], D = max(ngram_indexes) + 1. */
function tfIdfVectorizerRule(ctx: InferContext): void {
  const shape = ctx.requireInput(0).shape;
  const indexes = ctx.attrInts('ngram_indexes') ?? [];
  const width = indexes.length > 0 ? Math.max(...indexes) + 1 : null;
  const out = shape === null ? null : shape.length <= 1 ? [width] : [shape[0] ?? null, width];
  ctx.setOutput(0, { dtype: DataType.FLOAT, shape: out });
}

export const textRules: ShapeRules = {
  StringNormalizer: stringNormalizerRule,
  RegexFullMatch: regexFullMatchRule,
  StringConcat: stringConcatRule,
  StringSplit: stringSplitRule,
  TfIdfVectorizer: tfIdfVectorizerRule,
};
