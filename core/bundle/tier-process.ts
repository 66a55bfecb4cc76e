/**
 * One tier of a bundle as its own Node process on loopback: started with `bin/cutline-tier.js` (or
 * the bundle's built runtime), ready once it prints its `listening` line; it exits with its parent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CutlineError } from '../errors.js';
import { prebuiltRuntime } from './prebuilt-runtime.js';

const TIER_BIN = fileURLToPath(new URL('../../bin/cutline-tier.js', import.meta.url));
/**
 * tsx looks for a tsconfig.json from the working directory, which is the bundle's: Cutline's own
 * is named instead, so a bundle cannot hand the sources a tsconfig (`paths` could remap imports).
 */
const TSCONFIG = fileURLToPath(new URL('../../tsconfig.json', import.meta.url));
const START_TIMEOUT_MS = 60_000;

export interface TierProcess {
  readonly url: string;
  readonly child: ChildProcess;
}

/** Stderr a tier keeps for its error messages: its last lines, not a flood it may print. */
const STDERR_KEPT_CHARS = 8 * 1024;

export function startTier(
  bundleDir: string,
  tier: string,
  upUrl: string | undefined,
  env: NodeJS.ProcessEnv,
  runtime: 'source' | 'bundle',
): Promise<TierProcess> {
  return new Promise((resolve, reject) => {
    // Absolute, since the tier runs in the bundle's folder.
    const bundle = path.resolve(bundleDir);
    // From a build (the packaged studio), "source" is the build's own tier entry: there is no tsx.
    const bin =
      runtime === 'bundle'
        ? path.join(bundle, 'runtime', 'cutline-tier.mjs')
        : (prebuiltRuntime()?.tierEntry ?? TIER_BIN);
    const args = [bin, '--bundle', bundle, '--tier', tier, '--port', '0', ...(upUrl ? ['--up', upUrl] : [])];
    let stderr = '';
    let settled = false;
    const settle = (error: CutlineError | null, started?: TierProcess): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(started!);
    };
    const lastLines = (): string => stderr.trim().split('\n').slice(-3).join(' ');
    // stdin stays open for the tier's life: when the harness dies, it closes and the tier exits.
    // The bundle's folder as working directory: nothing it loads resolves against the caller's.
    const child = spawn(process.execPath, args, {
      cwd: bundle,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        ...env,
        CUTLINE_EXIT_WITH_PARENT: '1',
        ...(runtime === 'source' ? { TSX_TSCONFIG_PATH: TSCONFIG } : {}),
      },
    });
    // A tier that dies early breaks the pipe; `stopTier` ending stdin then must not throw.
    child.stdin!.on('error', () => undefined);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle(
        new CutlineError(
          'BAD_BUNDLE',
          `The ${tier} tier did not start listening within ${START_TIMEOUT_MS / 1000} s: ${lastLines()}`,
        ),
      );
    }, START_TIMEOUT_MS);
    child.on('error', (error: NodeJS.ErrnoException) => {
      settle(
        new CutlineError(
          'BAD_BUNDLE',
          `The ${tier} tier could not be started in ${bundle} (${error.code ?? error.message}); check that the bundle folder exists and is readable.`,
          { cause: error },
        ),
      );
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEPT_CHARS);
    });
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const message = JSON.parse(line) as { event?: string; url?: string };
        if (message.event === 'listening' && message.url) settle(null, { url: message.url, child });
      } catch {
        // Not a protocol line: ignore.
      }
    });
    child.on('exit', (code, signal) => {
      settle(
        new CutlineError(
          'BAD_BUNDLE',
          `The ${tier} tier exited (${signal ? `signal ${signal}` : `code ${code}`}) before listening: ${lastLines()}`,
        ),
      );
    });
  });
}

/** How long a tier has to close its server and sessions before it is killed. */
const STOP_GRACE_MS = 5_000;

/**
 * Stops a tier and waits until its process has gone: SIGTERM (it closes its server and sessions),
 * its stdin ended, and SIGKILL if it is still there after `STOP_GRACE_MS`.
 */
export function stopTier(tier: TierProcess): Promise<void> {
  const { child } = tier;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.stdin?.end();
    child.kill('SIGTERM');
  });
}
