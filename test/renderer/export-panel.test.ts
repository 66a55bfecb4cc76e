/**
 * The Export tab with external data: what its form sends (the size typed as bytes, empty for
 * automatic, "Compare with the whole model" only with Verify on), what its result says (each
 * segment's data file; a skipped whole-model comparison never worded or coloured as a pass), and
 * the whole path through a real web host: the kv-decoder-mini sample exported from the form with
 * "external data above 1 KiB" lands every segment with its data file, as the bundle has it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setStudioApi } from '../../app/renderer/api/studio-api.js';
import { hostJobs } from '../../app/renderer/actions/job-runner.js';
import {
  exportFromForm,
  exportOptionsOf,
  suggestedExportDir,
} from '../../app/renderer/run/export-actions.js';
import {
  segmentsBytes,
  segmentsCaption,
  segmentWeights,
  verificationLine,
} from '../../app/renderer/run/export-summary.js';
import { exportFormFrom, sizeText, type ExportForm } from '../../app/renderer/run/run-forms.js';
import { selectExportError, selectLastExport } from '../../app/renderer/run/run-slice.js';
import { useStudio } from '../../app/renderer/store/store.js';
import { formatBytes } from '../../app/shared/format.js';
import type { ExportResult } from '../../app/shared/studio-api.js';
import { parseStudioArgs } from '../../app/shared/studio-validate.js';
import { parseManifest } from '../../core/bundle/manifest.js';
import { loadTopology } from '../../core/profiles/load.js';
import { expectOpened, webHostHarness } from '../support/studio-host-fixtures.js';

const SAMPLE = path.resolve('samples/kv-decoder-mini.onnx');
const topology = loadTopology('pi4-wifi-edge-wan-cloud');
const form: ExportForm = { ...exportFormFrom(undefined), outDir: '/b/bundle' };
const state = () => useStudio.getState();

let dir: string;
const hosts = webHostHarness(() => dir);
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-export-panel-'));
});
afterEach(() => hosts.stopAll());
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("the Export tab's Advanced options", () => {
  it('sends the size typed in bytes, nothing when empty, and refuses one that is not a size', () => {
    expect(exportOptionsOf(form)).toEqual({
      outDir: '/b/bundle',
      zip: false,
      force: false,
      verify: true,
      onUnreachable: 'fail',
      serving: 'relay',
    });
    expect(exportOptionsOf({ ...form, serving: 'stock' })).toMatchObject({ serving: 'stock' });
    for (const [typed, bytes] of [
      ['1 KiB', 1024],
      ['1KiB', 1024],
      ['64 MiB', 64 * 1024 ** 2],
      ['1.5GB', 1.5e9],
      [' 4096 ', 4096],
      ['0', 0],
    ] as const) {
      expect(exportOptionsOf({ ...form, externalDataAbove: typed })).toMatchObject({
        externalDataAboveBytes: bytes,
      });
    }
    for (const typed of ['lots', '-5', '1 KB extra', '1e30', '99999999999 TiB']) {
      const options = exportOptionsOf({ ...form, externalDataAbove: typed });
      expect('error' in options && options.error.code).toBe('BAD_REQUEST');
      expect('error' in options && options.error.message).toMatch(
        /^"Write weights as external data above" takes a size such as 64 MiB/,
      );
    }
    // The comparison is forced only when verification runs at all.
    expect(exportOptionsOf({ ...form, verifyWhole: true })).toMatchObject({ verifyWhole: true });
    expect(exportOptionsOf({ ...form, verify: false, verifyWhole: true })).not.toHaveProperty('verifyWhole');
  });

  it('starts again from the last export: the size in the unit that says it exactly', () => {
    expect(sizeText(1024)).toBe('1 KiB');
    expect(sizeText(3 * 1024 ** 3)).toBe('3 GiB');
    expect(sizeText(1536 * 1024)).toBe('1536 KiB');
    expect(sizeText(1000)).toBe('1000');
    expect(sizeText(0)).toBe('0');
    const last = exportFormFrom({
      ...exportArgs(),
      externalDataAboveBytes: 64 * 1024 ** 2,
      verifyWhole: true,
    });
    expect(last).toMatchObject({ externalDataAbove: '64 MiB', verifyWhole: true });
    expect(exportOptionsOf({ ...last, outDir: '/b' })).toMatchObject({
      externalDataAboveBytes: 64 * 1024 ** 2,
    });
  });
});

describe("the export job's serving mode", () => {
  it('takes relay or stock, or none (relay), and refuses anything else at the boundary', () => {
    const start = (args: object) =>
      parseStudioArgs('startJob', ['session-1', { kind: 'export', args: { ...exportArgs(), ...args } }]);
    expect(start({}).ok).toBe(true);
    expect(start({ serving: 'stock' }).ok).toBe(true);
    expect(start({ serving: 'relay' }).ok).toBe(true);
    const refused = start({ serving: 'triton' });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.message).toMatch(/^startJob: args\[1\]\.args\.serving: /);
  });
});

function exportArgs() {
  return {
    topology,
    placement: {},
    pins: [],
    inputs: {},
    objective: 'latency',
    outDir: '/b',
    zip: false,
    force: false,
    onUnreachable: 'fail' as const,
    verify: true,
  };
}

const verification = (
  change: Partial<NonNullable<ExportResult['verification']>>,
): ExportResult['verification'] => ({
  maxAbsDiff: 0,
  outputs: [],
  tolerance: 1e-4,
  ok: true,
  wholeModel: 'compared',
  skippedBecause: null,
  ...change,
});

describe("the Export tab's result", () => {
  it('says plainly that a skipped comparison compared nothing, never as a pass', () => {
    const reason =
      'the whole model needs about 14.2 GB of memory and this machine has 7.9 GB free (tick "Compare with the whole model" under Advanced to compare anyway)';
    const skipped = verificationLine(verification({ wholeModel: 'skipped', skippedBecause: reason }));
    expect(skipped.tone).toBe('skipped');
    expect(skipped.text).toBe(
      `Not compared with the whole model: ${reason}. The segments ran and chained in onnxruntime, so the bundle loads and runs, but its outputs were not checked.`,
    );
    // Its ok: true and difference 0 mean nothing was compared: neither is shown.
    expect(skipped.text).not.toMatch(/Verified|equal|difference|tolerance/);
    expect(skipped.detail).toBeNull();

    const passed = verificationLine(verification({ outputs: ['logits', 'present.0'], maxAbsDiff: 3e-7 }));
    expect(passed).toEqual({
      tone: 'ok',
      text: "Verified: the split's outputs equal the whole model's (largest difference 3.0e-7, within tolerance 1.0e-4, 2 outputs).",
      detail: "Outputs: logits, present.0; tolerance 1e-4 of each output's largest value (at least 1e-4)",
    });
    expect(verificationLine(verification({ ok: false, maxAbsDiff: 0.5, outputs: ['y'] })).tone).toBe('bad');

    // With the rule and where (what the command prints now): rtol and atol, the largest
    // difference absolute and relative; a failure names the output and element it fails at.
    const check = {
      rtol: 1e-4,
      atol: 310,
      worst: { output: 'logits', element: 189, diff: 6, relDiff: 2.7e-7, allowance: 2500, atol: 310 },
      largestAbs: { output: 'logits', element: 189, diff: 6, relDiff: 2.7e-7 },
      largestRel: { output: 'logits', element: 433, diff: 2, relDiff: 1.6e-4 },
    };
    expect(
      verificationLine(verification({ outputs: ['logits'], maxAbsDiff: 6, tolerance: 2500, check })),
    ).toEqual({
      tone: 'ok',
      text: "Verified: the split's outputs equal the whole model's within rtol 1e-4 + atol 3.1e+2 (largest difference 6.0e+0 = 2.7e-7 relative, output logits).",
      detail:
        "Outputs: logits (1 output); each element within atol + rtol × |the whole model's value|; largest relative difference 1.6e-4, output logits, element 433",
    });
    const failed = verificationLine(
      verification({
        ok: false,
        outputs: ['logits'],
        maxAbsDiff: 6,
        tolerance: 1e-5,
        check: { ...check, rtol: 0, atol: 1e-5, worst: { ...check.worst, allowance: 1e-5, atol: 1e-5 } },
      }),
    );
    // The default atol over several outputs, each its own: said as the rule, not one output's number.
    expect(
      verificationLine(
        verification({
          outputs: ['logits', 'boxes'],
          maxAbsDiff: 6,
          tolerance: 2500,
          check: { ...check, atol: null },
        }),
      ).text,
    ).toBe(
      "Verified: the split's outputs equal the whole model's within rtol 1e-4 + atol 1e-5 × the output's largest |value| (at least 1) (largest difference 6.0e+0 = 2.7e-7 relative, output logits).",
    );
    expect(failed.tone).toBe('bad');
    expect(failed.text).toBe(
      "FAILED: output logits, element 189 differs from the whole model's by 6.0e+0 (2.7e-7 relative), above its allowance 1e-5 (rtol 0 + atol 1e-5).",
    );
    expect(verificationLine(null)).toEqual({
      tone: 'off',
      text: 'Not verified (verification was off).',
      detail: null,
    });
  });
});

describe('exporting kv-decoder-mini with external data above 1 KiB, from the form through a real web host', () => {
  it("lands every segment with its data file, as the bundle's manifest lists it", async () => {
    const { client } = await hosts.start({ studio: { exportsDir: path.join(dir, 'bundles') } });
    setStudioApi(client);
    hostJobs();
    await client.eventsConnected();
    const model = expectOpened(
      await client.openBytes('kv-decoder-mini.onnx', new Uint8Array(fs.readFileSync(SAMPLE))),
    );
    state().openFinished({ ok: true, model });
    // The first block on the device, the second on the edge, the head in the cloud.
    const layers = model.partition.units.map((u) => u.name);
    const third = Math.ceil(layers.length / 3);
    const placement = Object.fromEntries(
      layers.slice(third).map((id, i) => [id, i < third ? ('edge' as const) : ('cloud' as const)]),
    );
    state().startDesign(
      {
        placement,
        pins: [],
        topology,
        topologyId: topology.spec.id,
        inputs: {},
        objective: 'latency',
        constraints: [],
      },
      null,
    );
    const outDir = await suggestedExportDir(state().opened!.sessionId);
    await exportFromForm({ ...exportFormFrom(undefined), outDir, externalDataAbove: '1 KiB' });
    expect(selectExportError(state())).toBeNull();
    const record = selectLastExport(state())!;
    expect(record.args.externalDataAboveBytes).toBe(1024);
    const { result } = record;
    expect(result.segments.map((s) => s.tier)).toEqual(['device', 'edge', 'cloud']);
    const manifest = parseManifest(
      JSON.parse(fs.readFileSync(path.join(outDir, 'manifest.json'), 'utf8')),
      'manifest.json',
    );
    result.segments.forEach((segment, i) => {
      const listed = manifest.segments[i]!.data!;
      expect(segment.data).toEqual({ file: listed.file, bytes: listed.bytes });
      expect(fs.statSync(path.join(outDir, listed.file)).size).toBe(listed.bytes);
      expect(segmentWeights(segment)).toBe(`${path.basename(listed.file)} (${formatBytes(listed.bytes)})`);
    });
    expect(segmentsBytes(result.segments)).toBe(
      result.segments.reduce((sum, s) => sum + s.bytes + s.data!.bytes, 0),
    );
    expect(segmentsCaption(result.segments)).toMatch(
      /^3 segments, .+; each with a weights data file to copy with its \.onnx$/,
    );
    // The whole model fits on this machine: compared, and said so as a pass.
    expect(result.verification).toMatchObject({ wholeModel: 'compared', ok: true, skippedBecause: null });
    expect(result.verification?.check).toMatchObject({
      rtol: 1e-4,
      worst: { allowance: result.verification?.tolerance },
    });
    expect(verificationLine(result.verification).tone).toBe('ok');
  }, 180_000);
});
