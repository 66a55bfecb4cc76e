/**
 * A split's outputs are held to 1e-4 of their own scale (core/export/tolerance.ts): the rule
 * itself, then a model whose logits reach about 3e4 exported through the real command line and
 * run by the real harness, both verified and both reporting the tolerance they used. With the
 * old absolute 1e-4 this export failed EXPORT_FAILED on fp32 rounding alone, as deep1k's did.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { summaryText } from '../app/cli/harness.js';
import type { HarnessEvent } from '../core/bundle/harness.js';
import { maxAbsValue, outputTolerance } from '../core/export/compare.js';
import { RELATIVE_TOLERANCE, toleranceFor, withinTolerance, worstCheck } from '../core/export/tolerance.js';
import { bigOutputModelBytes } from './support/big-output-model.js';

const run = promisify(execFile);
const CLI = path.resolve('bin/cutline.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-tolerance-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the tolerance of a split output', () => {
  it('is 1e-4 absolute for outputs within ±1 and 1e-4 of the largest |value| above', () => {
    expect(RELATIVE_TOLERANCE).toBe(1e-4);
    expect(toleranceFor(0)).toBe(1e-4);
    expect(toleranceFor(0.5)).toBe(1e-4);
    expect(toleranceFor(1)).toBe(1e-4);
    expect(toleranceFor(1e29)).toBeCloseTo(1e25, -20);
    // No finite scale (an output of infinities): the absolute floor.
    expect(toleranceFor(Infinity)).toBe(1e-4);
    expect(toleranceFor(NaN)).toBe(1e-4);
    // deep1k: outputs near 1e29, split off by 5e22 from fp32 rounding (relative 5e-7).
    expect(withinTolerance(5e22, toleranceFor(1e29))).toBe(true);
    expect(withinTolerance(2e-4, toleranceFor(0.9))).toBe(false);
    expect(withinTolerance(Infinity, toleranceFor(1e29))).toBe(false);
    expect(withinTolerance(NaN, toleranceFor(1))).toBe(false);
  });

  it("takes an output's scale from its largest finite |element|", () => {
    const tensor = new ort.Tensor('float32', Float32Array.from([2, -3e4, NaN, Infinity, 7]), [5]);
    expect(maxAbsValue(tensor)).toBe(3e4);
    expect(outputTolerance(tensor)).toBeCloseTo(3, 12);
    expect(outputTolerance(new ort.Tensor('float32', new Float32Array(4), [4]))).toBe(1e-4);
    expect(maxAbsValue(new ort.Tensor('int64', BigInt64Array.from([-5n, 3n]), [2]))).toBe(5);
  });

  it('reports the check furthest off relative to its own tolerance', () => {
    const small = { name: 'small', maxAbsDiff: 5e-4, tolerance: 1e-4 }; // 5× over
    const large = { name: 'large', maxAbsDiff: 1, tolerance: 10 }; // within, larger difference
    expect(worstCheck([large, small])).toBe(small);
    expect(worstCheck([large])).toBe(large);
    expect(worstCheck([])).toBeNull();
    // Equal ratios: the larger difference.
    const twice = { name: 'twice', maxAbsDiff: 2, tolerance: 20 };
    expect(worstCheck([large, twice])).toBe(twice);
    expect(worstCheck([large, { name: 'nan', maxAbsDiff: NaN, tolerance: 1 }])?.name).toBe('nan');
  });
});

describe('a model with large outputs', () => {
  it('exports verified within a tolerance of its scale, and its harness run is verified too', async () => {
    const model = path.join(dir, 'big-outputs.onnx');
    fs.writeFileSync(model, bigOutputModelBytes(30));
    const analyzed = await run(process.execPath, [CLI, 'analyze', model, '--json'], { maxBuffer: 1 << 26 });
    const layers = (JSON.parse(analyzed.stdout) as { layers: { name: string }[] }).layers.map((l) => l.name);
    const third = Math.floor(layers.length / 3);
    const placement = path.join(dir, 'placement.json');
    fs.writeFileSync(
      placement,
      JSON.stringify(
        Object.fromEntries(
          layers.map((name, i) => [name, i < third ? 'device' : i < 2 * third ? 'edge' : 'cloud']),
        ),
      ),
    );
    const bundle = path.join(dir, 'bundle');
    const exported = await run(process.execPath, [
      CLI,
      'export',
      model,
      '--topology',
      'pi4-wifi-edge-wan-cloud',
      '--placement',
      placement,
      '--out',
      bundle,
      '--json',
    ]);
    const { segments, verification } = JSON.parse(exported.stdout) as {
      segments: { tier: string }[];
      verification: {
        maxAbsDiff: number;
        tolerance: number;
        ok: boolean;
        outputs: { name: string; maxAbsDiff: number; tolerance: number }[];
      };
    };
    expect(segments.map((s) => s.tier)).toEqual(['device', 'edge', 'cloud']);
    expect(verification.ok).toBe(true);
    // The logits reach about 3e4: the tolerance is theirs, not 1e-4.
    expect(verification.tolerance).toBeGreaterThan(1);
    expect(verification.outputs).toEqual([
      {
        name: 'logits',
        maxAbsDiff: verification.maxAbsDiff,
        tolerance: verification.tolerance,
        elements: 10,
      },
    ]);
    expect(verification.maxAbsDiff).toBeLessThanOrEqual(verification.tolerance);

    const harness = await run(process.execPath, [
      CLI,
      'harness',
      bundle,
      '--model',
      model,
      '--json',
      '--runs',
      '3',
      '--stream',
      '0',
      '--no-calibrate',
    ]);
    const events = harness.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as HarnessEvent);
    const requests = events.filter(
      (e): e is Extract<HarnessEvent, { event: 'request' }> => e.event === 'request' && e.index >= 0,
    );
    expect(requests).toHaveLength(3);
    for (const request of requests) {
      expect(request).toMatchObject({ ok: true, fallback: false });
      expect(request.tolerance).toBeGreaterThan(1);
      expect(request.maxAbsDiff).toBeLessThanOrEqual(request.tolerance!);
    }
    const end = events.at(-1)!;
    if (end.event !== 'summary') throw new Error(`expected the summary last, got ${end.event}`);
    expect(end.summary).toMatchObject({ answered: 3, failed: 0, verified: true });
    // The same whole model on the same inputs as the export's check: the same scale.
    expect(end.summary.tolerance! / verification.tolerance).toBeCloseTo(1, 5);
    expect(summaryText(end.summary)).toContain(`within tolerance ${end.summary.tolerance!.toExponential(2)}`);
  });
});
