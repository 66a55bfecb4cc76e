/**
 * The layout worker: runs the layout service off the UI thread, so laying out a 10,000-layer
 * expansion cannot freeze the window. The runner terminates it to cancel.
 */
import { createLayoutService } from './layout-service.js';
import type { FromLayoutWorker, ToLayoutWorker } from './layout-types.js';

/** The worker's global scope, typed by what is used (the web tsconfig carries DOM, not WebWorker, types). */
interface WorkerScope {
  postMessage(message: FromLayoutWorker): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<ToLayoutWorker>) => void): void;
}

const scope = self as unknown as WorkerScope;
const handle = createLayoutService((message) => scope.postMessage(message));
scope.addEventListener('message', (event) => handle(event.data));
