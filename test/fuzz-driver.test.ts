/**
 * The fuzz driver classifies what a case does to its child (issue 13, point 6): a case that
 * never ends is a hang (killed after its budget), one that exhausts the child's heap cap is a
 * memory blow-up, one that kills the child otherwise a crash; each is recorded against its case
 * and the run goes on in a new child from the next case. A case that ended its child is run again
 * alone: only when it ends it again is it a failure; else it is transient (the machine's doing).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runFuzz } from './support/shape-fuzz-driver.js';

const CHILD = fileURLToPath(new URL('./support/fuzz-driver-check-child.ts', import.meta.url));

describe('fuzz driver', () => {
  it('records a hang, a memory blow-up, a crash, another error and a transient death against their cases and goes on', async () => {
    const results = await runFuzz({ seed: 0, count: 7, caseBudgetMs: 2000, heapMb: 64, child: CHILD });
    expect(results.map((r) => [r.index, r.kind])).toEqual([
      [0, 'analysed'],
      [1, 'hang'],
      [2, 'memory'],
      [3, 'crash'],
      [4, 'other-error'],
      [5, 'transient'],
      [6, 'analysed'],
    ]);
  });
});
