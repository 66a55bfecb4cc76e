/**
 * At start the host removes what a crashed host left in the temp folder: `cutline-model-*` and
 * `cutline-job-*` folders untouched for a day. Newer ones (another host using them now), other
 * names and plain files stay. Real folders in a temp folder of the test's own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sweepOldTempFolders, TEMP_MAX_AGE_MS } from '../app/host/temp-sweep.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-sweep-test-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('sweepOldTempFolders', () => {
  it('removes only cutline-model-* and cutline-job-* folders older than a day', async () => {
    const now = Date.now();
    const make = (name: string, ageMs: number, file = false): void => {
      const at = path.join(dir, name);
      if (file) fs.writeFileSync(at, 'x');
      else {
        fs.mkdirSync(at);
        fs.writeFileSync(path.join(at, 'model.onnx'), 'bytes');
      }
      const time = new Date(now - ageMs);
      fs.utimesSync(at, time, time);
    };
    const day = TEMP_MAX_AGE_MS;
    make('cutline-model-old', 2 * day);
    make('cutline-job-old', day + 60_000);
    make('cutline-model-new', day - 60_000);
    make('cutline-job-new', 0);
    make('other-old', 3 * day);
    make('cutline-job-file', 3 * day, true);
    const removed = await sweepOldTempFolders(dir, now);
    expect(removed.sort()).toEqual(['cutline-job-old', 'cutline-model-old']);
    expect(fs.readdirSync(dir).sort()).toEqual([
      'cutline-job-file',
      'cutline-job-new',
      'cutline-model-new',
      'other-old',
    ]);
  });

  it('resolves with nothing when the folder cannot be read', async () => {
    expect(await sweepOldTempFolders(path.join(dir, 'missing'))).toEqual([]);
  });
});
