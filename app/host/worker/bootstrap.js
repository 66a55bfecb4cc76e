// Worker-thread bootstrap: registers tsx's ESM loader in this thread, then imports the
// TypeScript entry named in workerData. Node 20 does not hand the main thread's loader hooks to
// worker threads, so every worker registers its own (the same way bin/cutline.js does for the
// CLI). Works under `tsx`, under Vitest, and in plain Node running the sources.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
