/** Transformer operators of opset 23: Attention and RotaryEmbedding. */
import { ShapeError, type Dim, type Shape, type ShapeRule, type ShapeRules } from '../types.js';
import { addDims, divideDim, scaleDim } from './compute-dims.js';

/** A 4-D view `[batch, heads, seq, headSize]` of a 3-D `[batch, seq, heads·headSize]` or 4-D input. */
function headsView(shape: Shape | null, heads: number | undefined): Dim[] | null {
  if (!shape) return null;
  if (shape.length === 4) return [...shape];
  if (shape.length !== 3)
    throw new ShapeError(`Attention inputs must be 3-D or 4-D, got rank ${shape.length}`);
  const [batch = null, seq = null, hidden = null] = shape;
  if (heads === undefined) return [batch, null, seq, null];
  return [batch, heads, seq, divideDim(hidden, heads, 'floor')];
}

/**
 * Attention(Q, K, V, mask?, past_key?, past_value?): Y is `[B, Hq, Sq, Dv]` (4-D Q) or
 * `[B, Sq, Hq·Dv]` (3-D Q); present_key/value are `[B, Hkv, Spast + Skv, D]`; the optional
 * qk_matmul_output is `[B, Hq, Sq, Spast + Skv]`.
 */
const attentionRule: ShapeRule = (ctx) => {
  const q = ctx.requireInput(0);
  const qHeads = ctx.attrInt('q_num_heads');
  const kvHeads = ctx.attrInt('kv_num_heads');
  const qv = headsView(q.shape, qHeads);
  const kv = headsView(ctx.requireInput(1).shape, kvHeads);
  const vv = headsView(ctx.requireInput(2).shape, kvHeads);
  const pastKey = ctx.input(4)?.shape ?? undefined;
  const pastValue = ctx.input(5)?.shape ?? undefined;
  const batch: Dim = qv?.[0] ?? null;
  const vHead: Dim = vv?.[3] ?? null;
  const pastSeq: Dim = pastKey ? (pastKey[2] ?? null) : 0;
  const totalSeq = addDims(pastSeq, kv?.[2] ?? null);
  let y: Shape | null = null;
  if (q.shape?.length === 4) y = [batch, qv?.[1] ?? null, qv?.[2] ?? null, vHead];
  else if (q.shape?.length === 3)
    y = [batch, q.shape[1] ?? null, qHeads === undefined ? null : scaleDim(vHead, qHeads)];
  ctx.setOutput(0, { dtype: q.dtype, shape: y });
  ctx.setOutput(1, {
    dtype: q.dtype,
    shape: [batch, kv?.[1] ?? null, totalSeq, kv?.[3] ?? pastKey?.[3] ?? null],
  });
  ctx.setOutput(2, {
    dtype: q.dtype,
    shape: [batch, vv?.[1] ?? null, totalSeq, vHead ?? pastValue?.[3] ?? null],
  });
  ctx.setOutput(3, { dtype: q.dtype, shape: [batch, qv?.[1] ?? null, qv?.[2] ?? null, totalSeq] });
};

/** RotaryEmbedding: the output is shaped like X. */
const rotaryEmbeddingRule: ShapeRule = (ctx) => {
  const x = ctx.requireInput(0);
  ctx.setOutput(0, { dtype: x.dtype, shape: x.shape });
};

export const attentionRules: ShapeRules = {
  Attention: attentionRule,
  RotaryEmbedding: rotaryEmbeddingRule,
};
