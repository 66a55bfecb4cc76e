/**
 * A reader for the subset of the protobuf text format that Cutline writes in Triton's
 * `config.pbtxt`: `field: value`, `field { ... }` (or `field: { ... }`), lists `field: [ a, b ]`,
 * double-quoted strings with backslash escapes, integers, enum names and `#` comments. It gives
 * the fields in order; what they mean is triton-schema.ts's job.
 */
import { CutlineError } from '../errors.js';
import { quoteName } from '../text/quote-name.js';

export type TextValue =
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'enum'; readonly value: string }
  | { readonly kind: 'message'; readonly fields: readonly TextField[] }
  /** `field: [ a, b ]`, the list form of a repeated field (empty: `[ ]`). */
  | { readonly kind: 'list'; readonly items: readonly TextValue[] };

export interface TextField {
  readonly name: string;
  readonly value: TextValue;
  readonly line: number;
}

interface Token {
  readonly type: 'word' | 'number' | 'string' | 'punct';
  readonly text: string;
  readonly line: number;
}

// A config Cutline writes is a few kilobytes; a far larger or deeper one is not Cutline's.
const MAX_TEXT = 1 << 20;
const MAX_DEPTH = 16;

/** What every refused config's message ends with: the way to a good one. */
export const TRITON_CONFIG_ADVICE = 'write the Triton config again with `cutline export`';

function fail(file: string, line: number, what: string): never {
  throw new CutlineError('BAD_BUNDLE', `${file} line ${line}: ${what}; ${TRITON_CONFIG_ADVICE}.`);
}

function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) i++;
    else if (c === '#') while (i < text.length && text[i] !== '\n') i++;
    else if ('{}[]:,'.includes(c)) {
      tokens.push({ type: 'punct', text: c, line });
      i++;
    } else if (c === '"') {
      let value = '';
      i++;
      for (;;) {
        const d = text[i];
        if (d === undefined || d === '\n') fail(file, line, 'a string is not closed');
        i++;
        if (d === '"') break;
        if (d === '\\') {
          const e = text[i++];
          if (e === undefined) fail(file, line, 'a string is not closed');
          // Cutline escapes only quotes and backslashes; \n and \t are the other common ones.
          value += e === 'n' ? '\n' : e === 't' ? '\t' : e;
        } else value += d;
      }
      tokens.push({ type: 'string', text: value, line });
    } else {
      const m = /^(-?[0-9]+|[A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i, i + 64));
      if (!m) fail(file, line, `unexpected character ${quoteName(c)}`);
      tokens.push({ type: /^-?[0-9]/.test(m[1]!) ? 'number' : 'word', text: m[1]!, line });
      i += m[1]!.length;
    }
  }
  return tokens;
}

/** Parses `text` (the contents of `file`) into its top-level fields; BAD_BUNDLE names the line. */
export function parseTextFormat(text: string, file: string): TextField[] {
  if (text.length > MAX_TEXT) fail(file, 1, `the file is larger than ${MAX_TEXT} characters`);
  const tokens = tokenize(text, file);
  let at = 0;
  const lastLine = tokens.length ? tokens[tokens.length - 1]!.line : 1;
  const peek = (): Token | undefined => tokens[at];
  const next = (what: string): Token => tokens[at++] ?? fail(file, lastLine, `${what} is missing at the end`);
  const isPunct = (t: Token | undefined, p: string): boolean => t?.type === 'punct' && t.text === p;

  function scalar(token: Token): TextValue {
    if (token.type === 'string') return { kind: 'string', value: token.text };
    if (token.type === 'number') {
      const value = Number(token.text);
      if (!Number.isSafeInteger(value)) fail(file, token.line, `${token.text} is too large`);
      return { kind: 'number', value };
    }
    if (token.type === 'word') return { kind: 'enum', value: token.text };
    return fail(file, token.line, `a value is expected, not ${quoteName(token.text)}`);
  }

  function value(depth: number): TextValue {
    const token = next('a value');
    if (isPunct(token, '{')) return { kind: 'message', fields: fields(depth + 1, '}') };
    return scalar(token);
  }

  function fields(depth: number, close: '}' | null): TextField[] {
    if (depth > MAX_DEPTH) fail(file, peek()?.line ?? lastLine, `messages nest deeper than ${MAX_DEPTH}`);
    const out: TextField[] = [];
    for (;;) {
      const token = peek();
      if (close === null && token === undefined) return out;
      if (close !== null && isPunct(token, close)) {
        at++;
        return out;
      }
      const name = next(close ? `"${close}"` : 'a field');
      if (name.type !== 'word')
        fail(file, name.line, `a field name is expected, not ${quoteName(name.text)}`);
      const colon = isPunct(peek(), ':');
      if (colon) at++;
      if (isPunct(peek(), '[')) {
        at++;
        const items: TextValue[] = [];
        while (!isPunct(peek(), ']')) {
          items.push(value(depth));
          if (isPunct(peek(), ',')) at++;
          else if (!isPunct(peek(), ']'))
            fail(file, peek()?.line ?? lastLine, `"," or "]" is expected in ${quoteName(name.text)}`);
        }
        out.push({ name: name.text, value: { kind: 'list', items }, line: name.line });
        at++;
      } else if (isPunct(peek(), '{')) {
        at++;
        out.push({
          name: name.text,
          value: { kind: 'message', fields: fields(depth + 1, '}') },
          line: name.line,
        });
      } else {
        if (!colon) fail(file, name.line, `":" is expected after ${quoteName(name.text)}`);
        out.push({ name: name.text, value: scalar(next('a value')), line: name.line });
      }
    }
  }

  return fields(0, null);
}
