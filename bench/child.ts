/**
 * Runs a benchmark entry (a TypeScript file in bench/) in a fresh Node process through tsx's
 * loader, so its peak RSS (getrusage maxRSS) belongs to the measured work alone.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseOutcome, type ChildOutcome } from './child-protocol.js';

const tsxLoader = import.meta.resolve('tsx');

export function runChild<T>(entry: string, args: readonly string[]): Promise<ChildOutcome<T>> {
  const entryPath = fileURLToPath(new URL(entry, import.meta.url));
  // --expose-gc lets the child collect start-up garbage before it takes its baseline RSS.
  const child = spawn(process.execPath, ['--expose-gc', '--import', tsxLoader, entryPath, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => {
    child.on('error', (error) => resolve({ ok: false, error: `could not start ${entry}: ${error.message}` }));
    child.on('close', (code, signal) => {
      const outcome = parseOutcome<T>(stdout);
      if (outcome) return resolve(outcome);
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const tail = stderr.trim().split('\n').slice(-6).join('\n');
      resolve({ ok: false, error: `${entry} ${how} without a result${tail ? `:\n${tail}` : ''}` });
    });
  });
}
