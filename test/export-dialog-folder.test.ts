/**
 * The Electron export dialog opens in the studio's exports folder, made if missing; a folder the
 * page suggests elsewhere is not made (a compromised page could otherwise create folders anywhere,
 * e.g. one named like a file a tool expects).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureExportDialogFolder } from '../app/host/export-dir.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-export-dialog-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('ensureExportDialogFolder', () => {
  it('makes the exports folder for a suggestion inside it', async () => {
    const exportsDir = path.join(dir, 'home', 'Cutline', 'bundles');
    await ensureExportDialogFolder(path.join(exportsDir, 'resnet-mini-20260101-0000'), exportsDir);
    expect(fs.statSync(exportsDir).isDirectory()).toBe(true);
    // The bundle's own folder is the export's to make.
    expect(fs.existsSync(path.join(exportsDir, 'resnet-mini-20260101-0000'))).toBe(false);
  });

  it('makes no folder for a suggestion anywhere else', async () => {
    const exportsDir = path.join(dir, 'home2', 'Cutline', 'bundles');
    for (const suggested of [
      path.join(dir, 'elsewhere', 'deep', 'bundle'),
      path.join(exportsDir, 'nested', 'bundle'),
      path.join(dir, 'home2', '.ssh', 'authorized_keys', 'x'),
    ]) {
      await ensureExportDialogFolder(suggested, exportsDir);
      expect(fs.existsSync(path.dirname(suggested)), suggested).toBe(false);
    }
    expect(fs.existsSync(exportsDir)).toBe(false);
  });
});
