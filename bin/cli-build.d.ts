// Types of bin/cli-build.js for the TypeScript that imports it (tests, bench).
export declare const FROM_SOURCES_ENV: string;
export declare function currentBuild(
  root?: string,
  env?: Readonly<Record<string, string | undefined>>,
): { cli: string; tier: string } | null;
export declare function runBuilt(file: string): void;
export declare function registerSources(): Promise<void>;
