/**
 * Binary and variadic element-wise operators with NumPy broadcasting (Add … Where), folding
 * their values when every input is a known small tensor, as shape arithmetic needs
 * (`Shape → Gather → Mul → Concat → Reshape`).
 */
import { DataType } from '../../onnx/dtype.js';
import { broadcastShapes } from '../dims.js';
import type { InferContext, KnownValue, ShapeRule, ShapeRules, ValueInfo } from '../types.js';
import { foldBroadcast, infoWithValue, isIntegerDtype, toDtype } from './fold.js';

/** Element function of a folded operator; undefined gives up folding (e.g. integer x/0). */
type ElementOp = (args: readonly number[], dtype: number) => number | undefined;

interface BroadcastOptions {
  /** Output element type from the inputs' first element type (default: the same). */
  readonly outDtype?: (dtype: number) => number;
  /** Values of a folded output; omitted for operators never used in shape arithmetic. */
  readonly fold?: ElementOp;
  /** Input slot that decides the element type (Where: 1). */
  readonly dtypeInput?: number;
}

function knownValues(inputs: readonly ValueInfo[]): KnownValue[] | undefined {
  const values: KnownValue[] = [];
  for (const input of inputs) {
    if (!input.value) return undefined;
    values.push(input.value);
  }
  return values;
}

/** Shared body of every broadcasting operator over the inputs present in `slots`. */
function applyBroadcast(ctx: InferContext, inputs: readonly ValueInfo[], options: BroadcastOptions): void {
  const inDtype = inputs[options.dtypeInput ?? 0]?.dtype ?? 0;
  const dtype = options.outDtype ? options.outDtype(inDtype) : inDtype;
  const shape = broadcastShapes(inputs.map((i) => i.shape));
  const fold = options.fold;
  const values = fold ? knownValues(inputs) : undefined;
  const value =
    fold && values
      ? foldBroadcast(values, (args) => {
          const r = fold(args, inDtype);
          return r === undefined ? undefined : toDtype(r, dtype);
        })
      : undefined;
  ctx.setOutput(0, infoWithValue(dtype, shape, value));
}

/** A two-input broadcasting operator. */
function binary(options: BroadcastOptions = {}): ShapeRule {
  return (ctx) => applyBroadcast(ctx, [ctx.requireInput(0), ctx.requireInput(1)], options);
}

/** A variadic broadcasting operator (Sum, Mean, Max, Min): every present input. */
function variadic(options: BroadcastOptions): ShapeRule {
  return (ctx) => {
    const inputs: ValueInfo[] = [];
    for (let i = 0; i < ctx.inputCount; i++) {
      const input = ctx.input(i);
      if (input) inputs.push(input);
    }
    if (inputs.length === 0) ctx.requireInput(0);
    applyBroadcast(ctx, inputs, options);
  };
}

const toBool = (): number => DataType.BOOL;

/** Integer division truncates toward zero (C semantics, as ONNX runtimes do); x/0 is not folded. */
const divide: ElementOp = ([a = 0, b = 0], dtype) => {
  if (!isIntegerDtype(dtype)) return a / b;
  return b === 0 ? undefined : Math.trunc(a / b);
};

/** Mod: with fmod=0 the result takes the divisor's sign (Python %), with fmod=1 the dividend's. */
function modulo(fmod: boolean): ElementOp {
  return ([a = 0, b = 0], dtype) => {
    if (b === 0) return isIntegerDtype(dtype) ? undefined : NaN;
    const r = a % b;
    return fmod || r === 0 || r < 0 === b < 0 ? r : r + b;
  };
}

/** Bitwise operators on integers up to 64 bits through BigInt (JS `&` is 32-bit). */
function bitwise(op: (a: bigint, b: bigint) => bigint): ElementOp {
  return ([a = 0, b = 0]) => Number(op(BigInt(Math.trunc(a)), BigInt(Math.trunc(b))));
}

const bitShiftRule: ShapeRule = (ctx) => {
  const left = ctx.attrString('direction', 'LEFT') === 'LEFT';
  binary({ fold: bitwise((a, b) => (left ? a << b : a >> b)) })(ctx);
};

const modRule: ShapeRule = (ctx) => binary({ fold: modulo(ctx.attrInt('fmod', 0) === 1) })(ctx);

/** Where(condition, X, Y): three-way broadcast; the element type is X's. */
const whereRule: ShapeRule = (ctx) =>
  applyBroadcast(ctx, [ctx.requireInput(0), ctx.requireInput(1), ctx.requireInput(2)], {
    dtypeInput: 1,
    fold: ([c = 0, x = 0, y = 0]) => (c !== 0 ? x : y),
  });

const sum: ElementOp = (args) => args.reduce((a, b) => a + b, 0);

export const arithmeticRules: ShapeRules = {
  Add: binary({ fold: ([a = 0, b = 0]) => a + b }),
  Sub: binary({ fold: ([a = 0, b = 0]) => a - b }),
  Mul: binary({ fold: ([a = 0, b = 0]) => a * b }),
  Div: binary({ fold: divide }),
  Pow: binary({ fold: ([a = 0, b = 0]) => a ** b }),
  Mod: modRule,
  Sum: variadic({ fold: sum }),
  Mean: variadic({ fold: (args, dtype) => divide([sum(args, dtype) ?? 0, args.length], dtype) }),
  Max: variadic({ fold: (args) => Math.max(...args) }),
  Min: variadic({ fold: (args) => Math.min(...args) }),
  Equal: binary({ outDtype: toBool, fold: ([a, b]) => (a === b ? 1 : 0) }),
  Less: binary({ outDtype: toBool, fold: ([a = 0, b = 0]) => (a < b ? 1 : 0) }),
  LessOrEqual: binary({ outDtype: toBool, fold: ([a = 0, b = 0]) => (a <= b ? 1 : 0) }),
  Greater: binary({ outDtype: toBool, fold: ([a = 0, b = 0]) => (a > b ? 1 : 0) }),
  GreaterOrEqual: binary({ outDtype: toBool, fold: ([a = 0, b = 0]) => (a >= b ? 1 : 0) }),
  And: binary({ outDtype: toBool, fold: ([a, b]) => (a && b ? 1 : 0) }),
  Or: binary({ outDtype: toBool, fold: ([a, b]) => (a || b ? 1 : 0) }),
  Xor: binary({ outDtype: toBool, fold: ([a, b]) => (!a !== !b ? 1 : 0) }),
  BitShift: bitShiftRule,
  BitwiseAnd: binary({ fold: bitwise((a, b) => a & b) }),
  BitwiseOr: binary({ fold: bitwise((a, b) => a | b) }),
  BitwiseXor: binary({ fold: bitwise((a, b) => a ^ b) }),
  Where: whereRule,
};
