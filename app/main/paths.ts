/**
 * Where the Electron app's pieces are, relative to the app root (the repository when run from
 * source, `resources/app.asar` when packaged). The analysis worker and the samples must be plain
 * files: Node worker threads cannot start a script or read a model inside an asar archive, so
 * electron-builder.yml unpacks the worker and copies the samples to `resources/samples`. The
 * bundled `cutline` command, its tier code and onnxruntime-node are unpacked too: they run as
 * processes of their own and load native libraries.
 */
import path from 'node:path';

/** The bundles built by app/main/bundle.ts, relative to the app root. */
export const MAIN_BUNDLE_DIR = path.join('dist', 'main');
export const RENDERER_DIR = path.join('dist', 'renderer');
export const MAIN_FILE = 'main.cjs';
export const PRELOAD_FILE = 'preload.cjs';
export const WORKER_FILE = 'analysis-worker.cjs';
/** The `cutline` command for the export, harness and profile jobs, its tier entry and tier runtime. */
export const CLI_FILE = 'cutline-cli.cjs';
export const TIER_FILE = 'cutline-tier.cjs';
export const TIER_RUNTIME_DIR = 'tier-runtime';

export interface StudioPaths {
  readonly preload: string;
  readonly worker: string;
  readonly rendererDir: string;
  readonly samplesDir: string;
  /** The bundled device, link and topology profiles. */
  readonly profilesDir: string;
  /**
   * The built `cutline` command the process jobs run when packaged (no TypeScript sources ship);
   * null from the sources, where they run bin/cutline.js (app/host/cli-process.ts).
   */
  readonly cli: string | null;
}

export interface PathContext {
  readonly packaged: boolean;
  /** `process.resourcesPath` of a packaged app. */
  readonly resourcesPath: string;
}

export function studioPaths(appRoot: string, { packaged, resourcesPath }: PathContext): StudioPaths {
  const bundleDir = path.join(appRoot, MAIN_BUNDLE_DIR);
  const unpackedRoot = appRoot.endsWith('.asar') ? `${appRoot}.unpacked` : appRoot;
  return {
    preload: path.join(bundleDir, PRELOAD_FILE),
    worker: path.join(unpackedRoot, MAIN_BUNDLE_DIR, WORKER_FILE),
    rendererDir: path.join(appRoot, RENDERER_DIR),
    samplesDir: packaged ? path.join(resourcesPath, 'samples') : path.join(appRoot, 'samples'),
    profilesDir: packaged ? path.join(resourcesPath, 'profiles') : path.join(appRoot, 'profiles'),
    // Unpacked: it runs as a Node process of its own, beside onnxruntime-node's native files.
    cli: packaged ? path.join(unpackedRoot, MAIN_BUNDLE_DIR, CLI_FILE) : null,
  };
}
