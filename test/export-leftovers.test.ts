/**
 * What a stopped export leaves beside its folder is removed by the host: the half-written bundle
 * and .zip `cutline export` names `<resolved folder>.partial-PID` and `<resolved folder>.zip.partial-PID`,
 * also when the page typed the folder with a trailing separator.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeExportLeftovers } from '../app/host/process-jobs.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-leftovers-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('removeExportLeftovers', () => {
  it('removes the partial bundle and zip of that process only, whatever the folder was typed as', () => {
    const pid = 4242;
    for (const typed of [
      path.join(dir, 'b') + path.sep,
      path.join(dir, 'x', '..', 'b'),
      path.join(dir, 'b'),
    ]) {
      const bundle = `${path.join(dir, 'b')}.partial-${pid}`;
      const zip = `${path.join(dir, 'b')}.zip.partial-${pid}`;
      const other = `${path.join(dir, 'b')}.partial-${pid + 1}`;
      fs.mkdirSync(path.join(bundle, 'device'), { recursive: true });
      fs.writeFileSync(path.join(bundle, 'device', 'model.onnx'), 'half');
      fs.writeFileSync(zip, 'PK half');
      fs.mkdirSync(other, { recursive: true });

      removeExportLeftovers(typed, pid);

      expect(fs.existsSync(bundle), `${typed}: bundle`).toBe(false);
      expect(fs.existsSync(zip), `${typed}: zip`).toBe(false);
      // Another export's work (another process) is left alone.
      expect(fs.existsSync(other)).toBe(true);
      fs.rmSync(other, { recursive: true });
    }
  });
});
