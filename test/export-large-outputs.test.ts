/**
 * Issue 15's acceptance for the verification tolerance: a split of a model whose 1,000 logits
 * reach about 1e7 (as ResNet-152's do with random weights) verifies under the relative rule,
 * although fp32 rounding makes it differ from the whole model by far more than the old absolute
 * 1e-4; held to an absolute rule alone it fails, naming the output; and a WRONG split (a weight of
 * the cloud's sub-model changed) still fails, naming the output and the element.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verificationText } from '../app/cli/verification-text.js';
import type { BundleManifest } from '../core/bundle/manifest.js';
import type { SplitVerification } from '../core/export/verify.js';
import { verifySplit } from '../core/export/verify.js';
import type { Segment } from '../core/export/segments.js';
import { decodeModelProto, encodeModelProto } from '../core/onnx/codec.js';
import { LARGE_LOGITS, largeLogitsModelBytes } from './support/large-logits-model.js';

const run = promisify(execFile);
const CLI = path.resolve('bin/cutline.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-large-outputs-'));
const model = path.join(dir, 'large-logits.onnx');
const placement = path.join(dir, 'placement.json');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  fs.writeFileSync(model, largeLogitsModelBytes(30, 300));
  const analyzed = await run(process.execPath, [CLI, 'analyze', model, '--json'], { maxBuffer: 1 << 26 });
  const layers = (JSON.parse(analyzed.stdout) as { layers: { name: string }[] }).layers.map((l) => l.name);
  // Half the blocks on the device, the rest and the head in the cloud.
  const half = Math.floor(layers.length / 2);
  fs.writeFileSync(
    placement,
    JSON.stringify(Object.fromEntries(layers.map((name, i) => [name, i < half ? 'device' : 'cloud']))),
  );
}, 30_000);

const exportArgs = (out: string, ...extra: string[]): string[] => [
  CLI,
  'export',
  model,
  '--topology',
  'pi4-wifi-edge-wan-cloud',
  '--placement',
  placement,
  '--out',
  out,
  ...extra,
];

describe('a split of a model whose logits reach 1e7', () => {
  it('verifies under the relative rule, and fails an absolute 1e-5 naming the output', async () => {
    const bundle = path.join(dir, 'bundle');
    const exported = await run(process.execPath, exportArgs(bundle, '--json'));
    const { verification } = JSON.parse(exported.stdout) as { verification: SplitVerification };
    expect(verification).toMatchObject({ ok: true, wholeModel: 'compared', rtol: 1e-4, atol: null });
    expect(verification.outputs).toMatchObject([{ name: 'logits', elements: LARGE_LOGITS, ok: true }]);
    // The default atol is 1e-5 of the output's largest |value|: the logits reach past 1e6.
    expect(verification.worst!.atol).toBeGreaterThan(10);
    // fp32 rounding alone, far above the old absolute 1e-4 but ~1e-7 of the logits.
    const largest = verification.largestAbs!;
    expect(largest.output).toBe('logits');
    expect(largest.diff).toBeGreaterThan(1e-4);
    expect(largest.diff).toBeLessThan(1e-5 * verification.worst!.atol * 1e5);
    expect(verification.maxAbsDiff).toBeLessThanOrEqual(verification.tolerance);

    // The same split held to an absolute 1e-5 alone: written, but refused, saying where.
    const strict = await run(
      process.execPath,
      exportArgs(path.join(dir, 'strict'), '--rtol', '0', '--atol', '1e-5'),
    ).then(
      () => null,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(strict?.code).toBe(2);
    expect(strict?.stdout).toMatch(/^MISMATCH {2}output logits, element \d+ differs by /m);
    expect(strict?.stdout).toContain('(rtol 0 + atol 1e-5)');
    expect(strict?.stderr).toMatch(
      /EXPORT_FAILED.*output logits, element \d+ differs by .*--rtol and --atol set the tolerance/,
    );
    expect(strict?.stderr.trim().split('\n').at(-1)).toMatch(/EXPORT_FAILED/);
  }, 60_000);

  it('still fails when a weight of a segment is wrong, naming the output and the element', async () => {
    const bundle = path.join(dir, 'tampered');
    await run(process.execPath, exportArgs(bundle, '--no-verify', '--json'));
    const manifest = JSON.parse(
      fs.readFileSync(path.join(bundle, 'manifest.json'), 'utf8'),
    ) as BundleManifest;
    const cloud = manifest.segments.at(-1)!;
    // One weight of the head, as a bad copy or a wrong export would leave it: 1% off.
    const file = path.join(bundle, cloud.file);
    const proto = decodeModelProto(new Uint8Array(fs.readFileSync(file)));
    const weight = proto.graph!.initializer!.find((t) => t.name === 'head.fc.weight')!;
    const raw = weight.rawData!;
    const values = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    values[7 * 16 + 3] = values[7 * 16 + 3]! * 1.01;
    weight.rawData = new Uint8Array(values.buffer);
    fs.writeFileSync(file, encodeModelProto(proto));
    // The manifest vouches for the edited file, as it would for a wrong export: the tiers load it.
    const segments = manifest.segments.map((s) =>
      s.id === cloud.id
        ? { ...s, sha256: createHash('sha256').update(fs.readFileSync(file)).digest('hex') }
        : s,
    );
    fs.writeFileSync(path.join(bundle, 'manifest.json'), JSON.stringify({ ...manifest, segments }, null, 2));

    const parts = manifest.segments.map((s) => ({
      segment: { ...s, tierName: manifest.tiers[s.tier]!.name, stage: 0, nodes: [] } as unknown as Segment,
      file: path.join(bundle, s.file),
    }));
    const verification = await verifySplit(model, parts);
    expect(verification.ok).toBe(false);
    // Logit 7 reads the changed weight: it, and only it, is off.
    expect(verification.worst).toMatchObject({ output: 'logits', element: 7 });
    expect(verification.maxAbsDiff).toBeGreaterThan(verification.tolerance);
    expect(verificationText(verification)).toMatch(
      /^output logits, element 7 differs by \d\.\de[+-]\d+ \(\d\.\de-\d+ relative\), above its allowance \d(\.\d)?e[+-]\d+ \(rtol 1e-4 \+ atol \d(\.\d)?e\+\d+\)$/,
    );

    // The same bundle served by its tiers: every answer differs there, and the harness says where.
    const harness = await run(process.execPath, [
      CLI,
      'harness',
      bundle,
      '--model',
      model,
      '--runs',
      '2',
      '--stream',
      '0',
      '--no-calibrate',
    ]).then(
      () => null,
      (error: { code: number; stdout: string }) => error,
    );
    expect(harness?.code).toBe(1);
    expect(harness?.stdout).toMatch(
      /NOT verified: the 2 answered request\(s\)' outputs DIFFER from the whole model \(furthest off: \S+ where \S+ is allowed, output logits, element 7; rule rtol 1e-4 \+ atol 1e-5 × the output's largest \|value\| \(at least 1\)\)/,
    );
  }, 60_000);
});
