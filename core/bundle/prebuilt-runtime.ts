/**
 * Where the tier code is when Cutline runs from its build (the packaged studio's bundled CLI,
 * app/cli/bundled-main.ts) rather than from its TypeScript sources: a tier entry to start tier
 * processes with (instead of `bin/cutline-tier.js` through tsx), and the bundle runtime built
 * ahead of time (copied into each bundle instead of built by esbuild, which does not ship).
 * Null, the default, means the sources.
 */
export interface PrebuiltRuntime {
  /** A plain-JavaScript tier entry (`cutline-tier.cjs`) run as `node ENTRY --bundle … --tier …`. */
  readonly tierEntry: string;
  /** A folder holding what `writeRuntime` writes into a bundle's `runtime/`, built already. */
  readonly runtimeDir: string;
}

let prebuilt: PrebuiltRuntime | null = null;

/** Set once, by the bundled CLI's entry, before any command runs. */
export function usePrebuiltRuntime(runtime: PrebuiltRuntime): void {
  prebuilt = runtime;
}

export const prebuiltRuntime = (): PrebuiltRuntime | null => prebuilt;
