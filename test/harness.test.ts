/**
 * The live test harness and the tier runtime as real processes on loopback: three tiers with
 * emulated links answer as the whole model does, each link's measured transfer matches what the
 * emulated link should take, the end-to-end latency matches the prediction made with a profile
 * calibrated on this machine, and a tier killed mid-stream is reported for every request.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHarness } from '../core/bundle/harness.js';
import { loadDeviceProfile } from '../core/profiles/load.js';
import { summaryText } from '../app/cli/harness.js';
import type { WrittenBundle } from '../core/bundle/write-bundle.js';
import { exportVehicleChain, writeN2Topology } from './support/vehicle-bundle.js';
import { createTierClient } from '../core/runtime/oip/client.js';
import { fromOrtTensor } from '../core/runtime/oip/ort-tensor.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const MODEL = path.join(ROOT, 'samples', 'edge-prune-vehicle.onnx');
let work: string;

/** The vehicle CNN split device (L1) → edge (L2) → cloud (dense layers). */
function exportChain(out: string, onUnreachable: 'fail' | 'local'): Promise<WrittenBundle> {
  return exportVehicleChain(out, writeN2Topology(work), onUnreachable);
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-harness-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('live harness', () => {
  it('runs three tier processes with emulated links: verified, transfers and latency as predicted', async () => {
    const bundle = await exportChain(path.join(work, 'chain'), 'fail');
    // Run the bundle's own built runtime, its onnxruntime-node taken from this checkout.
    fs.mkdirSync(path.join(bundle.dir, 'runtime', 'node_modules'), { recursive: true });
    fs.symlinkSync(
      path.join(ROOT, 'node_modules', 'onnxruntime-node'),
      path.join(bundle.dir, 'runtime', 'node_modules', 'onnxruntime-node'),
    );
    const events: string[] = [];
    const pids: number[] = [];
    const summary = await runHarness({
      bundleDir: bundle.dir,
      // The bundle carries no whole model (no local fallback): the harness compares with the source.
      model: MODEL,
      runs: 15,
      streamRequests: 12,
      emulateLinks: true,
      calibrate: true,
      runtime: 'bundle',
      onEvent: (e) => {
        events.push(e.event);
        if (e.event === 'tier') pids.push(e.pid);
      },
    });
    expect(events.filter((e) => e === 'tier')).toHaveLength(3);
    // When the harness returns, its tier processes have gone (none lingers holding ports or memory).
    const alive = pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
    expect(events.filter((e) => e === 'link')).toHaveLength(2);
    expect(summary.failed).toBe(0);
    expect(summary.verified).toBe(true);
    expect(summary.maxAbsDiff).toBeLessThanOrEqual(1e-5);
    for (const hop of summary.hops) {
      const emulatedMs = hop.emulatedMs!;
      const error = (hop.measuredMs - emulatedMs) / emulatedMs;
      console.log(
        `[harness] link ${hop.from} ↔ ${hop.to}: measured ${hop.measuredMs.toFixed(2)} ms, bytes/bandwidth + RTT ${emulatedMs.toFixed(2)} ms (${(100 * error).toFixed(1)}%), cost model ${hop.predictedMs.toFixed(2)} ms`,
      );
      // The emulator holds each message for its bytes/bandwidth + RTT, so a link is never faster
      // than that (less 10% for the timers' granularity and the fixed transfer estimate); it may be
      // slower when other processes share the cores (a 10% bound failed in CI under load; the
      // figure is printed above), but not by half again.
      expect(error).toBeGreaterThanOrEqual(-0.1);
      expect(error).toBeLessThanOrEqual(0.5);
    }
    // Accounting: the device's time less its time on the links is the tiers' compute plus the
    // runtime's small costs, though the links take far longer than the compute here.
    const compute = summary.measured.computeMsPerTier.reduce((a, b) => a + b, 0);
    const links = summary.hops.reduce((a, h) => a + h.measuredMs, 0);
    console.log(
      `[harness] device less links ${summary.measured.deviceLessLinksMs.toFixed(2)} ms, tiers' compute ${compute.toFixed(2)} ms, links ${links.toFixed(2)} ms`,
    );
    expect(links).toBeGreaterThan(5 * compute);
    expect(summary.measured.deviceLessLinksMs).toBeGreaterThanOrEqual(0.9 * compute);
    expect(summary.measured.deviceLessLinksMs).toBeLessThanOrEqual(1.5 * compute + 2);
    const predicted = summary.predicted.hostLatencyMs!;
    const error = (summary.measured.latencyMs - predicted) / predicted;
    console.log(
      `[harness] end to end: measured ${summary.measured.latencyMs.toFixed(2)} ms (median of 15), predicted with the calibrated host profile ${predicted.toFixed(2)} ms (${(100 * error).toFixed(1)}%); stream ${summary.measured.throughputPerS?.toFixed(1)} inferences/s`,
    );
    // Links dominate the prediction and cannot run faster than emulated; a loaded machine only
    // adds time, so the upper bound is loose (the accuracy is printed above).
    expect(error).toBeGreaterThanOrEqual(-0.15);
    expect(error).toBeLessThanOrEqual(0.5);
  });

  it('counts requests the device answered alone (cloud killed, local fallback) and leaves them out of the figures', async () => {
    const bundle = await exportChain(path.join(work, 'chain-local'), 'local');
    const pids: Record<string, number> = {};
    const fallbackEvents: number[] = [];
    let run = 0;
    const summary = await runHarness({
      bundleDir: bundle.dir,
      runs: 8,
      warmup: 1,
      emulateLinks: false,
      hostProfile: loadDeviceProfile('i7-8650u-edge'),
      onEvent: (e) => {
        if (e.event === 'tier') pids[e.tier] = e.pid;
        if (e.event === 'request' && e.fallback) fallbackEvents.push(e.index);
      },
      // Three requests through the split, then the cloud dies: the rest fall back to the device.
      beforeEachRun: async () => {
        if (run++ === 3) {
          process.kill(pids.cloud!, 'SIGKILL');
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      },
    });
    console.log(
      `[harness] cloud killed after 3 of 8: ${summary.failed} failed, ${summary.fallbacks} answered by the device alone, cloud compute ${summary.measured.computeMsPerTier[2]!.toFixed(3)} ms`,
    );
    expect(summary.failed).toBe(0);
    expect(summary.fallbacks).toBe(5);
    expect(fallbackEvents).toEqual([3, 4, 5, 6, 7]);
    expect(summary.maxAbsDiff).toBeLessThanOrEqual(1e-5);
    // Not a verified split: most answers never went through it.
    expect(summary.verified).toBe(false);
    // The figures come from the three split requests only: the cloud's compute is not diluted to 0.
    expect(summary.measured.computeMsPerTier[2]!).toBeGreaterThan(0);
    expect(summary.hops.every((h) => h.measuredMs > 0)).toBe(true);
    // Links not emulated: loopback carried the tensors, so no link figure for this host and no
    // link time in its end-to-end prediction, only the tiers' compute.
    expect(summary.hops.map((h) => h.emulatedMs)).toEqual([null, null]);
    const compute = summary.predicted.hostComputeMsPerTier!.reduce((a, b) => a + b, 0);
    expect(summary.predicted.hostLatencyMs).toBeCloseTo(compute, 9);
    const table = summaryText(summary);
    expect(table.split('\n').filter((line) => line.includes('not emulated'))).toHaveLength(2);
    expect(table).not.toMatch(/emulated \d/);
  });

  it('fails a request whose answer lacks one of the whole model’s outputs, naming it', async () => {
    const bundle = await exportChain(path.join(work, 'chain-missing-output'), 'fail');
    // The tiers return the manifest's model outputs: list one fewer than the model has.
    const manifestPath = path.join(bundle.dir, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as {
      model: { outputs: { name: string }[] };
    };
    const dropped = manifest.model.outputs.pop()!.name;
    fs.writeFileSync(manifestPath, JSON.stringify(manifest));
    const errors: string[] = [];
    const summary = await runHarness({
      bundleDir: bundle.dir,
      model: MODEL,
      runs: 2,
      warmup: 0,
      emulateLinks: false,
      onEvent: (e) => {
        if (e.event === 'request' && e.error !== undefined) errors.push(e.error);
      },
    });
    expect(summary.failed).toBe(2);
    expect(summary.answered).toBe(0);
    expect(summary.verified).toBe(false);
    expect(errors).toEqual(Array(2).fill(`The split's answer lacks the model's output "${dropped}".`));
  });
});

interface Tier {
  readonly url: string;
  readonly child: ChildProcess;
}

/** Files of onnxruntime's usage telemetry that process `pid` holds open (Linux: /proc). */
function telemetryFiles(pid: number): string[] {
  const dir = `/proc/${pid}/fd`;
  return fs
    .readdirSync(dir)
    .map((fd) => {
      try {
        return fs.readlinkSync(path.join(dir, fd));
      } catch {
        return '';
      }
    })
    .filter((target) => /onnxruntime\.db|mat-debug-/.test(target));
}

function startTier(dir: string, tier: string, token: string, up?: string): Promise<Tier> {
  return new Promise((resolve, reject) => {
    const args = [
      path.join(ROOT, 'bin', 'cutline-tier.js'),
      '--bundle',
      dir,
      '--tier',
      tier,
      '--port',
      '0',
      ...(up ? ['--up', up] : []),
    ];
    // Without the test run's ORT_DISABLE_TELEMETRY: the tier must turn onnxruntime's telemetry off itself.
    const env = { ...process.env };
    delete env.ORT_DISABLE_TELEMETRY;
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...env, CUTLINE_TOKEN: token },
    });
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const message = JSON.parse(line) as { event: string; url: string };
      if (message.event === 'listening') resolve({ url: message.url, child });
    });
    child.on('exit', (code) => reject(new Error(`${tier} exited with ${code}`)));
  });
}

describe('tier chain under load', () => {
  it('1,000 requests from 8 concurrent clients through device → edge → cloud, zero errors', async () => {
    const bundle = await exportChain(path.join(work, 'load'), 'fail');
    const token = 'another-shared-secret-of-the-tiers';
    const cloud = await startTier(bundle.dir, 'cloud', token);
    const edge = await startTier(bundle.dir, 'edge', token, cloud.url);
    const device = await startTier(bundle.dir, 'device', token, edge.url);
    try {
      const input = new ort.Tensor(
        'float32',
        Float32Array.from({ length: 3 * 96 * 96 }, (_, i) => Math.cos(i)),
        [1, 3, 96, 96],
      );
      const whole = await ort.InferenceSession.create(MODEL);
      const expected = (await whole.run({ input })).probabilities!.data as Float32Array;
      await whole.release();
      let errors = 0;
      let wrong = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          const client = createTierClient({ baseUrl: device.url, token, timeoutMs: 30_000 });
          for (let r = 0; r < 125; r++) {
            try {
              const result = await client.infer('vehicle', [fromOrtTensor('input', input)]);
              const got = result.outputs[0]!.data as Float32Array;
              if (got.some((v, i) => Math.abs(v - expected[i]!) > 1e-5)) wrong++;
            } catch {
              errors++;
            }
          }
          client.close();
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `[harness] 1,000 requests, 8 clients, 3 tiers: ${errors} errors, ${wrong} wrong answers, ${(1000 / seconds).toFixed(0)} requests/s`,
      );
      expect(errors).toBe(0);
      expect(wrong).toBe(0);
      // onnxruntime-node's telemetry keeps a SQLite queue (~/.cache/…/onnxruntime.db) and a
      // /tmp/mat-debug-<pid>.log open in every process that uses it; a tier must have neither.
      for (const tier of [device, edge, cloud]) expect(telemetryFiles(tier.child.pid!)).toEqual([]);
    } finally {
      for (const tier of [device, edge, cloud]) tier.child.kill('SIGTERM');
    }
  });
});

describe('tier failure', () => {
  for (const onUnreachable of ['fail', 'local'] as const) {
    it(`edge killed mid-stream (${onUnreachable}): every request is answered or reported, none lost`, async () => {
      const bundle = await exportChain(path.join(work, `kill-${onUnreachable}`), onUnreachable);
      const token = 'a-shared-secret-of-the-test-tiers';
      const cloud = await startTier(bundle.dir, 'cloud', token);
      const edge = await startTier(bundle.dir, 'edge', token, cloud.url);
      const device = await startTier(bundle.dir, 'device', token, edge.url);
      try {
        const client = createTierClient({ baseUrl: device.url, token, timeoutMs: 20_000 });
        const input = fromOrtTensor(
          'input',
          new ort.Tensor('float32', new Float32Array(3 * 96 * 96).fill(0.5), [1, 3, 96, 96]),
        );
        const total = 40;
        let answered = 0;
        let fallbacks = 0;
        const failures: string[] = [];
        let next = 0;
        await Promise.all(
          Array.from({ length: 4 }, async () => {
            while (next < total) {
              const index = next++;
              if (index === 10) edge.child.kill('SIGKILL');
              try {
                const result = await client.infer('vehicle', [input]);
                answered++;
                if (result.parameters.cutline_fallback === true) fallbacks++;
              } catch (error) {
                failures.push((error as Error).message);
              }
            }
          }),
        );
        client.close();
        console.log(
          `[harness] ${onUnreachable}: ${answered} answered (${fallbacks} by the device alone), ${failures.length} reported; first report: ${failures[0] ?? '-'}`,
        );
        expect(answered + failures.length).toBe(total);
        if (onUnreachable === 'fail') {
          expect(failures.length).toBeGreaterThan(0);
          for (const message of failures)
            expect(message).toMatch(/TIER_UNREACHABLE|refused|closed the connection|reset/);
        } else {
          expect(failures).toEqual([]);
          expect(fallbacks).toBeGreaterThan(0);
        }
      } finally {
        for (const tier of [device, edge, cloud]) tier.child.kill('SIGTERM');
      }
    });
  }
});
