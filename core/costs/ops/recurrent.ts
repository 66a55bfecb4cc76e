/** RNN, GRU and LSTM: gate matrix products per time step, plus element-wise gate arithmetic. */
import type { ComputeRule } from '../context.js';
import { TRANSCENDENTAL_FLOPS } from './elementwise.js';

const SIGMOID = TRANSCENDENTAL_FLOPS + 2;
const TANH = TRANSCENDENTAL_FLOPS;

interface Cell {
  /** Gates G: RNN 1, GRU 3, LSTM 4. */
  readonly gates: number;
  /** Element-wise FLOPs per hidden unit per step after the gate pre-activations. */
  readonly perHidden: (hasPeepholes: boolean) => number;
}

const CELLS: Readonly<Record<'RNN' | 'GRU' | 'LSTM', Cell>> = {
  // h = tanh(…)
  RNN: { gates: 1, perHidden: () => TANH },
  // z, r sigmoids; h̃ tanh; r ⊙ (R_h·h); h = (1 − z) ⊙ h̃ + z ⊙ h (sub, mul, mul, add)
  GRU: { gates: 3, perHidden: () => 2 * SIGMOID + TANH + 1 + 4 },
  // i, f, o sigmoids; g and tanh(c); c = f ⊙ c + i ⊙ g (3); h = o ⊙ tanh(c) (1);
  // peepholes add a multiply and an add for each of i, f, o (6)
  LSTM: { gates: 4, perHidden: (peep) => 3 * SIGMOID + 2 * TANH + 4 + (peep ? 6 : 0) },
};

/**
 * RNN / GRU / LSTM with X [seq, batch, I] (layout 0) or [batch, seq, I] (layout 1), hidden
 * size H, G gates and D directions (2 when bidirectional). Per step, per batch row and
 * direction the cell multiplies W [G·H, I] by x and R [G·H, H] by h:
 * MACs = D × seq × batch × G × H × (I + H).
 * FLOPs = 2 × MACs + D × seq × batch × (G·H to add W·x and R·h, + 2·G·H when B is given, +
 * the cell's element-wise work: RNN 1 tanh; GRU 2 sigmoids, 1 tanh and 5; LSTM 3 sigmoids,
 * 2 tanh and 4, + 6 with peepholes) per hidden unit, with a sigmoid = exp + 2 and a tanh =
 * TRANSCENDENTAL_FLOPS. Estimate because of those transcendental constants, and an upper bound
 * when `sequence_lens` shortens some sequences. Activations other than the defaults are
 * charged as the defaults.
 */
export function recurrentRule(kind: keyof typeof CELLS): ComputeRule {
  const cell = CELLS[kind];
  return (ctx) => {
    ctx.estimate();
    const x = ctx.input(0);
    const layout = ctx.attrInt('layout', 0);
    const seq = ctx.dim(x, layout === 0 ? 0 : 1);
    const batch = ctx.dim(x, layout === 0 ? 1 : 0);
    const inputSize = ctx.dim(x, 2);
    const hidden = ctx.attrInt('hidden_size', 0) || ctx.dim(ctx.input(2), 2);
    const directions = ctx.attrString('direction', 'forward') === 'bidirectional' ? 2 : 1;
    const steps = directions * seq * batch;
    const gateUnits = cell.gates * hidden;
    const macs = steps * gateUnits * (inputSize + hidden);
    const perStep = gateUnits + (ctx.has(3) ? 2 * gateUnits : 0) + hidden * cell.perHidden(ctx.has(7));
    return { macs, flops: 2 * macs + steps * perStep };
  };
}
