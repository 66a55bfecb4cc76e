/**
 * Builds what Electron runs from the TypeScript sources, with esbuild (tsx's own compiler):
 *
 * - `main.cjs`: the main process with the host, core and zod inlined; only `electron` is external.
 * - `preload.cjs`: the sandboxed preload, one file whose only require is `electron` (a sandboxed
 *   preload cannot load anything else).
 * - `analysis-worker.cjs`: the host's analysis worker as plain JavaScript, so Electron starts it
 *   without tsx (app/host/analysis-runner.ts takes it as `workerUrl`).
 * - `cutline-cli.cjs`: the `cutline` command, which the packaged studio runs for its export,
 *   harness and profile jobs (no TypeScript sources ship), with `cutline-tier.cjs` (a tier of a
 *   harness run) and `tier-runtime/` (the runtime copied into each bundle, as `writeRuntime`
 *   builds it). onnxruntime-node stays external: native, it ships as a package of its own.
 * - `package.json`: makes the folder an Electron app (`electron dist/main`) named Cutline.
 *
 * CommonJS, because it is the format every Electron version loads as an app entry. Bundling
 * puts many modules in one file, which would give them all the bundle's `import.meta.url`; the
 * `sourceLocation` plugin gives each module its source file's URL instead (relative to the
 * bundle, so it holds in a packaged app too). That keeps every `new URL('…', import.meta.url)`
 * in the host pointing where it did, and keeps "am I the script being run?" checks (as in
 * samples/generate.ts) from matching the bundle.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { writeRuntime } from '../../core/bundle/runtime-build.js';
import {
  CLI_FILE,
  MAIN_BUNDLE_DIR,
  MAIN_FILE,
  PRELOAD_FILE,
  TIER_FILE,
  TIER_RUNTIME_DIR,
  WORKER_FILE,
} from './paths.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Electron 45 runs Node 22 and Chromium 140; older targets would only add transforms. */
const NODE_TARGET = 'node22';
const CHROME_TARGET = 'chrome130';

export interface BundleOptions {
  /** Default: the repository. */
  readonly root?: string;
  /** Default: `<root>/dist/main`. */
  readonly outDir?: string;
}

export interface BundleResult {
  readonly outDir: string;
  readonly main: string;
  readonly preload: string;
  readonly worker: string;
  readonly cli: string;
  readonly tier: string;
  readonly warnings: readonly string[];
}

/**
 * What the bundled command leaves to be required at run time: onnxruntime-node (native), and
 * what only `cutline studio` loads (the bundler, Vite, Electron), which a packaged studio's jobs
 * never run.
 */
const CLI_EXTERNAL = ['onnxruntime-node', 'esbuild', 'vite', 'electron'];

export async function bundleMain(options: BundleOptions = {}): Promise<BundleResult> {
  const root = path.resolve(options.root ?? REPO_ROOT);
  const outDir = path.resolve(options.outDir ?? path.join(root, MAIN_BUNDLE_DIR));
  const out = (file: string): string => path.join(outDir, file);
  const common: BuildOptions = {
    bundle: true,
    format: 'cjs',
    sourcemap: 'linked',
    logLevel: 'silent',
    legalComments: 'none',
    absWorkingDir: root,
  };
  const node: BuildOptions = {
    ...common,
    platform: 'node',
    target: NODE_TARGET,
    plugins: [sourceLocation(root, outDir)],
  };
  const manifest = await appManifest(root);
  const results = await Promise.all([
    build({
      ...node,
      entryPoints: [path.join(root, 'app/main/main.ts')],
      outfile: out(MAIN_FILE),
      external: ['electron'],
    }),
    build({
      ...node,
      entryPoints: [path.join(root, 'app/host/worker/analysis-worker.ts')],
      outfile: out(WORKER_FILE),
    }),
    build({
      ...common,
      platform: 'browser',
      target: CHROME_TARGET,
      entryPoints: [path.join(root, 'app/main/preload.ts')],
      outfile: out(PRELOAD_FILE),
      external: ['electron'],
    }),
    build({
      ...node,
      entryPoints: [path.join(root, 'app/cli/bundled-main.ts')],
      outfile: out(CLI_FILE),
      external: CLI_EXTERNAL,
      // No package.json beside the command in a packaged app: its version is built in.
      define: { __CUTLINE_VERSION__: JSON.stringify(manifest.version) },
    }),
    build({
      ...node,
      entryPoints: [path.join(root, 'core/bundle/tier-entry.ts')],
      outfile: out(TIER_FILE),
      external: ['onnxruntime-node'],
    }),
    writeRuntime(out(TIER_RUNTIME_DIR)).then(() => ({ warnings: [] })),
  ]);
  await fs.writeFile(out('package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return {
    outDir,
    main: out(MAIN_FILE),
    preload: out(PRELOAD_FILE),
    worker: out(WORKER_FILE),
    cli: out(CLI_FILE),
    tier: out(TIER_FILE),
    warnings: results.flatMap((result) => result.warnings.map((warning) => warning.text)),
  };
}

/** The manifest Electron reads when started as `electron dist/main`. */
async function appManifest(root: string): Promise<Record<string, string | boolean>> {
  const manifest = JSON.parse(await fs.readFile(path.join(root, 'package.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  return {
    name: 'cutline',
    productName: 'Cutline',
    version: typeof manifest.version === 'string' ? manifest.version : '0.0.0',
    private: true,
    main: MAIN_FILE,
  };
}

const IMPORT_META = /\bimport\.meta\.(url|dirname|filename)\b/g;
const LOADERS = { '.ts': 'ts', '.tsx': 'tsx', '.js': 'js', '.mjs': 'js', '.cjs': 'js' } as const;

/** Rewrites `import.meta.url|dirname|filename` in the project's own modules to their source location. */
function sourceLocation(root: string, outDir: string): Plugin {
  return {
    name: 'cutline-source-location',
    setup(builder) {
      builder.onLoad({ filter: /\.(ts|tsx|js|mjs|cjs)$/ }, async (args) => {
        const inProject =
          !path.relative(root, args.path).startsWith('..') &&
          !args.path.includes(`${path.sep}node_modules${path.sep}`);
        if (!inProject) return undefined;
        const source = await fs.readFile(args.path, 'utf8');
        const loader = LOADERS[path.extname(args.path) as keyof typeof LOADERS];
        if (!source.includes('import.meta.')) return { contents: source, loader };
        // Paths are joined at run time from the bundle's own folder, so a moved app still works.
        const relative = path.relative(outDir, args.path).split(path.sep).join('/');
        const file = `require("node:path").join(__dirname, ${JSON.stringify(relative)})`;
        const replacements: Record<string, string> = {
          url: `require("node:url").pathToFileURL(${file}).href`,
          filename: file,
          dirname: `require("node:path").dirname(${file})`,
        };
        return { contents: source.replace(IMPORT_META, (_match, key: string) => replacements[key]!), loader };
      });
    },
  };
}
