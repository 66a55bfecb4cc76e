/**
 * A first-come, first-served limit on concurrent work: `acquire()` resolves when one of `limit`
 * slots is free, with the function that frees it. Used to run one model's inferences one (or a
 * few) at a time, so onnxruntime's threads are not oversubscribed and queueing time is measurable.
 */
export interface Slots {
  acquire(): Promise<() => void>;
  /** Callers waiting for a slot. */
  readonly waiting: number;
}

export function createSlots(limit: number): Slots {
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error(`A slot limit must be a whole number ≥ 1, not ${limit}.`);
  let busy = 0;
  const queue: (() => void)[] = [];
  const release = (): void => {
    const next = queue.shift();
    if (next) next();
    else busy--;
  };
  return {
    acquire() {
      if (busy < limit) {
        busy++;
        return Promise.resolve(once(release));
      }
      return new Promise((resolve) => queue.push(() => resolve(once(release))));
    },
    get waiting() {
      return queue.length;
    },
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
