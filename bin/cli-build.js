// Which `cutline` to start: the build in dist/cli/ (`npm run build:cli`, app/main/bundle.ts) or
// the TypeScript sources through tsx. Plain JavaScript, since it decides before anything could
// compile TypeScript, and cheap: it stats the files the build stamp lists, nothing more.
import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

/** The package's root: this file is its bin/cli-build.js. */
const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** app/main/bundle.ts's CLI_BUILD_DIR and CLI_BUILD_STAMP, CLI_FILE and TIER_FILE (app/main/paths.ts). */
const BUILD_DIR = 'dist/cli/';
const STAMP = 'build-stamp.json';
const CLI_FILE = 'cutline-cli.cjs';
const TIER_FILE = 'cutline-tier.cjs';
/** A source file only a checkout has: without it, this is an installed package, built. */
const SOURCE_MARK = 'app/cli/main.ts';
/** Set to 1 to run the sources even when the build is current (the bench's reference, debugging). */
export const FROM_SOURCES_ENV = 'CUTLINE_FROM_SOURCES';

/**
 * The built command and tier entry when they may run, or null for the sources. In a checkout the
 * build runs only while current: every file it was built from is still there and none was
 * modified after the build started, so an edited source never runs stale. Without the sources
 * (an installed package) the build is all there is.
 * @returns {{ cli: string, tier: string } | null}
 */
export function currentBuild(root = ROOT, env = process.env) {
  const file = (relative) => `${root}${relative}`;
  const built = { cli: file(BUILD_DIR + CLI_FILE), tier: file(BUILD_DIR + TIER_FILE) };
  if (!fs.existsSync(file(SOURCE_MARK))) {
    if (fs.existsSync(built.cli)) return built;
    throw new Error(
      `this copy of Cutline has neither its build (${built.cli}) nor its sources; reinstall it, or run 'npm run build:cli' in a checkout.`,
    );
  }
  if (env[FROM_SOURCES_ENV] === '1') return null;
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(file(BUILD_DIR + STAMP), 'utf8'));
  } catch {
    return null;
  }
  if (typeof stamp?.startedAtMs !== 'number' || !Array.isArray(stamp.inputs)) return null;
  for (const input of stamp.inputs) {
    const stat = fs.statSync(file(input), { throwIfNoEntry: false });
    if (stat === undefined || stat.mtimeMs > stamp.startedAtMs) return null;
  }
  return fs.existsSync(built.cli) && fs.existsSync(built.tier) ? built : null;
}

/**
 * Lets this process import the TypeScript sources: tsx's loader with Cutline's own tsconfig,
 * wherever the process runs (a tier runs in its bundle's folder, which must not be able to steer
 * module resolution with a tsconfig of its own). Only where currentBuild() is null: a checkout.
 */
export async function registerSources() {
  const { register } = await import('tsx/esm/api');
  register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
}

/** An `import(` call, not `.import(` or a mention of `import()` in a comment. */
const DYNAMIC_IMPORT = /(^|[^.\w$])import\((?!\))/m;

/**
 * Runs a built CommonJS file as `require` would, with V8's code cache beside it: compiling the
 * 2 MB command is most of a start-up, and the code a previous start compiled skips it (Node 20
 * has no module.enableCompileCache). V8 checks a cache's version, flags and source length and
 * compiles afresh when it does not fit; the cache is named by the file's modification time too,
 * and every build is a new folder (app/main/bundle.ts), so a cache never outlives its source.
 * A file calling import() is only required: Node 20 loses a vm script's import() callback when
 * the script comes from a code cache (app/main/bundle.ts builds the command without import()).
 * @param {string} file
 */
export function runBuilt(file) {
  const source = fs.readFileSync(file, 'utf8');
  if (DYNAMIC_IMPORT.test(source)) return void createRequire(import.meta.url)(file);
  const cacheFile = `${file}.${Math.trunc(fs.statSync(file).mtimeMs)}.v8-cache`;
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  // Made at exit, so it holds the functions this run compiled, not only the top level.
  if (cachedData === undefined || script.cachedDataRejected)
    process.once('exit', () => writeCache(script, cacheFile));
  const module = { exports: {}, filename: file, id: file, loaded: false };
  script.runInThisContext()(module.exports, createRequire(file), module, file, path.dirname(file));
}

/** Best effort: an installed package's folder may be read-only, and then each start compiles. */
function writeCache(script, cacheFile) {
  const partial = `${cacheFile}.${process.pid}`;
  try {
    fs.writeFileSync(partial, script.createCachedData());
    fs.renameSync(partial, cacheFile);
  } catch {
    fs.rmSync(partial, { force: true });
  }
}
