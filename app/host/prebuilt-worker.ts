/**
 * The analysis worker built as plain JavaScript (`analysis-worker.cjs`), when Cutline runs from
 * its build (app/cli/bundled-main.ts: an installed package has no TypeScript sources for
 * worker/bootstrap.js to start through tsx). Null, the default, means the sources. A host given
 * its own `workerUrl` (the packaged studio's) uses that.
 */
let prebuilt: URL | null = null;

/** Set once, by the bundled CLI's entry, before any command runs. */
export function usePrebuiltWorker(worker: URL): void {
  prebuilt = worker;
}

export const prebuiltWorker = (): URL | null => prebuilt;
