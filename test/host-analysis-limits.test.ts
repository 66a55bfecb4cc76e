/**
 * The analysis processes of the studio host (issue 13, point 3): an open's process is killed at
 * its time budget (ANALYSIS_TIME_LIMIT), closing a session or the host ends its process, and a
 * host killed outright leaves no analysis behind, not even one busy in an analysis (it has no
 * event loop free to hear that its host went). Real processes, found with `ps`; the analysis
 * that never ends is the test hook of app/host/worker/test-hooks.ts (`hang:stall.onnx`).
 */
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TEST_HOOK_ENV } from '../app/host/worker/test-hooks.js';
import { expectOpened, studioHostHarness, tinyModel } from './support/studio-host-fixtures.js';

const { dir, newHost } = studioHostHarness('cutline-analysis-limits-');
const REPO = path.join(import.meta.dirname, '..');
const HANG = { [TEST_HOOK_ENV]: 'hang:stall.onnx' };

/** Live (not zombie) analysis processes started by process `pid` (not tsx's esbuild, not `ps`). */
function childrenOf(pid: number): number[] {
  let out: string;
  try {
    out = execFileSync('ps', ['-o', 'pid=,stat=,args=', '--ppid', String(pid)], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when there are none
  }
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(
      ([child, stat, ...args]) =>
        child && !stat?.startsWith('Z') && args.join(' ').includes('analysis-worker'),
    )
    .map(([child]) => Number(child));
}

/** Whether process `pid` is still running (an unreaped zombie has ended). */
function running(pid: number): boolean {
  try {
    return !execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' })
      .trim()
      .startsWith('Z');
  } catch {
    return false;
  }
}

describe('an analysis process', () => {
  it('is killed at the open time budget: ANALYSIS_TIME_LIMIT names the file, the host opens the next', async () => {
    const host = newHost({ analysis: { openTimeoutMs: 4_000, childEnv: HANG } });
    await expect.poll(() => childrenOf(process.pid)).toHaveLength(1);
    const [spinning] = childrenOf(process.pid);
    const result = await host.openBytes('stall.onnx', tinyModel());
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'ANALYSIS_TIME_LIMIT',
        message:
          'stall.onnx was not analysed within 4.0 s, so its analysis was stopped; the model open before it stays open. A model this slow to analyse may be malformed: check it with `cutline analyze` on the command line.',
      },
    });
    expect(running(spinning!)).toBe(false);
    expectOpened(await host.openBytes('tiny.onnx', tinyModel()));
  });

  it('ends with its session, and every one ends with the host', async () => {
    const host = newHost();
    await expect.poll(() => childrenOf(process.pid)).toHaveLength(1);
    // The idle process started ahead is the one the open takes.
    const [sessionProcess] = childrenOf(process.pid);
    const opened = expectOpened(await host.openSample('resnet-mini'));
    expect(childrenOf(process.pid)).toContain(sessionProcess);
    await host.closeSession(opened.sessionId);
    expect(running(sessionProcess!)).toBe(false);
    await expect.poll(() => childrenOf(process.pid)).toHaveLength(1); // the idle one
    await host.close();
    expect(childrenOf(process.pid)).toEqual([]);
  });

  it('does not outlive a host killed outright, even while busy in an analysis', async () => {
    // A web host in a process of its own, which says when the analysis has read the file.
    const server = pathToFileURL(path.join(REPO, 'app/host/web/server.ts')).href;
    const script = `
      const { startWebHost } = await import(${JSON.stringify(server)});
      const web = await startWebHost({ studio: { configDir: ${JSON.stringify(dir)}, analysis: { childEnv: ${JSON.stringify(HANG)} } } });
      web.host.onProgress((event) => { if (event.stage === 'read') console.log('read'); });
      console.log(JSON.stringify({ port: web.port, token: web.token }));
    `;
    const host = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => host.once('exit', resolve));
    try {
      const lines = createInterface({ input: host.stdout! })[Symbol.asyncIterator]();
      const { port, token } = JSON.parse((await lines.next()).value as string) as {
        port: number;
        token: string;
      };
      const upload = fetch(`http://127.0.0.1:${port}/api/openBytes?name=stall.onnx`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/octet-stream', 'X-Cutline-Token': token },
        body: tinyModel(),
      }).catch(() => null); // the host is killed before it answers
      expect((await lines.next()).value).toBe('read');
      // The busy one and the idle one started ahead for the next open.
      await expect.poll(() => childrenOf(host.pid!)).toHaveLength(2);
      const analyses = childrenOf(host.pid!);
      host.kill('SIGKILL');
      await exited;
      await expect.poll(() => analyses.filter(running), { timeout: 10_000 }).toEqual([]);
      expect(await upload).toBeNull();
    } finally {
      host.kill('SIGKILL'); // a failed check must not leave the host running
    }
  });
});
