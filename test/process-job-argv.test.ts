/**
 * The command lines of the host's process jobs: a path the page sends never reaches `cutline` as
 * something its option parser could read as a flag.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { harnessPlan } from '../app/host/process-job-kinds.js';

describe('process job command lines', () => {
  it('give the harness its bundle folder as an absolute path, even one named like an option', () => {
    for (const bundleDir of ['--help', '--inputs=/etc/passwd', '-V', 'bundles/b']) {
      const plan = harnessPlan({ bundleDir, runs: 1, stream: 0, emulateLinks: false, calibrate: false });
      try {
        expect(plan.argv[0]).toBe('harness');
        expect(plan.argv[1]).toBe(path.resolve(bundleDir));
        expect(path.isAbsolute(plan.argv[1]!)).toBe(true);
        expect(plan.argv).not.toContain(bundleDir);
      } finally {
        fs.rmSync(plan.tempDir, { recursive: true, force: true });
      }
    }
  });
});
