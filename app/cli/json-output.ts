/**
 * The `--json` documents the commands print. Names from a model reach them as they are (a tool
 * reading the JSON needs the real name), but JSON.stringify only escapes C0 controls: C1
 * controls (U+0080–U+009F, which terminals act on like ESC), the line and paragraph separators and
 * the bidi controls that reorder what a reader sees would be printed raw. Here they are written as
 * `\uXXXX` escapes, so the output is still valid JSON that parses to the same strings, and a
 * terminal or log showing it shows plain text.
 */

/**
 * Characters left raw by JSON.stringify that a terminal, an editor or a log viewer acts on: DEL
 * and C1, the Arabic letter mark, LRM/RLM, line and paragraph separators, bidi embeddings,
 * overrides and isolates, and the BOM (the set core/text/quote-name.ts escapes in messages).
 */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

const unicodeEscape = (char: string): string => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * JSON.stringify, with every character of UNSAFE_IN_JSON escaped. They can only occur inside
 * string literals (JSON has no other place for them), where `\uXXXX` means the same character.
 */
export function safeJsonStringify(value: unknown, indent?: number): string {
  const text = JSON.stringify(value, null, indent);
  return text.replace(UNSAFE_IN_JSON, unicodeEscape);
}

/** Writes `value` as one line of safe JSON to stdout (the `--json` output of every command). */
export function writeJsonLine(value: unknown): void {
  process.stdout.write(`${safeJsonStringify(value)}\n`);
}
