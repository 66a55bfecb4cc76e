/**
 * When a long command (harness, profile) should stop cleanly: Ctrl+C, SIGTERM (the studio's
 * Stop), and, when the studio started it (CUTLINE_STOP_WITH_PARENT=1, stdin a pipe from the host),
 * the end of stdin: the host went away however it ended, so the run stops its tier processes
 * instead of outliving it.
 */
export const STOP_WITH_PARENT_ENV = 'CUTLINE_STOP_WITH_PARENT';

/** Calls `onStop` once on any of those; the returned function removes the handlers. */
export function onStopRequest(onStop: () => void): () => void {
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    onStop();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const withParent = process.env[STOP_WITH_PARENT_ENV] === '1';
  if (withParent) process.stdin.on('end', stop).on('close', stop).resume();
  return () => {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    // An open stdin pipe would keep the process alive after its work is done.
    if (withParent) {
      process.stdin.off('end', stop).off('close', stop);
      process.stdin.destroy();
    }
  };
}
