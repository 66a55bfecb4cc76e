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
 * `bundleCli` builds the command's pieces alone into dist/cli/ (`npm run build:cli`), with
 * a build stamp: `bin/cutline.js` and `bin/cutline-tier.js` start from it instead of tsx while no
 * file it was built from has changed since (bin/cli-build.js), and `npm pack` ships it.
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

const COMMON: BuildOptions = {
  bundle: true,
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'silent',
  legalComments: 'none',
};

/** Options of the Node bundles, whose `import.meta` points at the sources from `locatedAt`. */
const nodeOptions = (root: string, locatedAt: string): BuildOptions => ({
  ...COMMON,
  absWorkingDir: root,
  platform: 'node',
  target: NODE_TARGET,
  plugins: [sourceLocation(root, locatedAt)],
  metafile: true,
});

/**
 * dist/cli/'s pieces load what they import at run time (vite, esbuild) with require() rather than
 * import(): bin/cli-build.js runs them from V8's code cache, and Node 20 loses a script's import()
 * callback when the script comes from a cache. (The Electron build's copy is run by Node as is.)
 */
const WITHOUT_DYNAMIC_IMPORT: Record<string, boolean> = { 'dynamic-import': false };

/**
 * The `cutline` command, its tier entry, the bundle runtime and the analysis worker (which
 * `cutline studio` starts for each model it opens), written into `outDir`.
 */
function buildCommand(
  root: string,
  outDir: string,
  locatedAt: string,
  version: string,
  supported: Record<string, boolean> = {},
) {
  const node = { ...nodeOptions(root, locatedAt), supported };
  return Promise.all([
    build({
      ...node,
      entryPoints: [path.join(root, 'app/cli/bundled-main.ts')],
      outfile: path.join(outDir, CLI_FILE),
      external: CLI_EXTERNAL,
      // No package.json beside the command in a packaged app: its version is built in.
      define: { __CUTLINE_VERSION__: JSON.stringify(version) },
    }),
    build({
      ...node,
      entryPoints: [path.join(root, 'core/bundle/tier-entry.ts')],
      outfile: path.join(outDir, TIER_FILE),
      external: ['onnxruntime-node'],
    }),
    build({
      ...node,
      entryPoints: [path.join(root, 'app/host/worker/analysis-worker.ts')],
      outfile: path.join(outDir, WORKER_FILE),
    }),
    // Built from tier-entry.ts like the tier entry above, so its inputs are among that build's.
    writeRuntime(path.join(outDir, TIER_RUNTIME_DIR)),
  ]);
}

export async function bundleMain(options: BundleOptions = {}): Promise<BundleResult> {
  const root = path.resolve(options.root ?? REPO_ROOT);
  const outDir = path.resolve(options.outDir ?? path.join(root, MAIN_BUNDLE_DIR));
  const out = (file: string): string => path.join(outDir, file);
  const common: BuildOptions = { ...COMMON, absWorkingDir: root };
  const node = nodeOptions(root, outDir);
  const manifest = await appManifest(root);
  const results = await Promise.all([
    build({
      ...node,
      entryPoints: [path.join(root, 'app/main/main.ts')],
      outfile: out(MAIN_FILE),
      external: ['electron'],
    }),
    build({
      ...common,
      platform: 'browser',
      target: CHROME_TARGET,
      entryPoints: [path.join(root, 'app/main/preload.ts')],
      outfile: out(PRELOAD_FILE),
      external: ['electron'],
    }),
    buildCommand(root, outDir, outDir, String(manifest.version)).then(([cli, tier, worker]) => ({
      warnings: [...cli.warnings, ...tier.warnings, ...worker.warnings],
    })),
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

/**
 * Where `npm run build:cli` puts the command, and its stamp; bin/cli-build.js reads both (plain
 * JavaScript: it runs before anything could compile TypeScript, so it spells them itself).
 */
export const CLI_BUILD_DIR = path.join('dist', 'cli');
export const CLI_BUILD_STAMP = 'build-stamp.json';
/**
 * Files a build depends on besides the sources esbuild read: the version, the compiler's
 * settings, and npm's record of node_modules (rewritten by every install), which stands for the
 * dependencies' files.
 */
const STAMP_EXTRA_INPUTS = [
  'package.json',
  'tsconfig.json',
  'tsconfig.base.json',
  'node_modules/.package-lock.json',
];

/** What bin/cli-build.js compares: a build is current while no input is newer than its start. */
export interface CliBuildStamp {
  readonly startedAtMs: number;
  /** Relative to the repository, with `/`. */
  readonly inputs: readonly string[];
}

export interface CliBuildOptions {
  /** Default: the repository. */
  readonly root?: string;
  /** Default: `<root>/dist/cli`. */
  readonly outDir?: string;
  /**
   * The folder the build will run from when it is not `outDir` (a package staged elsewhere):
   * its modules' `import.meta` paths are relative to it. Default: `outDir`.
   */
  readonly locatedAt?: string;
}

export interface CliBuildResult {
  readonly outDir: string;
  readonly cli: string;
  readonly tier: string;
  readonly stamp: CliBuildStamp;
  readonly warnings: readonly string[];
}

/**
 * Builds the `cutline` command, its tier entry, the bundle runtime and the analysis worker into
 * dist/cli/, and stamps the build with its start time and inputs. It is built in a folder beside the target and then
 * swapped in, so a `cutline` starting meanwhile finds the old build or none, never half of one.
 */
export async function bundleCli(options: CliBuildOptions = {}): Promise<CliBuildResult> {
  const root = path.resolve(options.root ?? REPO_ROOT);
  const outDir = path.resolve(options.outDir ?? path.join(root, CLI_BUILD_DIR));
  const locatedAt = path.resolve(options.locatedAt ?? outDir);
  // Before esbuild reads a file: a source saved during the build makes it stale at once.
  const startedAtMs = Date.now();
  await fs.mkdir(path.dirname(outDir), { recursive: true });
  const staging = await fs.mkdtemp(path.join(path.dirname(outDir), `.${path.basename(outDir)}-`));
  try {
    // mkdtemp's folder is private to its owner; the build is for everyone who may run it.
    await fs.chmod(staging, 0o755);
    const manifest = await appManifest(root);
    const [cli, tier, worker] = await buildCommand(
      root,
      staging,
      locatedAt,
      String(manifest.version),
      WITHOUT_DYNAMIC_IMPORT,
    );
    const read = new Set([cli, tier, worker].flatMap((result) => Object.keys(result.metafile!.inputs)));
    const sources = [...read].filter((input) => !input.split('/').includes('node_modules'));
    const extra = [];
    for (const input of STAMP_EXTRA_INPUTS) if (await exists(path.join(root, input))) extra.push(input);
    const stamp: CliBuildStamp = { startedAtMs, inputs: [...sources.sort(), ...extra] };
    await fs.writeFile(path.join(staging, CLI_BUILD_STAMP), `${JSON.stringify(stamp, null, 1)}\n`);
    const previous = `${staging}-previous`;
    await fs.rename(outDir, previous).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await fs.rename(staging, outDir);
    await fs.rm(previous, { recursive: true, force: true });
    return {
      outDir,
      cli: path.join(outDir, CLI_FILE),
      tier: path.join(outDir, TIER_FILE),
      stamp,
      warnings: [cli, tier, worker].flatMap((result) => result.warnings.map((warning) => warning.text)),
    };
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}

const exists = (file: string): Promise<boolean> =>
  fs.stat(file).then(
    () => true,
    () => false,
  );

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
