/**
 * Known values of model inputs (`--input-value sr=16000`): a caller that always sends the same
 * sample rate, step count or flag lets constant folding decide what depends on it, so an `If`
 * on `Equal(sr, 16000)` is costed on the branch that will run.
 */
import { CutlineError } from '../errors.js';
import type { Graph, Shape } from '../graph/types.js';
import { DataType, dtypeName, isFloatDtype } from '../onnx/dtype.js';
import { escapeControl, NAME_LIMIT, quoteName, quoteNames } from '../text/quote-name.js';
import { isIntegerDtype, toDtype } from './ops/fold.js';
import type { KnownValue } from './types.js';

/** Most elements an input value may have: values steer shapes and branches, they are not data. */
export const MAX_INPUT_VALUE_ELEMENTS = 4096;

/** An input value as written, before it is checked against the model. */
export interface InputValueText {
  readonly name: string;
  readonly data: readonly number[];
}

function bad(message: string): CutlineError {
  return new CutlineError('BAD_INPUT_BINDING', message);
}

/**
 * Parses `NAME=V[,V…]` (numbers separated by `,`; the last `=` splits, as for `--input`):
 * `sr=16000`, `steps=1,2,3`, `scale=0.5`.
 */
export function parseInputValue(text: string): InputValueText {
  const at = text.lastIndexOf('=');
  const name = text.slice(0, at).trim();
  const body = text.slice(at + 1).trim();
  if (at <= 0 || body === '') {
    throw bad(`${quoteName(text)} is not an input value. Write NAME=V[,V…], e.g. sr=16000.`);
  }
  const parts = body.split(',');
  if (parts.length > MAX_INPUT_VALUE_ELEMENTS) {
    throw bad(
      `The value of ${quoteName(name)} has ${parts.length} elements; give at most ${MAX_INPUT_VALUE_ELEMENTS} (values steer shapes and branches, they are not data).`,
    );
  }
  const data = parts.map((part) => {
    const v = part.trim();
    const n = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isFinite(n)) {
      throw bad(
        `${quoteName(text)}: ${quoteName(part)} is not a number. Write numbers separated by commas, e.g. ${escapeControl(name, NAME_LIMIT)}=16000.`,
      );
    }
    return n;
  });
  return { name, data };
}

/**
 * Checks values against the model's inputs and returns them as KnownValues for shape inference,
 * with the shapes they fix: the input's bound or declared shape, where a single symbolic
 * dimension takes the size the element count implies (`ids=1,2,3` on `[seq]` binds seq = 3).
 *
 * @throws CutlineError BAD_INPUT_BINDING naming the input for an unknown name, an input that is
 *   not a number tensor, an element count the shape cannot hold, a fraction for an integer input
 *   or an integer beyond 2^53.
 */
export function resolveInputValues(
  graph: Graph,
  given: readonly InputValueText[],
  inputShapes: Readonly<Record<string, Shape>> = {},
): { values: Record<string, KnownValue>; shapes: Record<string, Shape> } {
  const values: Record<string, KnownValue> = {};
  const shapes: Record<string, Shape> = {};
  for (const { name, data } of given) {
    if (!graph.inputs.includes(name)) {
      throw bad(
        `The model has no input named ${quoteName(name)}; its inputs are ${quoteNames(graph.inputs)}.`,
      );
    }
    const tensor = graph.tensors.get(name);
    const dtype = tensor?.dtype ?? 0;
    const integer = isIntegerDtype(dtype) || dtype === DataType.BOOL;
    if (!integer && !isFloatDtype(dtype)) {
      throw bad(
        `Input ${quoteName(name)} holds ${dtypeName(dtype)} elements; only number inputs take a value.`,
      );
    }
    for (const x of data) {
      if (integer && !Number.isInteger(x)) {
        throw bad(`Input ${quoteName(name)} holds ${dtypeName(dtype)} integers; ${x} is not a whole number.`);
      }
      if (integer && !Number.isSafeInteger(x)) {
        throw bad(
          `The value ${x} of input ${quoteName(name)} is too large: integers up to 2^53 are analysed exactly.`,
        );
      }
    }
    const dims = valueDims(name, inputShapes[name] ?? tensor?.shape ?? null, data.length);
    values[name] = { dims, data: data.map((x) => toDtype(x, dtype)) };
    shapes[name] = dims;
  }
  return { values, shapes };
}

/** The dims a value of `count` elements takes in an input of `shape`. */
function valueDims(name: string, shape: Shape | null, count: number): number[] {
  const example = `${escapeControl(name, NAME_LIMIT)}=${count > 1 ? count : 'scalar'}`;
  if (shape === null) {
    throw bad(
      `Input ${quoteName(name)} has no declared shape, so ${count} value(s) cannot be placed; bind its shape too, e.g. --input ${example}.`,
    );
  }
  const known = shape.reduce<number>((n, d) => (typeof d === 'number' ? n * d : n), 1);
  const open = shape.filter((d) => typeof d !== 'number').length;
  const fits = open === 0 ? known === count : open === 1 && known > 0 && count % known === 0;
  if (!fits) {
    const shown = shape
      .map((d) => (typeof d === 'number' ? String(d) : escapeControl(String(d ?? '?'))))
      .join('×');
    throw bad(
      open > 1
        ? `Input ${quoteName(name)} has several unbound dimensions (${shown}); bind its shape with --input before giving its value.`
        : `Input ${quoteName(name)} of shape ${shown || 'scalar'} holds ${open === 0 ? known : `a multiple of ${known}`} element(s), not ${count}.`,
    );
  }
  return shape.map((d) => (typeof d === 'number' ? d : count / known));
}
