/**
 * How a benchmark child process hands its figures to the parent: one line on stdout, the
 * prefix then JSON. A prefix rather than "the whole of stdout" so that anything a library
 * prints (onnxruntime warnings, for one) cannot corrupt the result.
 */
export const RESULT_PREFIX = '@@cutline-bench ';

export type ChildOutcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export function emitResult(value: unknown): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify({ ok: true, value })}\n`);
}

export function emitFailure(error: unknown): void {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify({ ok: false, error: message })}\n`);
}

/** The outcome a child printed, or undefined when it printed none (it crashed). */
export function parseOutcome<T>(stdout: string): ChildOutcome<T> | undefined {
  const line = stdout
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(RESULT_PREFIX));
  return line === undefined ? undefined : (JSON.parse(line.slice(RESULT_PREFIX.length)) as ChildOutcome<T>);
}
