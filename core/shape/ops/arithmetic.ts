/**
 * Binary and variadic element-wise operators with NumPy broadcasting (Add … Where; before
 * opset 7 by attribute, see legacy-broadcast.ts), folding
 * their values when every input is a known small tensor, as shape arithmetic needs
 * (`Shape → Gather → Mul → Concat → Reshape`), and carrying symbolic shape entries (layout's
 * `symbolicValue`) through the integer operators shape arithmetic uses.
 */
import { DataType } from '../../onnx/dtype.js';
import { broadcastShapes } from '../dims.js';
import type { Dim, InferContext, KnownValue, ShapeRule, ShapeRules, ValueInfo } from '../types.js';
import { foldBroadcast, infoWithValue, isIntegerDtype, toDtype, type TensorEntries } from './fold.js';
import { entriesOf, tensorInfo } from './layout-values.js';
import { legacyBroadcastOperands, NUMPY_BROADCAST_SINCE } from './legacy-broadcast.js';
import {
  symbolicAdd,
  symbolicDiv,
  symbolicEqual,
  symbolicMul,
  symbolicSub,
  symbolicWhere,
  type SymbolicOp,
} from './symbolic-arithmetic.js';

/** Element function of a folded operator; undefined gives up folding (e.g. integer x/0). */
type ElementOp = (args: readonly number[], dtype: number) => number | undefined;

interface BroadcastOptions {
  /** Output element type from the inputs' first element type (default: the same). */
  readonly outDtype?: (dtype: number) => number;
  /** Values of a folded output; omitted for operators never used in shape arithmetic. */
  readonly fold?: ElementOp;
  /** Input slot that decides the element type (Where: 1). */
  readonly dtypeInput?: number;
  /** The operator over entries that may be symbols (integer tensors only). */
  readonly symbolic?: SymbolicOp;
}

/** Entries of every input (known values or symbols), or undefined when one has none. */
function symbolicEntries(inputs: readonly ValueInfo[]): TensorEntries<Dim>[] | undefined {
  const entries: TensorEntries<Dim>[] = [];
  for (const input of inputs) {
    const e = entriesOf(input);
    if (!e) return undefined;
    entries.push(e);
  }
  return entries;
}

function knownValues(inputs: readonly ValueInfo[]): KnownValue[] | undefined {
  const values: KnownValue[] = [];
  for (const input of inputs) {
    if (!input.value) return undefined;
    values.push(input.value);
  }
  return values;
}

/** Shared body of every broadcasting operator over `inputs`. */
function applyBroadcast(ctx: InferContext, inputs: readonly ValueInfo[], options: BroadcastOptions): void {
  const inDtype = inputs[options.dtypeInput ?? 0]?.dtype ?? 0;
  const dtype = options.outDtype ? options.outDtype(inDtype) : inDtype;
  const shape = broadcastShapes(inputs.map((i) => i.shape));
  const fold = options.fold;
  const values = fold ? knownValues(inputs) : undefined;
  const symbolic = options.symbolic;
  if (!values && symbolic && isIntegerDtype(inDtype)) {
    const entries = symbolicEntries(inputs);
    const result = entries && foldBroadcast(entries, symbolic);
    ctx.setOutput(0, result ? tensorInfo(dtype, result.dims, result) : { dtype, shape });
    return;
  }
  const value =
    fold && values
      ? foldBroadcast(values, (args) => {
          const r = fold(args, inDtype);
          return r === undefined ? undefined : toDtype(r, dtype);
        })
      : undefined;
  ctx.setOutput(0, infoWithValue(dtype, shape, value));
}

/**
 * A two-input broadcasting operator: NumPy rules from opset 7, the `broadcast`/`axis` attributes
 * before (see legacy-broadcast.ts; the operators new since 7 never see an older opset).
 */
function binary(options: BroadcastOptions = {}): ShapeRule {
  return (ctx) => {
    const a = ctx.requireInput(0);
    const b = ctx.requireInput(1);
    const operands = ctx.opset < NUMPY_BROADCAST_SINCE ? legacyBroadcastOperands(ctx, a, b) : [a, b];
    applyBroadcast(ctx, operands, options);
  };
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
    symbolic: symbolicWhere,
  });

const sum: ElementOp = (args) => args.reduce((a, b) => a + b, 0);

export const arithmeticRules: ShapeRules = {
  Add: binary({ fold: ([a = 0, b = 0]) => a + b, symbolic: symbolicAdd }),
  Sub: binary({ fold: ([a = 0, b = 0]) => a - b, symbolic: symbolicSub }),
  Mul: binary({ fold: ([a = 0, b = 0]) => a * b, symbolic: symbolicMul }),
  Div: binary({ fold: divide, symbolic: symbolicDiv }),
  Pow: binary({ fold: ([a = 0, b = 0]) => a ** b }),
  Mod: modRule,
  Sum: variadic({ fold: sum }),
  Mean: variadic({ fold: (args, dtype) => divide([sum(args, dtype) ?? 0, args.length], dtype) }),
  Max: variadic({ fold: (args) => Math.max(...args) }),
  Min: variadic({ fold: (args) => Math.min(...args) }),
  Equal: binary({ outDtype: toBool, fold: ([a, b]) => (a === b ? 1 : 0), symbolic: symbolicEqual }),
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
