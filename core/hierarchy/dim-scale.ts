/**
 * Short names for symbolic spatial sizes. Shape inference writes a stride-2 convolution of an
 * `H`-high input as `floor((H-1)/2)+1` and four of them nested four deep, which no block title
 * can hold; what a person wants to read is the scale, `H/16`. The expression is evaluated with
 * its symbol at 2²⁰ (so up to twenty halvings stay exact) and named by the ratio when that is a
 * power of two.
 */

/** The value every symbol takes when an expression is evaluated for its scale. */
const PROBE = 2 ** 20;

/** `H/4` for `floor((floor((H-1)/2))/2)+1`, `2W` for `2*W`, `H` for `H`; null when it is not a power-of-two scale of one symbol. */
export function scaleName(expression: string): string | null {
  const symbols = new Set(
    expression.match(/[A-Za-z_][A-Za-z_0-9]*/g)?.filter((s) => !FUNCTIONS.has(s)) ?? [],
  );
  if (symbols.size !== 1) return null;
  const value = evaluate(expression);
  if (value === null || !(value > 0)) return null;
  const symbol = [...symbols][0]!;
  const exponent = Math.round(Math.log2(PROBE / value));
  // Within a pixel of the exact power: `floor((H-1)/2)+1` is H/2 for even H, one more for odd.
  if (Math.abs(PROBE / 2 ** exponent - value) > 2 * Math.max(1, 2 ** -exponent)) return null;
  if (exponent === 0) return symbol;
  return exponent > 0 ? `${symbol}/${2 ** exponent}` : `${2 ** -exponent}${symbol}`;
}

const FUNCTIONS: ReadonlyMap<string, (...args: number[]) => number> = new Map([
  ['floor', Math.floor],
  ['ceil', Math.ceil],
  ['min', Math.min],
  ['max', Math.max],
]);

/** Evaluates `+ - * /`, parentheses, floor/ceil/min/max, numbers, symbols at PROBE; null if it cannot. */
function evaluate(expression: string): number | null {
  const tokens = expression.match(/\d+(?:\.\d+)?|[A-Za-z_][A-Za-z_0-9]*|[-+*/(),]|\S/g) ?? [];
  let at = 0;
  const peek = (): string | undefined => tokens[at];
  const take = (): string | undefined => tokens[at++];
  const primary = (): number => {
    const token = take();
    if (token === undefined) throw new Error('end');
    if (token === '(') {
      const value = sum();
      if (take() !== ')') throw new Error(')');
      return value;
    }
    if (token === '-') return -primary();
    if (/^\d/.test(token)) return Number(token);
    const fn = FUNCTIONS.get(token);
    if (fn) {
      if (take() !== '(') throw new Error('(');
      const args = [sum()];
      while (peek() === ',') {
        take();
        args.push(sum());
      }
      if (take() !== ')') throw new Error(')');
      return fn(...args);
    }
    if (/^[A-Za-z_]/.test(token)) return PROBE;
    throw new Error(token);
  };
  const product = (): number => {
    let value = primary();
    while (peek() === '*' || peek() === '/') value = take() === '*' ? value * primary() : value / primary();
    return value;
  };
  const sum = (): number => {
    let value = product();
    while (peek() === '+' || peek() === '-') value = take() === '+' ? value + product() : value - product();
    return value;
  };
  try {
    const value = sum();
    return at === tokens.length && Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}
