/** Resize and Upsample: interpolation work per output element. */
import type { ComputeRule } from '../context.js';

/**
 * FLOPs per output element, with r the number of axes whose size changes:
 * nearest 1 (the source index; copying is free), linear (and Upsample-1's `bilinear`)
 * 3 × (2^r − 1) (2^r − 1 linear interpolations of sub, multiply, add), cubic 2 × 4^r (a
 * multiply-add per tap of the 4^r neighbourhood). When the sizes are unknown, r is taken as the
 * spatial rank (rank − 2).
 */
export const resizeRule: ComputeRule = (ctx) => {
  const x = ctx.input(0);
  const y = ctx.output(0);
  const outElems = ctx.elements(y);
  const mode = ctx.attrString('mode', 'nearest');
  if (mode === 'nearest') return { macs: 0, flops: outElems };
  let resized = 0;
  const rank = x?.shape?.length ?? y?.shape?.length;
  if (rank === undefined) ctx.guessed();
  for (let axis = 0; axis < (rank ?? 4); axis++) {
    const a = x?.shape?.[axis];
    const b = y?.shape?.[axis];
    if (typeof a === 'number' && typeof b === 'number') {
      if (a !== b) resized++;
    } else if (axis >= 2) {
      ctx.guessed();
      resized++;
    }
  }
  const perElement = mode === 'cubic' ? 2 * 4 ** resized : 3 * (2 ** resized - 1);
  return { macs: 0, flops: perElement * outElems };
};
