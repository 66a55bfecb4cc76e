/**
 * A split's outputs are held element by element to `atol + rtol · |whole|`, as numpy.allclose
 * holds them (core/export/tolerance.ts, compare.ts): the rule itself (the atol and the rtol
 * regions, NaN, infinities, empty and integer outputs, the flags), then a model whose logits
 * reach about 3e4 exported through the real command line and run by the real harness, both
 * verified and both reporting the rule they used. With the old absolute 1e-4 this export failed
 * EXPORT_FAILED on fp32 rounding alone, as deep1k's did.
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
import { compareOutput, maxAbsValue } from '../core/export/compare.js';
import {
  allowanceFor,
  atolFor,
  DEFAULT_TOLERANCE,
  formatTolerance,
  toleranceWords,
  withinTolerance,
  worstCheck,
} from '../core/export/tolerance.js';
import { parseTolerance } from '../core/export/tolerance-option.js';
import { verificationWords } from '../core/export/verification-words.js';
import { bigOutputModelBytes } from './support/big-output-model.js';
import { expectCode } from './support/expect-code.js';

const run = promisify(execFile);
const CLI = path.resolve('bin/cutline.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-tolerance-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const f32 = (values: readonly number[]): ort.Tensor =>
  new ort.Tensor('float32', Float32Array.from(values), [values.length]);

describe('the element-wise rule', () => {
  it('defaults to rtol 1e-4 and an atol of 1e-5, scaled by outputs larger than 1', () => {
    expect(DEFAULT_TOLERANCE).toEqual({ rtol: 1e-4, atol: null });
    expect(atolFor(DEFAULT_TOLERANCE, 0)).toBe(1e-5);
    expect(atolFor(DEFAULT_TOLERANCE, 0.5)).toBe(1e-5);
    expect(atolFor(DEFAULT_TOLERANCE, 3e7)).toBeCloseTo(300, 9);
    // No finite scale (an output of infinities): the absolute floor.
    expect(atolFor(DEFAULT_TOLERANCE, Infinity)).toBe(1e-5);
    // A user's atol is absolute, whatever the output's scale (numpy's meaning).
    expect(atolFor({ rtol: 1e-4, atol: 0.5 }, 3e7)).toBe(0.5);
    expect(allowanceFor(-200, 1e-4, 1e-5)).toBeCloseTo(0.02001, 12);
    expect(withinTolerance(NaN, 1)).toBe(false);
    expect(withinTolerance(Infinity, 1e30)).toBe(false);
  });

  it('allows atol near zero and rtol·|whole| on large elements, element by element', () => {
    const tolerance = { rtol: 1e-3, atol: 1e-2 };
    // atol region: 0 may differ by 1e-2, not by 2e-2.
    expect(compareOutput(f32([0, 5]), f32([0.009, 5]), tolerance).ok).toBe(true);
    expect(compareOutput(f32([0, 5]), f32([0.02, 5]), tolerance).ok).toBe(false);
    // rtol region: 1000 may differ by 1e-2 + 1 (1.01), 1.5 fails; the small element beside it does not widen.
    expect(compareOutput(f32([1000, 1]), f32([1001, 1]), tolerance).ok).toBe(true);
    const over = compareOutput(f32([1000, 1]), f32([1000, 1.5]), tolerance);
    expect(over.ok).toBe(false);
    // Reported: the largest difference and where, the largest relative one, the deciding element.
    expect(over.largestAbs).toEqual({ element: 1, diff: 0.5, relDiff: 0.5 });
    expect(over.worst).toMatchObject({ element: 1, diff: 0.5, allowance: 0.011 });
    const both = compareOutput(f32([1000, 0.1]), f32([1001, 0.105]), tolerance);
    expect(both.ok).toBe(true);
    expect(both.largestAbs).toMatchObject({ element: 0, diff: 1 });
    expect(both.largestRel.element).toBe(1);
    expect(both.largestRel.relDiff).toBeCloseTo(0.05, 5);
    // The element closest to its allowance decides: 1 of 1.01 allowed, not 0.005 of 0.0101.
    expect(both.worst.element).toBe(0);
  });

  it('holds the worst element to its own allowance, so the report never contradicts the verdict', () => {
    // Element 0 is off by the most, element 1 is the one over its allowance.
    const result = compareOutput(f32([1e4, 0]), f32([1e4 + 0.5, 0.02]), { rtol: 1e-4, atol: 1e-2 });
    expect(result.ok).toBe(false);
    expect(result.largestAbs.element).toBe(0);
    expect(result.worst).toMatchObject({ element: 1, allowance: 1e-2 });
    expect(withinTolerance(result.worst.diff, result.worst.allowance)).toBe(false);
    const words = verificationWords({
      ok: false,
      rtol: 1e-4,
      atol: 1e-2,
      worst: { output: 'y', ...result.worst, atol: 1e-2 },
      largestAbs: { output: 'y', ...result.largestAbs },
    });
    expect(words).toMatch(
      /^output y, element 1 differs by 2\.0e-2 \(unbounded \(the whole model has 0 there\) relative\), above its allowance 1e-2 \(rtol 1e-4 \+ atol 1e-2\)$/,
    );
  });

  it('equals NaN to NaN in the same place, and an infinity only to the same one', () => {
    expect(compareOutput(f32([NaN, 1]), f32([NaN, 1])).ok).toBe(true);
    expect(compareOutput(f32([NaN, 1]), f32([1, 1])).ok).toBe(false);
    expect(compareOutput(f32([1, 1]), f32([NaN, 1])).ok).toBe(false);
    expect(compareOutput(f32([Infinity, -Infinity]), f32([Infinity, -Infinity])).ok).toBe(true);
    const flipped = compareOutput(f32([Infinity, 0]), f32([-Infinity, 0]));
    expect(flipped.ok).toBe(false);
    expect(flipped.worst).toMatchObject({ element: 0, diff: Infinity });
    expect(compareOutput(f32([3e38, 0]), f32([Infinity, 0])).ok).toBe(false);
  });

  it('passes empty outputs and fails a shape or type that differs', () => {
    const empty = new ort.Tensor('float32', new Float32Array(0), [0, 4]);
    expect(compareOutput(empty, empty)).toMatchObject({ ok: true, elements: 0, worst: { element: -1 } });
    expect(compareOutput(f32([1, 2]), new ort.Tensor('float32', Float32Array.from([1, 2]), [2, 1])).ok).toBe(
      false,
    );
    expect(compareOutput(f32([1, 2]), new ort.Tensor('float64', Float64Array.from([1, 2]), [2])).ok).toBe(
      false,
    );
  });

  it('compares integer, boolean and string outputs exactly', () => {
    const ints = (values: bigint[]): ort.Tensor =>
      new ort.Tensor('int64', BigInt64Array.from(values), [values.length]);
    expect(compareOutput(ints([5n, 100000000n]), ints([5n, 100000000n])).ok).toBe(true);
    // 1 in 1e8 would pass any relative rule: an index or a count is right or wrong.
    const offByOne = compareOutput(ints([5n, 100000000n]), ints([5n, 100000001n]), { rtol: 1, atol: 1 });
    expect(offByOne).toMatchObject({
      ok: false,
      exact: true,
      rtol: 0,
      atol: 0,
      worst: { element: 1, diff: 1 },
    });
    const bools = (values: number[]): ort.Tensor =>
      new ort.Tensor('bool', Uint8Array.from(values), [values.length]);
    expect(compareOutput(bools([1, 0]), bools([1, 1])).ok).toBe(false);
    const strings = (values: string[]): ort.Tensor => new ort.Tensor('string', values, [values.length]);
    expect(compareOutput(strings(['a', 'b']), strings(['a', 'b'])).ok).toBe(true);
    expect(compareOutput(strings(['a', 'b']), strings(['a', 'c'])).worst).toMatchObject({
      element: 1,
      diff: Infinity,
    });
  });

  it("takes an output's scale from its largest finite |element|", () => {
    const tensor = f32([2, -3e4, NaN, Infinity, 7]);
    expect(maxAbsValue(tensor)).toBe(3e4);
    expect(compareOutput(tensor, tensor).atol).toBeCloseTo(0.3, 12);
    expect(maxAbsValue(new ort.Tensor('int64', BigInt64Array.from([-5n, 3n]), [2]))).toBe(5);
  });

  it('reports the check furthest off relative to its own allowance', () => {
    const small = { name: 'small', maxAbsDiff: 5e-4, tolerance: 1e-4 }; // 5× over
    const large = { name: 'large', maxAbsDiff: 1, tolerance: 10 }; // within, larger difference
    expect(worstCheck([large, small])).toBe(small);
    expect(worstCheck([large])).toBe(large);
    expect(worstCheck([])).toBeNull();
    // Equal ratios: the larger difference.
    const twice = { name: 'twice', maxAbsDiff: 2, tolerance: 20 };
    expect(worstCheck([large, twice])).toBe(twice);
    expect(worstCheck([large, { name: 'nan', maxAbsDiff: NaN, tolerance: 1 }])?.name).toBe('nan');
    // Exact outputs allow 0: any difference is infinitely over.
    expect(worstCheck([large, { name: 'int', maxAbsDiff: 1, tolerance: 0 }])?.name).toBe('int');
  });

  it('reads --rtol and --atol as finite numbers of 0 or more', () => {
    expect(parseTolerance(undefined, undefined)).toEqual(DEFAULT_TOLERANCE);
    expect(parseTolerance('1e-3', '0')).toEqual({ rtol: 1e-3, atol: 0 });
    for (const [rtol, atol, flag] of [
      ['-1', undefined, '--rtol'],
      ['abc', undefined, '--rtol'],
      [undefined, 'Infinity', '--atol'],
      [undefined, '', '--atol'],
      [undefined, 'NaN', '--atol'],
    ] as const) {
      const error = expectCode(() => parseTolerance(rtol, atol), 'BAD_CONSTRAINT');
      expect(error.message.startsWith(`${flag} takes a finite number of 0 or more`)).toBe(true);
      expect(error.message).not.toContain('\n');
    }
    expect(toleranceWords(1e-4, null)).toBe(
      "rtol 1e-4 + atol 1e-5 × the output's largest |value| (at least 1)",
    );
    expect(toleranceWords(2.5e-4, 300)).toBe('rtol 2.5e-4 + atol 3e+2');
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
        rtol: number;
        atol: number | null;
        ok: boolean;
        worst: { output: string; element: number; diff: number; allowance: number; atol: number };
        largestAbs: { output: string; element: number; diff: number; relDiff: number };
        outputs: { name: string; maxAbsDiff: number; atol: number; ok: boolean; elements: number }[];
      };
    };
    expect(segments.map((s) => s.tier)).toEqual(['device', 'edge', 'cloud']);
    expect(verification).toMatchObject({ ok: true, rtol: 1e-4, atol: null });
    // The logits reach about 3e4: the absolute term is theirs (1e-5 of 3e4), not 1e-5.
    expect(verification.worst.atol).toBeGreaterThan(0.1);
    expect(verification.outputs).toMatchObject([
      {
        name: 'logits',
        ok: true,
        elements: 10,
        atol: verification.worst.atol,
        maxAbsDiff: verification.largestAbs.diff,
      },
    ]);
    // Rounding alone: more than the old absolute 1e-4, within each element's allowance.
    expect(verification.largestAbs.diff).toBeGreaterThan(1e-4);
    expect(verification.maxAbsDiff).toBe(verification.worst.diff);
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
      expect(request.tolerance).toBeGreaterThan(0.1);
      expect(request.maxAbsDiff).toBeLessThanOrEqual(request.tolerance!);
      if (request.maxAbsDiff! > 0) expect(request).toMatchObject({ output: 'logits' });
    }
    const end = events.at(-1)!;
    if (end.event !== 'summary') throw new Error(`expected the summary last, got ${end.event}`);
    expect(end.summary).toMatchObject({ answered: 3, failed: 0, verified: true, rtol: 1e-4, atol: null });
    // The same whole model on the same inputs as the export's check: the same deciding element.
    expect(end.summary.tolerance! / verification.tolerance).toBeCloseTo(1, 5);
    expect(summaryText(end.summary)).toContain(
      `(within rtol 1e-4 + atol 1e-5 × the output's largest |value| (at least 1); ${
        end.summary.maxAbsDiff === 0
          ? 'every element identical'
          : `furthest off: ${end.summary.maxAbsDiff!.toExponential(1)} where ${formatTolerance(end.summary.tolerance!)} is allowed, output logits, element ${end.summary.element}`
      })`,
    );
  });
});
