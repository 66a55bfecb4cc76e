/**
 * A child for checking the fuzz driver itself (test/fuzz-driver.test.ts): case 1 never ends,
 * case 2 allocates until its heap cap, case 3 is killed by a signal, case 4 throws a plain Error, case 5 dies unless run alone; the rest pass.
 * Usage: node --import tsx test/support/fuzz-driver-check-child.ts SEED START END
 */
const [, start, end] = process.argv.slice(2, 5).map(Number);
if (start === undefined || end === undefined)
  throw new Error('usage: fuzz-driver-check-child.ts SEED START END');
for (let index = start; index < end; index++) {
  process.stdout.write(`${JSON.stringify({ index, label: `case ${index}`, started: true })}\n`);
  if (index === 1) for (;;);
  if (index === 2) {
    const hoard: number[][] = [];
    for (;;) hoard.push(new Array<number>(1 << 16).fill(index));
  }
  // Killed by a signal (not abort(), which may leave a core file where the test runs).
  if (index === 3) process.kill(process.pid, 'SIGKILL');
  // Dies only after other cases, as a case does when the machine, not the case, is at fault.
  if (index === 5 && start !== 5) process.kill(process.pid, 'SIGKILL');
  const outcome = index === 4 ? { kind: 'other-error', message: 'Error: plain' } : { kind: 'analysed' };
  process.stdout.write(`${JSON.stringify({ index, label: `case ${index}`, ...outcome })}\n`);
}
