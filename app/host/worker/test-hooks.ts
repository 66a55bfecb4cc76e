/**
 * Test-only behaviour of the analysis process, so the host's time budget can be tested without a
 * file that really hangs (the shape rules are bounded now, so none of the known ones does; heap
 * exhaustion needs no hook: a large real model under a small heap limit does it). Read from
 * CUTLINE_ANALYSIS_TEST_HOOK, which only a test sets (the host option `childEnv`, or the host's
 * own environment): `hang:NAME` spins when the model being opened is named NAME. Unset, nothing
 * here ever runs.
 */
export const TEST_HOOK_ENV = 'CUTLINE_ANALYSIS_TEST_HOOK';

export function runTestHook(fileName: string): void {
  const hook = process.env[TEST_HOOK_ENV];
  if (hook === undefined) return;
  const colon = hook.indexOf(':');
  if (colon < 0 || hook.slice(colon + 1) !== fileName) return;
  if (hook.slice(0, colon) === 'hang') for (;;);
}
