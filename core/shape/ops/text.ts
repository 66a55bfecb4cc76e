/** Text operators of the default domain: TfIdfVectorizer and StringNormalizer. */
import { DataType } from '../../onnx/dtype.js';
import { ShapeError, type Dim, type ShapeRule, type ShapeRules } from '../types.js';

/** TfIdfVectorizer: `[C]` → `[max(ngram_indexes) + 1]`, `[N, C]` → `[N, max + 1]`, float. */
const tfIdfRule: ShapeRule = (ctx) => {
  const x = ctx.requireInput(0);
  const indexes = ctx.attrInts('ngram_indexes') ?? [];
  const width = indexes.length > 0 ? Math.max(...indexes) + 1 : null;
  let shape: Dim[] | null = null;
  if (x.shape) {
    if (x.shape.length !== 1 && x.shape.length !== 2)
      throw new ShapeError(`TfIdfVectorizer input must be 1-D or 2-D, got rank ${x.shape.length}`);
    shape = x.shape.length === 1 ? [width] : [x.shape[0] ?? null, width];
  }
  ctx.setOutput(0, { dtype: DataType.FLOAT, shape });
};

/**
 * StringNormalizer: without stopwords the shape is the input's; stopwords remove a
 * data-dependent number of strings from the last axis.
 */
const stringNormalizerRule: ShapeRule = (ctx) => {
  const x = ctx.requireInput(0);
  const stopwords = ctx.attr('stopwords')?.strings?.length ?? 0;
  const shape = x.shape && stopwords > 0 ? [...x.shape.slice(0, -1), ctx.freshSymbol('strings')] : x.shape;
  ctx.setOutput(0, { dtype: DataType.STRING, shape });
};

export const textRules: ShapeRules = {
  TfIdfVectorizer: tfIdfRule,
  StringNormalizer: stringNormalizerRule,
};
