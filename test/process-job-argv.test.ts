/**
 * The command lines of the host's process jobs: a path the page sends never reaches `cutline` as
 * something its option parser could read as a flag; the export's Advanced choices become
 * `--external-data-above BYTES` and `--verify-whole` only when chosen.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportPlan, harnessPlan, type SessionModel } from '../app/host/process-job-kinds.js';
import { profilePlan } from '../app/host/profile-job.js';
import type { ExportArgs, ProfileArgs } from '../app/shared/studio-api.js';
import { parseStudioArgs } from '../app/shared/studio-validate.js';
import { loadTopology } from '../core/profiles/load.js';

const model: SessionModel = {
  path: '/m/model.onnx',
  fileName: 'model.onnx',
  sha256: '0'.repeat(64),
  inputs: {},
};
const exportArgs: ExportArgs = {
  topology: loadTopology('n2-wifi-i7'),
  placement: {},
  pins: [],
  inputs: {},
  objective: 'latency',
  outDir: '/b/bundle',
  zip: false,
  force: false,
  onUnreachable: 'fail',
  verify: true,
};

/** The export's argv after its project file (a temp path): the flags the page's choices make. */
function exportFlags(args: ExportArgs): string[] {
  const plan = exportPlan(model, args);
  try {
    return plan.argv.slice(3);
  } finally {
    fs.rmSync(plan.tempDir, { recursive: true, force: true });
  }
}

describe('process job command lines', () => {
  it('give the harness its bundle folder as an absolute path, even one named like an option', () => {
    for (const bundleDir of ['--help', '--inputs=/etc/passwd', '-V', 'bundles/b']) {
      const plan = harnessPlan(
        { bundleDir, runs: 1, stream: 0, emulateLinks: false, calibrate: false },
        'models/m.onnx',
      );
      try {
        expect(plan.argv[0]).toBe('harness');
        expect(plan.argv[1]).toBe(path.resolve(bundleDir));
        expect(path.isAbsolute(plan.argv[1]!)).toBe(true);
        expect(plan.argv).not.toContain(bundleDir);
        // The session's model, the whole model to compare with when the bundle carries none.
        expect(plan.argv.slice(-2)).toEqual(['--model', path.resolve('models/m.onnx')]);
      } finally {
        fs.rmSync(plan.tempDir, { recursive: true, force: true });
      }
    }
  });

  it("pass the export's external-data size in bytes and --verify-whole only when asked", () => {
    const base = ['--out', '/b/bundle', '--json', '--on-unreachable', 'fail'];
    expect(exportFlags(exportArgs)).toEqual(base);
    expect(exportFlags({ ...exportArgs, externalDataAboveBytes: 1024, verifyWhole: true })).toEqual([
      ...base,
      '--verify-whole',
      '--external-data-above',
      '1024',
    ]);
    // 0 is a size (every model's weights of 1 KiB or more go to a data file), not "automatic".
    expect(exportFlags({ ...exportArgs, externalDataAboveBytes: 0 })).toEqual([
      ...base,
      '--external-data-above',
      '0',
    ]);
    // Without verification there is no comparison to force.
    expect(exportFlags({ ...exportArgs, verify: false, verifyWhole: true })).toEqual([
      ...base,
      '--no-verify',
    ]);
  });

  it('refuse export sizes and switches that are not plain whole bytes and booleans, where they enter a host', () => {
    const check = (change: Record<string, unknown>) =>
      parseStudioArgs('startJob', ['session-1', { kind: 'export', args: { ...exportArgs, ...change } }]);
    for (const ok of [
      {},
      { externalDataAboveBytes: 0 },
      { externalDataAboveBytes: 2 ** 40, verifyWhole: true },
    ])
      expect(check(ok).ok).toBe(true);
    for (const bad of [
      { externalDataAboveBytes: -1 },
      { externalDataAboveBytes: 1.5 },
      { externalDataAboveBytes: 2 ** 60 },
      { externalDataAboveBytes: '1 KiB' },
      { externalDataAboveBytes: null },
      { verifyWhole: 'yes' },
      { verifyWhole: null },
    ]) {
      const result = check(bad);
      expect(result.ok, JSON.stringify(bad)).toBe(false);
      expect(!result.ok && result.message).toMatch(
        /^startJob: args\[1\]\.args\.(externalDataAboveBytes|verifyWhole): /,
      );
    }
  });

  it('give a kernel-level calibration `--kernels` and read its kernel timing as progress; the kept one times none', () => {
    const planOf = (args: ProfileArgs) => {
      const plan = profilePlan(model, args);
      fs.rmSync(plan.tempDir, { recursive: true, force: true });
      return plan;
    };
    const kernels = planOf({ runs: 2, warmup: 1, kernels: true });
    expect(kernels.argv).toContain('--kernels');
    expect(kernels.argv.slice(0, 2)).toEqual(['profile', model.path]);
    // The layer runs take the first 30 % of the bar, the kernel timing the rest.
    expect(kernels.stageFraction('edge.onnx: optimised run 3/3')).toBeCloseTo(0.27);
    expect(kernels.stageFraction('timing kernels 1/500')).toBeCloseTo(0.3013);
    expect(kernels.stageFraction('timing kernels 500/500')).toBeCloseTo(0.95);
    const plain = planOf({ runs: 2, warmup: 1, kernels: false });
    expect(plain.argv).not.toContain('--kernels');
    expect(plain.stageFraction('edge.onnx: optimised run 3/3')).toBeCloseTo(0.9);
    expect(planOf({ runs: 2, warmup: 1 }).argv).not.toContain('--kernels');
    const kept = planOf({ runs: 1, warmup: 0, fromTable: true, kernels: true }).argv;
    expect(kept).toContain('--from-table');
    expect(kept).not.toContain('--kernels');
  });

  it('pass on how many kernel timings a calibration kept and how many it timed now', () => {
    const plan = profilePlan(model, { runs: 1, warmup: 0, kernels: true });
    fs.rmSync(plan.tempDir, { recursive: true, force: true });
    const stdout = JSON.stringify({
      models: [{ nodes: [], medianAbsErrorPercent: 5, kernelSumMs: 1, predictedSumMs: 1 }],
      host: { peak: { gflops: 90 } },
      inSample: { note: 'in sample' },
      profile: { id: 'this-machine' },
      kernels: { kernels: 559, models: 560, seconds: 4, reused: 559, timed: 1 },
    });
    expect(plan.result([stdout])?.kernels).toEqual({
      kernels: 559,
      models: 560,
      seconds: 4,
      reused: 559,
      timed: 1,
    });
  });

  it('refuse a kernel-level switch that is not a boolean, where it enters a host', () => {
    const check = (kernels: unknown) =>
      parseStudioArgs('startJob', ['session-1', { kind: 'profile', args: { runs: 2, warmup: 1, kernels } }]);
    expect(check(true).ok).toBe(true);
    expect(check(false).ok).toBe(true);
    for (const bad of ['yes', 1, null, {}]) {
      const result = check(bad);
      expect(result.ok, JSON.stringify(bad)).toBe(false);
      expect(!result.ok && result.message).toMatch(/^startJob: args\[1\]\.args\.kernels: /);
    }
  });
});
