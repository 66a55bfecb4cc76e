/**
 * A first-come, first-served limit on concurrent work: `acquire()` resolves when one of `limit`
 * slots is free, with the function that frees it. Used to run one model's inferences one (or a
 * few) at a time, so onnxruntime's threads are not oversubscribed and queueing time is measurable.
 * The queue is bounded (`maxWaiting`): past it a caller is turned away at once rather than kept
 * waiting behind work it would time out on, and a caller that gives up (its signal aborts) leaves
 * the queue instead of taking a slot nobody wants.
 */
export interface Slots {
  /**
   * A slot: at once if one is free, else after the callers queued before. Resolves to null, at
   * once, when `maxWaiting` callers are already queued. Rejects with the signal's reason if it
   * aborts while queued (or has already).
   */
  acquire(signal?: AbortSignal): Promise<(() => void) | null>;
  /** Callers waiting for a slot. */
  readonly waiting: number;
  readonly maxWaiting: number;
}

export function createSlots(limit: number, maxWaiting = Number.POSITIVE_INFINITY): Slots {
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error(`A slot limit must be a whole number ≥ 1, not ${limit}.`);
  if (!(maxWaiting === Number.POSITIVE_INFINITY || (Number.isInteger(maxWaiting) && maxWaiting >= 0)))
    throw new Error(`A slot queue bound must be a whole number ≥ 0, not ${maxWaiting}.`);
  let busy = 0;
  const queue: (() => void)[] = [];
  const release = (): void => {
    const next = queue.shift();
    if (next) next();
    else busy--;
  };
  return {
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (busy < limit) {
        busy++;
        return Promise.resolve(once(release));
      }
      if (queue.length >= maxWaiting) return Promise.resolve(null);
      return new Promise((resolve, reject) => {
        const onAbort = (): void => {
          const at = queue.indexOf(grant);
          if (at >= 0) queue.splice(at, 1);
          reject(signal!.reason);
        };
        const grant = (): void => {
          signal?.removeEventListener('abort', onAbort);
          resolve(once(release));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(grant);
      });
    },
    get waiting() {
      return queue.length;
    },
    maxWaiting,
  };
}

function once(action: () => void): () => void {
  let done = false;
  return () => {
    if (!done) {
      done = true;
      action();
    }
  };
}
