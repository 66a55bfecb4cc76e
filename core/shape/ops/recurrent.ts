/**
 * Recurrent layers RNN, GRU and LSTM. Inputs X (slot 0), W [dirs, gates·hidden, input],
 * R [dirs, gates·hidden, hidden]; `layout` (opset 14+) 0 puts the sequence first, 1 the batch.
 */
import { ShapeError, type Dim, type ShapeRule, type ShapeRules } from '../types.js';
import { divideDim, unifyDims } from './compute-dims.js';

/** Gates per cell: RNN 1, GRU 3, LSTM 4 (W's second dim is gates × hidden_size). */
const GATES: Readonly<Record<string, number>> = { RNN: 1, GRU: 3, LSTM: 4 };

/**
 * Outputs: Y `[seq, dirs, batch, hidden]` (layout 1: `[batch, seq, dirs, hidden]`), Y_h and
 * LSTM's Y_c `[dirs, batch, hidden]` (layout 1: `[batch, dirs, hidden]`). Directions are 2 for
 * `bidirectional`; hidden_size comes from the attribute, R's last dim or W's rows / gates.
 */
const recurrentRule: ShapeRule = (ctx) => {
  const x = ctx.requireInput(0);
  const w = ctx.requireInput(1).shape;
  const r = ctx.input(2)?.shape ?? null;
  const gates = GATES[ctx.node.opType] ?? 1;
  const layout = ctx.opset >= 14 ? ctx.attrInt('layout', 0) : 0;
  const direction = ctx.attrString('direction', 'forward');
  if (!['forward', 'reverse', 'bidirectional'].includes(direction)) {
    throw new ShapeError(
      `${ctx.node.opType} direction "${direction}" is not forward, reverse or bidirectional`,
    );
  }
  const dirs = direction === 'bidirectional' ? 2 : 1;
  if (w && w.length === 3) unifyDims(w[0] ?? null, dirs, `${ctx.node.opType} weight directions`);
  const attrHidden = ctx.attrInt('hidden_size');
  let hidden: Dim = attrHidden ?? r?.[2] ?? (w?.[1] !== undefined ? divideDim(w[1], gates, 'floor') : null);
  if (attrHidden !== undefined && r?.[2] !== undefined) hidden = unifyDims(attrHidden, r[2], 'hidden_size');
  if (x.shape && x.shape.length !== 3)
    throw new ShapeError(`${ctx.node.opType} input X must be 3-D, got rank ${x.shape.length}`);
  const seq: Dim = x.shape?.[layout === 0 ? 0 : 1] ?? null;
  const batch: Dim = x.shape?.[layout === 0 ? 1 : 0] ?? null;
  const y = layout === 0 ? [seq, dirs, batch, hidden] : [batch, seq, dirs, hidden];
  const state = layout === 0 ? [dirs, batch, hidden] : [batch, dirs, hidden];
  ctx.setOutput(0, { dtype: x.dtype, shape: y });
  ctx.setOutput(1, { dtype: x.dtype, shape: state });
  ctx.setOutput(2, { dtype: x.dtype, shape: state });
};

export const recurrentRules: ShapeRules = {
  RNN: recurrentRule,
  GRU: recurrentRule,
  LSTM: recurrentRule,
};
