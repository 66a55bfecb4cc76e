/**
 * What makes an error message unsafe to print (issue 13, point 4): a line break, ESC or another
 * C0/C1 control character, a bidi control, or more than MAX_MESSAGE characters. The fuzzers count
 * a CutlineError with such a message as a failure class of its own.
 */

/** Longest message a CutlineError may carry (names in it are cut at 80 characters). */
export const MAX_MESSAGE = 1000;

// C0 (line breaks and ESC among them), DEL, C1, line/paragraph separators and bidi controls.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** Why `message` is unsafe, or undefined when it is one short, inert line. */
export function unsafeMessage(message: string): string | undefined {
  if (message.length > MAX_MESSAGE) return `message of ${message.length} characters (limit ${MAX_MESSAGE})`;
  const hit = UNSAFE.exec(message);
  if (hit) return `message holds U+${hit[0].charCodeAt(0).toString(16).padStart(4, '0')} at ${hit.index}`;
  return undefined;
}
