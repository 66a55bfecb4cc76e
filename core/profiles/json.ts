/** JSON parsing whose failure says where in the file the problem is. */
import { CutlineError, type ErrorCode } from '../errors.js';

/**
 * Parses `text` or throws `code` naming the file, the line and the column. V8 reports a
 * character offset ("at position 11", or "(line 2 column 3)" in newer versions); an unexpected
 * end has none, so it points past the last character.
 */
export function parseJsonFile(text: string, file: string, code: ErrorCode): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const { line, column } = locate(text, message);
    const reason = message
      .replace(/\s*in JSON at position \d+.*$/s, '')
      .replace(/\s*\(line \d+ column \d+\)/, '');
    throw new CutlineError(
      code,
      `${file} is not valid JSON: ${reason} at line ${line}, column ${column}. Fix the syntax (a trailing comma or a missing quote is the usual cause).`,
      { cause: error },
    );
  }
}

function locate(text: string, message: string): { line: number; column: number } {
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return { line: Number(lineColumn[1]), column: Number(lineColumn[2]) };
  const position = /position (\d+)/.exec(message);
  const offset = position ? Number(position[1]) : text.length;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}
