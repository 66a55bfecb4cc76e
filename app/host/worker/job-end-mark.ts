/**
 * A job's end decided between two processes: the host cancelling it and the analysis child
 * committing its result. Each side claims the job's end mark by creating a file exclusively
 * (O_CREAT|O_EXCL, atomic on every file system the temp folder lives on), so exactly one claim
 * succeeds, synchronously, with no message round trip: the host answers a cancel at once, as it
 * did when the flag was shared memory between threads (processes share no memory).
 */
import fs from 'node:fs';
import path from 'node:path';

/** True when this call claimed the job's end; false when the other side had claimed it first. */
export function claimJobEnd(mark: string): boolean {
  for (let attempt = 0; ; attempt++) {
    try {
      fs.closeSync(fs.openSync(mark, 'wx'));
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      // The folder went (a host's temp sweep can remove one untouched for a day): it held no mark.
      if (code !== 'ENOENT' || attempt > 0) throw error;
      fs.mkdirSync(path.dirname(mark), { recursive: true });
    }
  }
}

/** Whether either side has claimed the job's end (for the child: whether it was cancelled). */
export const jobEndClaimed = (mark: string): boolean => fs.existsSync(mark);
