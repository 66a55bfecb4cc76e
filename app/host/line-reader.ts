/**
 * Splits a child's output into lines with a bound on each: readline keeps a line in memory however
 * long it grows, so a command printing without newlines (a bug, another build) could fill the
 * host's memory. A line longer than `maxChars` is dropped whole, reported once with its length.
 */
import type { Readable } from 'node:stream';

/** About 1 MB of text: far above any answer a `cutline --json` command prints. */
export const MAX_LINE_CHARS = 1 << 20;

export interface LineReaderOptions {
  readonly maxChars?: number;
  readonly onLine: (line: string) => void;
  /** A dropped line, with how many characters it had (counted to its end). */
  readonly onTooLong: (chars: number) => void;
}

export function readLines(input: Readable, options: LineReaderOptions): void {
  const maxChars = options.maxChars ?? MAX_LINE_CHARS;
  let pending = '';
  /** Characters of the line being dropped so far, or -1 when none is. */
  let dropping = -1;
  const take = (text: string): void => {
    if (dropping >= 0) dropping += text.length;
    else pending += text;
  };
  const finish = (): void => {
    if (dropping >= 0) options.onTooLong(dropping);
    else options.onLine(pending.endsWith('\r') ? pending.slice(0, -1) : pending);
    pending = '';
    dropping = -1;
  };
  input.setEncoding('utf8');
  input.on('data', (chunk: string) => {
    let from = 0;
    for (let at = chunk.indexOf('\n'); at >= 0; at = chunk.indexOf('\n', from)) {
      take(chunk.slice(from, at));
      finish();
      from = at + 1;
    }
    take(chunk.slice(from));
    if (dropping < 0 && pending.length > maxChars) {
      dropping = pending.length;
      pending = '';
    }
  });
  input.on('end', () => {
    if (pending !== '' || dropping >= 0) finish();
  });
}
