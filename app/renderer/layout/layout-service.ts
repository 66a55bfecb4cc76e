/**
 * The layout service behind the worker boundary: holds the open model's view and lays out the
 * visible part of it on request, reporting progress. The same code runs in the Web Worker and,
 * where workers cannot start, on the page itself.
 */
import type { ModelView } from '../../../core/view/types.js';
import { computeLayout } from './compute-layout.js';
import type { FromLayoutWorker, ToLayoutWorker } from './layout-types.js';

export function createLayoutService(
  reply: (message: FromLayoutWorker) => void,
): (message: ToLayoutWorker) => void {
  let model: { readonly key: string; readonly view: ModelView } | null = null;
  return (message) => {
    if (message.type === 'model') {
      model = { key: message.modelKey, view: message.view };
      return;
    }
    const { requestId } = message;
    if (!model || model.key !== message.modelKey) {
      reply({ type: 'failed', requestId, message: 'The layout worker does not hold this model.' });
      return;
    }
    try {
      const graph = computeLayout(
        model.view,
        new Set(message.expanded),
        message.placement,
        message.tiers,
        (fraction) => reply({ type: 'progress', requestId, fraction }),
      );
      reply({ type: 'done', requestId, graph });
    } catch (error) {
      reply({ type: 'failed', requestId, message: error instanceof Error ? error.message : String(error) });
    }
  };
}
