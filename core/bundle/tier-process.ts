/**
 * One tier of a bundle as its own Node process on loopback: started with `bin/cutline-tier.js` (or
 * the bundle's built runtime), ready once it prints its `listening` line; it exits with its parent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CutlineError } from '../errors.js';

const TIER_BIN = fileURLToPath(new URL('../../bin/cutline-tier.js', import.meta.url));
const START_TIMEOUT_MS = 60_000;

export interface TierProcess {
  readonly url: string;
  readonly child: ChildProcess;
}

export function startTier(
  bundleDir: string,
  tier: string,
  upUrl: string | undefined,
  env: NodeJS.ProcessEnv,
  runtime: 'source' | 'bundle',
): Promise<TierProcess> {
  return new Promise((resolve, reject) => {
    const bin = runtime === 'bundle' ? path.join(bundleDir, 'runtime', 'cutline-tier.mjs') : TIER_BIN;
    const args = [
      bin,
      '--bundle',
      bundleDir,
      '--tier',
      tier,
      '--port',
      '0',
      ...(upUrl ? ['--up', upUrl] : []),
    ];
    // stdin stays open for the tier's life: when the harness dies, it closes and the tier exits.
    const child = spawn(process.execPath, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...env, CUTLINE_EXIT_WITH_PARENT: '1' },
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new CutlineError(
          'BAD_BUNDLE',
          `The ${tier} tier did not start listening within ${START_TIMEOUT_MS / 1000} s: ${stderr.trim().split('\n').slice(-3).join(' ')}`,
        ),
      );
    }, START_TIMEOUT_MS);
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const message = JSON.parse(line) as { event?: string; url?: string };
        if (message.event === 'listening' && message.url) {
          clearTimeout(timer);
          resolve({ url: message.url, child });
        }
      } catch {
        // Not a protocol line: ignore.
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(
        new CutlineError(
          'BAD_BUNDLE',
          `The ${tier} tier exited (code ${code}) before listening: ${stderr.trim().split('\n').slice(-3).join(' ')}`,
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
