/**
 * The runner's line to the layout service: a Web Worker, or — only where a worker cannot start
 * (a host that refuses worker scripts) — the service on the page, so the studio still draws.
 */
import { createLayoutService } from './layout-service.js';
import type { FromLayoutWorker, ToLayoutWorker } from './layout-types.js';

export interface LayoutChannel {
  post(message: ToLayoutWorker): void;
  /** Stops the channel; nothing it was computing is delivered afterwards. */
  terminate(): void;
}

export interface ChannelEvents {
  message(message: FromLayoutWorker): void;
  /** The worker could not start (never answered) — the runner then falls back to the page. */
  unavailable(): void;
  /** The worker died while working (out of memory, a crash). */
  crashed(reason: string): void;
}

export function openWorkerChannel(events: ChannelEvents): LayoutChannel {
  let answered = false;
  let worker: Worker;
  try {
    worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module' });
  } catch {
    queueMicrotask(() => events.unavailable());
    return { post: () => undefined, terminate: () => undefined };
  }
  worker.addEventListener('message', (event: MessageEvent<FromLayoutWorker>) => {
    answered = true;
    events.message(event.data);
  });
  worker.addEventListener('error', (event) => {
    worker.terminate();
    if (answered) events.crashed(event.message || 'The layout worker stopped.');
    else events.unavailable();
  });
  return { post: (message) => worker.postMessage(message), terminate: () => worker.terminate() };
}

export function openPageChannel(events: ChannelEvents): LayoutChannel {
  let open = true;
  const handle = createLayoutService((message) => {
    if (open) events.message(message);
  });
  return {
    // A task per message, so the page paints the progress bar before the layout starts.
    post: (message) => setTimeout(() => open && handle(message), 0),
    terminate: () => {
      open = false;
    },
  };
}
