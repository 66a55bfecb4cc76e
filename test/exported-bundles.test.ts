/**
 * The list of bundles the studio exported (the only ones its harness runs), on a real disk: kept
 * across a restart of the host (a new list object on the same file), newest first and at most 50,
 * a folder whose manifest is gone forgotten, a corrupt file read as an empty list.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createExportedBundles,
  EXPORTED_BUNDLES_FILE,
  EXPORTED_BUNDLES_LIMIT,
} from '../app/host/exported-bundles.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-exported-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A folder that looks like a bundle to the list: it holds a manifest.json. */
function bundle(name: string): string {
  const folder = path.join(dir, 'bundles', name);
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'manifest.json'), '{}');
  return folder;
}

const listed = (file: string): string[] =>
  (JSON.parse(fs.readFileSync(file, 'utf8')) as { bundles: { dir: string }[] }).bundles.map((b) => b.dir);

describe('the exported bundles list', () => {
  it('keeps the last 50 exports across restarts and forgets folders whose manifest is gone', async () => {
    const file = path.join(dir, 'config', EXPORTED_BUNDLES_FILE);
    const first = createExportedBundles(file);
    const folders = Array.from({ length: EXPORTED_BUNDLES_LIMIT + 2 }, (_, i) => bundle(`b${i}`));
    for (const folder of folders) await first.add(folder);
    // Exported again: first in the list, not twice.
    await first.add(folders[5]!);
    expect(first.has(path.join(folders[7]!, '.'))).toBe(true);
    expect(first.has(folders[0]!)).toBe(false);
    expect(first.has(folders[1]!)).toBe(false);
    expect(listed(file)).toHaveLength(EXPORTED_BUNDLES_LIMIT);
    expect(listed(file)[0]).toBe(folders[5]);
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');

    fs.rmSync(path.join(folders[9]!, 'manifest.json'));
    const restarted = createExportedBundles(file);
    expect(restarted.has(folders[8]!)).toBe(true);
    expect(restarted.has(folders.at(-1)!)).toBe(true);
    expect(restarted.has(folders[9]!)).toBe(false);
    expect(restarted.has(path.join(dir, 'bundles', 'never'))).toBe(false);
    // Gone from the file once the list changes.
    await restarted.add(folders[2]!);
    expect(listed(file)).not.toContain(folders[9]);
    expect(listed(file)).toContain(folders[2]);

    // A manifest deleted while the host runs: refused and dropped.
    fs.rmSync(path.join(folders[10]!, 'manifest.json'));
    expect(restarted.has(folders[10]!)).toBe(false);
    await restarted.flush();
    expect(listed(file)).not.toContain(folders[10]);
  });

  it('reads a corrupt or foreign list as empty, and without a file remembers this run only', async () => {
    const file = path.join(dir, 'corrupt', EXPORTED_BUNDLES_FILE);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const folder = bundle('corrupt');
    fs.writeFileSync(file, '{"version": 1, "bundles": [');
    expect(createExportedBundles(file).has(folder)).toBe(false);
    // Relative paths were never written by the studio: not taken from a hand-edited file.
    fs.writeFileSync(
      file,
      JSON.stringify({ version: 1, bundles: [{ dir: 'bundles/x', exportedAt: new Date().toISOString() }] }),
    );
    expect(createExportedBundles(file).has(path.resolve('bundles/x'))).toBe(false);
    await createExportedBundles(file).add(folder);
    expect(createExportedBundles(file).has(folder)).toBe(true);

    const memory = createExportedBundles(null);
    await memory.add(folder);
    expect(memory.has(folder)).toBe(true);
    expect(createExportedBundles(null).has(folder)).toBe(false);
  });
});
