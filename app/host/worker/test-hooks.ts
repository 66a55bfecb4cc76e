/**
 * Test-only behaviour of the analysis process, so the host's time and memory limits can be
 * tested without a file that really hangs or exhausts memory (the shape rules are bounded now,
 * so none of the known ones does). Read from CUTLINE_ANALYSIS_TEST_HOOK, which only a test sets
 * (through the host option `childEnv`): `hang:NAME` spins, `exhaust-heap:NAME` allocates without
 * bound, when the model being opened is named NAME. Unset, nothing here ever runs.
 */
export const TEST_HOOK_ENV = 'CUTLINE_ANALYSIS_TEST_HOOK';

export function runTestHook(fileName: string): void {
  const hook = process.env[TEST_HOOK_ENV];
  if (hook === undefined) return;
  const colon = hook.indexOf(':');
  if (colon < 0 || hook.slice(colon + 1) !== fileName) return;
  const what = hook.slice(0, colon);
  if (what === 'hang') for (;;);
  if (what === 'exhaust-heap') {
    const held: number[][] = [];
    for (;;) held.push(Array.from({ length: 1024 }, (_, i) => i + held.length));
  }
}
