/**
 * Einsum shapes from its equation: `ij,jk->ik`, with `...` standing for broadcast dims and an
 * implicit output (no `->`) made of the ellipsis dims, then the labels used exactly once, in
 * alphabetical order.
 */
import { broadcastShapes } from '../dims.js';
import { ShapeError, type Dim, type Shape, type ShapeRule } from '../types.js';

/** One operand's subscripts: the labels before and after its ellipsis (all in `before` without one). */
export interface EinsumTerm {
  readonly before: readonly string[];
  readonly after: readonly string[];
  readonly hasEllipsis: boolean;
}

const ELLIPSIS = '...';

function parseTerm(text: string): EinsumTerm {
  const parts = text.split(ELLIPSIS);
  const labels = parts.join('');
  if (parts.length > 2 || !/^[A-Za-z]*$/.test(labels)) {
    throw new ShapeError(`Einsum term "${text}" is not a list of letters with at most one "..."`);
  }
  return { before: [...(parts[0] ?? '')], after: [...(parts[1] ?? '')], hasEllipsis: parts.length === 2 };
}

function labelsOf(term: EinsumTerm): string[] {
  return [...term.before, ...term.after];
}

/** Parses an equation into input terms and the output term (an implicit output made explicit). */
export function parseEinsum(equation: string): { inputs: EinsumTerm[]; output: EinsumTerm } {
  const [lhs = '', rhs, extra] = equation.replace(/\s+/g, '').split('->');
  if (extra !== undefined) throw new ShapeError(`Einsum equation "${equation}" has more than one "->"`);
  const inputs = lhs.split(',').map(parseTerm);
  if (rhs !== undefined) return { inputs, output: parseTerm(rhs) };
  const counts = new Map<string, number>();
  for (const t of inputs) for (const l of labelsOf(t)) counts.set(l, (counts.get(l) ?? 0) + 1);
  const once = [...counts].filter(([, n]) => n === 1).map(([l]) => l);
  once.sort();
  const hasEllipsis = inputs.some((t) => t.hasEllipsis);
  return { inputs, output: { before: hasEllipsis ? [] : once, after: hasEllipsis ? once : [], hasEllipsis } };
}

/** Folds one more observation of a label's size into what is known (size 1 broadcasts). */
function mergeLabel(known: Dim | undefined, d: Dim, label: string): Dim {
  if (known === undefined || known === 1) return d;
  if (d === 1) return known;
  if (typeof known === 'number' && typeof d === 'number' && known !== d) {
    throw new ShapeError(`Einsum label ${label} has sizes ${known} and ${d}`);
  }
  return typeof known === 'number' ? known : typeof d === 'number' ? d : (known ?? d);
}

/** Einsum: each output label takes its operands' size; the ellipsis dims broadcast. */
export const einsumRule: ShapeRule = (ctx) => {
  const equation = ctx.attrString('equation');
  if (!equation) throw new ShapeError('Einsum needs an equation attribute');
  const { inputs, output } = parseEinsum(equation);
  if (inputs.length !== ctx.inputCount) {
    throw new ShapeError(`Einsum equation has ${inputs.length} operands, the node ${ctx.inputCount} inputs`);
  }
  const labelDims = new Map<string, Dim>();
  const ellipsisShapes: (Shape | null)[] = [];
  let dtype = 0;
  inputs.forEach((term, i) => {
    const info = ctx.requireInput(i);
    dtype ||= info.dtype;
    const shape = info.shape;
    if (shape === null) {
      if (term.hasEllipsis) ellipsisShapes.push(null);
      return;
    }
    const ellipsisRank = shape.length - term.before.length - term.after.length;
    if (ellipsisRank < 0 || (!term.hasEllipsis && ellipsisRank !== 0)) {
      throw new ShapeError(`Einsum operand ${i} has rank ${shape.length}, its subscripts do not match`);
    }
    term.before.forEach((l, k) => labelDims.set(l, mergeLabel(labelDims.get(l), shape[k] ?? null, l)));
    const afterStart = term.before.length + ellipsisRank;
    term.after.forEach((l, k) =>
      labelDims.set(l, mergeLabel(labelDims.get(l), shape[afterStart + k] ?? null, l)),
    );
    if (term.hasEllipsis) ellipsisShapes.push(shape.slice(term.before.length, afterStart));
  });
  const ellipsis = output.hasEllipsis ? broadcastShapes(ellipsisShapes) : [];
  if (ellipsis === null) {
    ctx.setOutput(0, { dtype, shape: null });
    return;
  }
  const used = new Set(inputs.flatMap(labelsOf));
  const dimOf = (l: string): Dim => {
    if (!used.has(l)) throw new ShapeError(`Einsum output label ${l} appears in no operand`);
    return labelDims.get(l) ?? null;
  };
  ctx.setOutput(0, { dtype, shape: [...output.before.map(dimOf), ...ellipsis, ...output.after.map(dimOf)] });
};
