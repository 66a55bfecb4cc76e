/**
 * `npm pack` gives a package that installs and runs `cutline` elsewhere: the package is staged
 * from what package.json's "files" names (the CLI built into it, as `npm run build:cli` builds
 * dist/cli/, so the checkout's own dist/ is neither needed nor touched while other tests run),
 * packed by npm, installed into an empty folder offline from npm's cache, and run from there:
 * help, an analysis of a sample it ships, an export of a three-tier split and a harness run of it,
 * with no TypeScript source and no tsx anywhere in the install.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleCli, CLI_BUILD_DIR } from '../app/main/bundle.js';
import { NO_INSTALL_ENV } from '../app/main/launch/electron-binary.js';
import { createWebStudioClient } from '../app/shared/web-client.js';
import { writeOfflineInstall } from './support/offline-install.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  files: string[];
  bin: Record<string, string>;
  dependencies: Record<string, string>;
};
/** npm without the repository's .npmrc, output or prompts: the install must not run scripts. */
const npm = (cwd: string, ...args: string[]) =>
  run('npm', [...args, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    maxBuffer: 1 << 26,
  });

/** `profiles/**\/*.json` → `profiles`. */
function upToGlob(entry: string): string {
  const parts = entry.split('/').filter(Boolean);
  const glob = parts.findIndex((part) => /[*?[{]/.test(part));
  return (glob < 0 ? parts : parts.slice(0, glob)).join('/');
}

let tmp: string;
let installed: string;
let cutline: (...args: string[]) => Promise<{ stdout: string; stderr: string }>;
let packedFiles: string[];

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-pack-'));
  const stage = path.join(tmp, 'stage');
  fs.mkdirSync(stage);
  // Every "files" entry up to its first glob, generously: npm pack applies the globs. The
  // renderer's build is the checkout's (npm test builds it before the tests run).
  const copied = manifest.files
    .filter((entry) => !entry.startsWith('!'))
    .map(upToGlob)
    .filter((entry) => entry !== CLI_BUILD_DIR.split(path.sep).join('/'));
  for (const entry of [...new Set(copied), 'package.json', 'README.md']) {
    if (!fs.existsSync(path.join(ROOT, entry)))
      throw new Error(`${entry} is missing: run npm run build:renderer (npm test does) before this test.`);
    fs.cpSync(path.join(ROOT, entry), path.join(stage, entry), { recursive: true });
  }
  // Built into the stage as if in the checkout's dist/cli, whose relative paths it keeps.
  const built = await bundleCli({
    outDir: path.join(stage, CLI_BUILD_DIR),
    locatedAt: path.join(ROOT, CLI_BUILD_DIR),
  });
  expect(built.warnings).toEqual([]);
  const [packed] = JSON.parse((await npm(stage, 'pack', '--json', '--pack-destination', tmp)).stdout) as {
    filename: string;
    files: { path: string }[];
  }[];
  packedFiles = packed!.files.map((file) => file.path);

  installed = path.join(tmp, 'install');
  fs.mkdirSync(installed);
  writeOfflineInstall(
    installed,
    path.join(tmp, packed!.filename),
    manifest,
    path.join(ROOT, 'package-lock.json'),
  );
  await npm(installed, 'ci', '--offline');
  const bin = path.join(installed, 'node_modules', '.bin', 'cutline');
  // From the install's folder, with nothing of the checkout in reach: the bin link is what npm made.
  cutline = (...args: string[]) =>
    run(process.execPath, [bin, ...args], {
      cwd: installed,
      maxBuffer: 1 << 26,
      env: { ...process.env, CUTLINE_FROM_SOURCES: '', NODE_PATH: '' },
    });
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Every file under `dir`, relative to it. */
const filesUnder = (dir: string): string[] =>
  fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() || entry.isSymbolicLink())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));

describe('the packed cutline', () => {
  it('holds the built command, its tier runtime, the profiles and the samples, and no sources', () => {
    expect(packedFiles).toEqual(
      expect.arrayContaining([
        'package.json',
        'bin/cutline.js',
        'bin/cutline-tier.js',
        'dist/cli/cutline-cli.cjs',
        'dist/cli/cutline-tier.cjs',
        'dist/cli/tier-runtime/cutline-tier.mjs',
        'dist/cli/analysis-worker.cjs',
        'dist/renderer/index.html',
        'profiles/topologies/pi4-wifi-edge-wan-cloud.json',
        'samples/resnet-mini.onnx',
      ]),
    );
    expect(packedFiles.filter((file) => /\.(ts|tsx|map)$/.test(file))).toEqual([]);
  });

  it('installs offline with only its run-time dependencies: no tsx, no TypeScript', () => {
    const modules = path.join(installed, 'node_modules');
    expect(fs.existsSync(path.join(modules, 'onnxruntime-node', 'package.json'))).toBe(true);
    expect(fs.existsSync(path.join(modules, 'tsx'))).toBe(false);
    expect(fs.existsSync(path.join(modules, 'typescript'))).toBe(false);
    expect(filesUnder(path.join(modules, manifest.name)).filter((file) => /\.tsx?$/.test(file))).toEqual([]);
  });

  it('prints its help and version', async () => {
    const help = await cutline('--help');
    expect(help.stdout).toMatch(/^Usage: cutline /);
    for (const command of ['analyze', 'solve', 'export', 'harness', 'studio'])
      expect(help.stdout).toContain(command);
    expect((await cutline('--version')).stdout.trim()).toBe(manifest.version);
  });

  it('analyses a sample it ships, exports a three-tier split and runs the harness on it', async () => {
    const model = path.join(installed, 'node_modules', manifest.name, 'samples', 'resnet-mini.onnx');
    const analysis = JSON.parse((await cutline('analyze', model, '--json')).stdout) as {
      layers: { name: string }[];
    };
    expect(analysis.layers).toHaveLength(32);

    const names = analysis.layers.map((layer) => layer.name);
    const placement = Object.fromEntries(
      names.map((name, index) => [name, index < 8 ? 'device' : index < 20 ? 'edge' : 'cloud']),
    );
    const placementFile = path.join(tmp, 'placement.json');
    fs.writeFileSync(placementFile, JSON.stringify(placement));
    const bundle = path.join(tmp, 'bundle');
    const exported = JSON.parse(
      (
        await cutline(
          'export',
          model,
          '-t',
          'pi4-wifi-edge-wan-cloud',
          '--placement',
          placementFile,
          '--out',
          bundle,
          '--json',
        )
      ).stdout,
    ) as { segments: { tier: string }[]; verification: { ok: boolean } };
    expect(exported.segments.map((segment) => segment.tier)).toEqual(['device', 'edge', 'cloud']);
    expect(exported.verification).toMatchObject({ ok: true });
    // The bundle's runtime is the one built into the package (esbuild builds nothing here).
    expect(fs.readFileSync(path.join(bundle, 'runtime', 'cutline-tier.mjs'))).toEqual(
      fs.readFileSync(
        path.join(installed, 'node_modules', manifest.name, 'dist/cli/tier-runtime/cutline-tier.mjs'),
      ),
    );

    const harness = await cutline(
      'harness',
      bundle,
      '--model',
      model,
      '--runs',
      '2',
      '--stream',
      '0',
      '--no-calibrate',
      '--json',
    );
    const summary = JSON.parse(harness.stdout.trim().split('\n').at(-1)!) as unknown;
    expect(summary).toMatchObject({ event: 'summary', summary: { answered: 2, failed: 0, verified: true } });
  });

  it('serves the studio in the browser, its page built in and the bundled sample opened by the built worker', async () => {
    const configDir = fs.mkdtempSync(path.join(tmp, 'config-'));
    const studio = spawn(
      process.execPath,
      [path.join(installed, 'node_modules', '.bin', 'cutline'), 'studio', '--browser', '--no-open'],
      { cwd: installed, env: { ...process.env, [NO_INSTALL_ENV]: '1', CUTLINE_CONFIG_DIR: configDir } },
    );
    try {
      const url = await new Promise<URL>((resolve, reject) => {
        let output = '';
        studio.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          output += chunk;
          const line = output.split('\n').find((text) => text.includes('http://'));
          if (line) resolve(new URL(line.slice(line.indexOf('http://'))));
        });
        studio.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
        studio.once('exit', (code) => reject(new Error(`cutline studio exited (${code}):\n${output}`)));
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<meta name="cutline-token"');
      const client = createWebStudioClient({ baseUrl: url.origin, token: url.searchParams.get('token')! });
      try {
        expect(await client.initialModel()).toMatchObject({
          ok: true,
          model: {
            fileName: 'edge-prune-vehicle.onnx',
            path: path.join(installed, 'node_modules', manifest.name, 'samples', 'edge-prune-vehicle.onnx'),
          },
        });
      } finally {
        client.close();
      }
      const exited = new Promise<number | null>((resolve) => studio.once('exit', resolve));
      studio.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (studio.exitCode === null) studio.kill('SIGKILL');
    }
  });
});
