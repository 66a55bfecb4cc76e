/**
 * Issue 12's fixes, with the real command line, onnxruntime and tier processes: a bundle exported
 * with bound input dimensions keeps its bindings (manifest, verification, README) and its harness
 * sends inputs of those shapes, so every request is answered and verified; a harness run whose
 * requests all fail says so instead of reporting a verified split and a throughput; and a harness
 * the studio started stops, with its tiers, when the studio goes away (its stdin closes).
 */
import { execFile, spawn } from 'node:child_process';
import readline from 'node:readline';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { summaryText } from '../app/cli/harness.js';
import { runHarness, type HarnessEvent } from '../core/bundle/harness.js';
import { parseManifest } from '../core/bundle/manifest.js';
import { modelRefOf, projectOf, writeProject } from './support/project-files.js';

const run = promisify(execFile);
const CLI = path.resolve('bin/cutline.js');
const MODEL = path.resolve('samples/ocr-det-mini.onnx');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-bindings-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** ocr-det-mini split three ways: its layers 40–69 on the edge, 70 on in the cloud. */
async function splitProject(): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, 'analyze', MODEL, '--json']);
  const layers = (JSON.parse(stdout) as { layers: { name: string }[] }).layers.map((l) => l.name);
  expect(layers.length).toBeGreaterThan(70);
  const placement = Object.fromEntries([
    ...layers.slice(40, 70).map((name) => [name, 'edge' as const]),
    ...layers.slice(70).map((name) => [name, 'cloud' as const]),
  ]);
  return writeProject(
    path.join(dir, 'split.cutline.json'),
    projectOf(modelRefOf(MODEL), { topology: { kind: 'bundled', id: 'pi4-wifi-edge-wan-cloud' }, placement }),
  );
}

let bundle = '';

describe('a bundle exported with bound input dimensions', () => {
  it('keeps the bindings in the manifest, verifies with them and its harness answers every request', async () => {
    bundle = path.join(dir, 'bound');
    const exported = await run(process.execPath, [
      CLI,
      'export',
      '--project',
      await splitProject(),
      '--input',
      'x=1x3x64x64',
      '--out',
      bundle,
      '--json',
    ]);
    const summary = JSON.parse(exported.stdout) as {
      segments: { tier: string; bytes: number; file: string }[];
      bindings: Record<string, string>;
      verification: { ok: boolean; outputs: { elements: number }[] };
    };
    expect(summary.segments.map((s) => s.tier)).toEqual(['device', 'edge', 'cloud']);
    for (const segment of summary.segments)
      expect(segment.bytes).toBe(fs.statSync(path.join(bundle, segment.file)).size);
    expect(summary.bindings).toEqual({ x: '1x3x64x64' });
    // Verified on a 64×64 input: the detector's map is 64×64 (with 1×1 it would be 32×32).
    expect(summary.verification.ok).toBe(true);
    expect(summary.verification.outputs[0]!.elements).toBe(64 * 64);
    const manifestPath = path.join(bundle, 'manifest.json');
    const manifest = parseManifest(JSON.parse(fs.readFileSync(manifestPath, 'utf8')), manifestPath);
    expect(manifest.model.bindings).toEqual({ x: '1x3x64x64' });
    expect(fs.readFileSync(path.join(bundle, 'README.md'), 'utf8')).toContain(
      '`x`: float32 1x3x64x64 (bound at export)',
    );

    const harness = await run(process.execPath, [
      CLI,
      'harness',
      bundle,
      '--model',
      MODEL,
      '--json',
      '--runs',
      '3',
      '--stream',
      '4',
      '--no-calibrate',
    ]);
    const events = harness.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as HarnessEvent);
    const requests = events.filter(
      (e): e is Extract<HarnessEvent, { event: 'request' }> => e.event === 'request' && e.index >= 0,
    );
    expect(requests).toHaveLength(7);
    for (const request of requests) {
      expect(request).toMatchObject({ ok: true, fallback: false });
      expect(request.maxAbsDiff).toBeLessThanOrEqual(1e-4);
      expect(request.computeMsPerTier).toHaveLength(3);
      expect(request.hopMs).toHaveLength(2);
    }
    const predicted = events.find((e) => e.event === 'predicted');
    expect(predicted).toMatchObject({
      tiers: ['device', 'edge', 'cloud'],
      planComputeMsPerTier: manifest.plan.predicted.computeMsPerTier,
    });
    const end = events.at(-1)!;
    if (end.event !== 'summary') throw new Error(`expected the summary last, got ${end.event}`);
    expect(end.summary).toMatchObject({ requests: 7, answered: 7, failed: 0, fallbacks: 0, verified: true });
    expect(end.summary.maxAbsDiff).toBeLessThanOrEqual(1e-4);
  });

  it('reports a run whose requests all fail as not verified, with no throughput and no difference', async () => {
    // 1×3×1×1 is what the harness sent before bindings travelled: the device's sub-model refuses it.
    const wrong = new ort.Tensor('float32', new Float32Array(3), [1, 3, 1, 1]);
    const summary = await runHarness({
      bundleDir: bundle,
      model: MODEL,
      runs: 2,
      streamRequests: 3,
      warmup: 1,
      emulateLinks: false,
      inputs: { x: wrong },
    });
    expect(summary).toMatchObject({
      requests: 5,
      answered: 0,
      failed: 5,
      verified: false,
      maxAbsDiff: null,
      measured: { throughputPerS: null },
    });
    const text = summaryText(summary);
    expect(text).toContain('0 answered through the split, 5 failed');
    expect(text).toContain('NOT verified: no request was answered through the split');
    expect(text).not.toContain('equal the whole model');
    expect(text).not.toContain('inferences/s');
  });
});

describe('a harness started by the studio', () => {
  it('stops with its tier processes when the studio goes away (its stdin closes)', async () => {
    const child = spawn(
      process.execPath,
      [
        CLI,
        'harness',
        bundle,
        '--model',
        MODEL,
        '--json',
        '--runs',
        '1000',
        '--stream',
        '0',
        '--no-calibrate',
      ],
      { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, CUTLINE_STOP_WITH_PARENT: '1' } },
    );
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    const tiers: number[] = [];
    await new Promise<void>((resolve) => {
      readline.createInterface({ input: child.stdout }).on('line', (line) => {
        const event = JSON.parse(line) as HarnessEvent;
        if (event.event === 'tier') tiers.push(event.pid);
        if (event.event === 'request' && event.index >= 1) resolve();
      });
    });
    expect(tiers).toHaveLength(3);
    child.stdin.end();
    // Stopped, not finished: 1,000 requests were asked for; it says why it ended.
    expect(await exited).toBe(2);
    for (const pid of tiers) {
      expect(() => process.kill(pid, 0), `tier process ${pid}`).toThrow(
        expect.objectContaining({ code: 'ESRCH' }),
      );
    }
  });
});
