/**
 * Ends the analysis process when its host is gone. The IPC channel's 'disconnect' covers a host
 * that exits while this process is idle, but an analysis runs synchronously: a model that keeps
 * it busy would keep an orphan running (and its memory held) until it finished. So a small
 * thread of its own, which the busy main thread cannot block, looks every half second whether
 * the parent is still there and kills the whole process when it is not.
 */
import { Worker } from 'node:worker_threads';

export const PARENT_POLL_MS = 500;

// Plain JavaScript evaluated in the thread (no loader there). On POSIX an orphan is re-parented,
// so its ppid changes; on Windows it keeps its ppid, and signal 0 says whether that process lives.
const WATCH_SOURCE = `
const { workerData } = require('node:worker_threads');
const gone = () => {
  if (process.ppid !== workerData.parentPid) return true;
  try { process.kill(workerData.parentPid, 0); return false; } catch (error) { return error.code === 'ESRCH'; }
};
setInterval(() => { if (gone()) process.kill(workerData.pid, 'SIGKILL'); }, workerData.pollMs);
`;

export function watchParent(): void {
  const watcher = new Worker(WATCH_SOURCE, {
    eval: true,
    workerData: { parentPid: process.ppid, pid: process.pid, pollMs: PARENT_POLL_MS },
    // A few MB are all it needs; its limit keeps it out of the analysis' share.
    resourceLimits: { maxOldGenerationSizeMb: 16 },
  });
  // It must not keep the process alive, and its failure must not end the analysis.
  watcher.unref();
  watcher.on('error', () => undefined);
}
