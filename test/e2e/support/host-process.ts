/**
 * The studio's web host as a separate process, the way `npm start` runs it on a machine without
 * Electron (`cutline studio --browser --no-open`), with a config folder and port the test
 * chooses, so a test can kill it (SIGKILL: no chance to clean up) and start it again on the same
 * folder and port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const CUTLINE_BIN = path.resolve('bin/cutline.js');
const URL_PATTERN = /(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/;

export interface HostProcess {
  /** `http://127.0.0.1:PORT/?token=…` of this launch (a new token on every launch). */
  readonly url: string;
  readonly pid: number;
  /** Kills the process with SIGKILL and waits until it has gone. */
  kill(): Promise<void>;
  /** Stops it as Ctrl+C does (SIGTERM) and waits until it has gone. */
  stop(): Promise<void>;
}

/** A port free right now on 127.0.0.1, for a host that must come back on the same one. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Starts `cutline studio --browser --no-open --no-build --port PORT` with `CUTLINE_CONFIG_DIR`
 * set to `configDir`, resolving once it prints its URL (rejecting with its output if it exits
 * first).
 */
export function startHostProcess(options: { configDir: string; port: number }): Promise<HostProcess> {
  const child = spawn(
    process.execPath,
    [CUTLINE_BIN, 'studio', '--browser', '--no-open', '--no-build', '--port', String(options.port)],
    {
      env: { ...process.env, CUTLINE_CONFIG_DIR: options.configDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const url = URL_PATTERN.exec(output)?.[1];
      if (!url) return;
      child.stdout!.off('data', onData);
      child.off('exit', onEarlyExit);
      // Keep draining the pipes so the host never blocks on a full one.
      child.stdout!.resume();
      child.stderr!.resume();
      resolve({
        url,
        pid: child.pid!,
        async kill() {
          child.kill('SIGKILL');
          await exited(child);
        },
        async stop() {
          child.kill('SIGTERM');
          await exited(child);
        },
      });
    };
    const onEarlyExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      reject(new Error(`cutline studio exited (${signal ?? code}) before printing its URL:\n${output}`));
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', onEarlyExit);
  });
}
