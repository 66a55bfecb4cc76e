/**
 * The processes a harness run leaves on this machine: every process whose command line names the
 * bundle's folder (the harness and each tier it starts), read from `ps` as a user would look.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Pids of the running processes whose command line contains `text` (zombies have none). */
export async function processesNaming(text: string): Promise<number[]> {
  const { stdout } = await run('ps', ['-eo', 'pid=,stat=,args='], { maxBuffer: 16 * 1024 ** 2 });
  return stdout
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(line))
    .flatMap((match) =>
      match && !match[2]!.startsWith('Z') && match[3]!.includes(text) && Number(match[1]) !== process.pid
        ? [Number(match[1])]
        : [],
    );
}

/** Whether a process with this pid exists (signal 0 probes without sending anything). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
