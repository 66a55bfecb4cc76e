/** Einsum, estimated from the size of its loop nest. */
import { product, type ComputeRule } from '../context.js';

const ELLIPSIS = '...';

/** Splits one einsum term into its labels, keeping '...' as one label. */
function labels(term: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < term.length; i++) {
    if (term.startsWith(ELLIPSIS, i)) {
      out.push(ELLIPSIS);
      i += ELLIPSIS.length - 1;
    } else out.push(term.charAt(i));
  }
  return out;
}

/**
 * Einsum: the naive evaluation runs one loop over every distinct label (and the broadcast
 * ellipsis dimensions); call its size L = Π label sizes.
 * With n ≥ 2 operands: MACs = L × (n − 1), FLOPs = 2 × MACs.
 * With one operand (trace, sum, transpose): MACs = 0, FLOPs = L − out_elems (the additions of
 * the reduction; 0 for a pure permutation).
 * Always an estimate: a runtime may contract operands in a cheaper order.
 */
export const einsumRule: ComputeRule = (ctx) => {
  ctx.estimate();
  const equation = ctx.attrString('equation', '').replace(/\s+/g, '');
  const terms = (equation.split('->')[0] ?? '').split(',');
  const sizes = new Map<string, number>();
  const spans: number[][] = [];
  terms.forEach((term, i) => {
    const facts = ctx.input(i);
    const dims = ctx.dims(facts);
    const ls = labels(term);
    const spanRank = Math.max(0, dims.length - (ls.length - (ls.includes(ELLIPSIS) ? 1 : 0)));
    let axis = 0;
    for (const label of ls) {
      if (label === ELLIPSIS) {
        spans.push(dims.slice(axis, axis + spanRank));
        axis += spanRank;
      } else {
        sizes.set(label, Math.max(sizes.get(label) ?? 1, dims[axis] ?? 1));
        axis += 1;
      }
    }
  });
  // The ellipsis dimensions broadcast right-aligned across the operands.
  const ellipsisRank = Math.max(0, ...spans.map((s) => s.length));
  const ellipsis = Array.from({ length: ellipsisRank }, (_, k) =>
    Math.max(1, ...spans.map((s) => s[s.length - ellipsisRank + k] ?? 1)),
  );
  const loop = product([...sizes.values()]) * product(ellipsis);
  const operands = ctx.inputCount;
  if (operands >= 2) {
    const macs = loop * (operands - 1);
    return { macs, flops: 2 * macs };
  }
  return { macs: 0, flops: Math.max(0, loop - ctx.elements(ctx.output(0))) };
};
