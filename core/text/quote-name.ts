/**
 * Names inside a model file (nodes, tensors, inputs, op types, domains, external-data paths) are
 * chosen by whoever wrote the file. Before one reaches an error message or a terminal it is made
 * inert and short: control characters (C0, DEL, C1, line and paragraph separators and the bidi
 * controls that reorder what a reader sees) become visible escapes such as `\x1b` or `\u202e`,
 * and a long name is cut with an ellipsis, so no escape sequence, line break or megabyte line can
 * come out of Cutline.
 */

/** How many characters of a name from a file an error message shows. */
export const NAME_LIMIT = 80;

/** The longest line the CLI prints for an error or warning that may quote file content. */
export const LINE_LIMIT = 500;

function isControl(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0x061c || // Arabic letter mark
    code === 0x200e || // left-to-right mark
    code === 0x200f || // right-to-left mark
    code === 0x2028 || // line separator
    code === 0x2029 || // paragraph separator
    (code >= 0x202a && code <= 0x202e) || // bidi embeddings and overrides
    (code >= 0x2066 && code <= 0x2069) || // bidi isolates
    code === 0xfeff
  );
}

function escapeCode(code: number): string {
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `text` with every control character replaced by a visible escape and, when the result would
 * exceed `limit` characters, cut there with a trailing `…`. Stops reading at the limit, so a
 * megabyte name costs no more than a short one.
 */
export function escapeControl(text: string, limit = Number.POSITIVE_INFINITY): string {
  return escapeAndCut(text, limit).shown;
}

function escapeAndCut(text: string, limit: number): { shown: string; cut: boolean } {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    const piece = isControl(code) ? escapeCode(code) : char;
    if (out.length + piece.length > limit) return { shown: `${out}…`, cut: true };
    out += piece;
  }
  return { shown: out, cut: false };
}

/**
 * A name from a file as it appears in a message: quoted, control characters escaped, at most
 * `limit` characters shown; a cut name says how long it really was,
 * e.g. `"aaaa…" (1048576 characters)`.
 */
export function quoteName(name: string, limit = NAME_LIMIT): string {
  const { shown, cut } = escapeAndCut(name, limit);
  return cut ? `"${shown}" (${name.length} characters)` : `"${shown}"`;
}

/** A name in a text table or listing: escaped and cut like {@link quoteName}, without quotes. */
export function plainName(name: string, limit = NAME_LIMIT): string {
  return escapeControl(name, limit);
}

/**
 * Any message as one terminal line: line breaks become spaces, other control characters are
 * escaped, at most `limit` characters. The CLI's last line of defence for text a file may have shaped.
 */
export function oneLine(text: string, limit: number): string {
  // Only a bounded prefix is read, so a megabyte message costs no more than a short one.
  const prefix = text.slice(0, limit * 8);
  // A message of several lines (one problem a line) reads as one: its breaks become spaces.
  const joined = prefix.replace(/[ \t]*\r?\n[ \t]*/g, ' ');
  const shown = escapeControl(joined, limit);
  return prefix.length < text.length && !shown.endsWith('…') ? `${shown}…` : shown;
}

/** A list of names from a file for a message: the first `max` quoted, then how many in all. */
export function quoteNames(names: readonly string[], max = 10): string {
  if (names.length === 0) return '(none)';
  const shown = names.slice(0, max).map((n) => quoteName(n));
  return names.length > max ? `${shown.join(', ')}, … (${names.length} in all)` : shown.join(', ');
}
