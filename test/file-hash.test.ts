/**
 * hashFile (core/export/file-hash.ts) hashes a bundle's data files before a tier loads them: it
 * reads holes as the zeros onnxruntime will see, and a FIFO or a symbolic link put in the checked
 * file's place is refused at once instead of blocking the tier's start or leading elsewhere.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashFile } from '../core/export/file-hash.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-file-hash-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('hashFile', () => {
  it('hashes a sparse file as its bytes with the holes read as zeros', () => {
    const file = path.join(dir, 'model.onnx.data');
    const fd = fs.openSync(file, 'w');
    fs.writeSync(fd, Buffer.from([1, 2, 3]), 0, 3, 20 * 1024 ** 2);
    fs.ftruncateSync(fd, 20 * 1024 ** 2 + 4096);
    fs.closeSync(fd);
    const expected = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    expect(hashFile(file)).toBe(expected);
  });

  it('refuses a FIFO without waiting for a writer, and a symbolic link', () => {
    const fifo = path.join(dir, 'fifo.data');
    execFileSync('mkfifo', [fifo]);
    expect(() => hashFile(fifo)).toThrow(expect.objectContaining({ code: 'NOT_A_FILE' }));
    const target = path.join(dir, 'real.data');
    fs.writeFileSync(target, 'x');
    const link = path.join(dir, 'link.data');
    fs.symlinkSync(target, link);
    expect(() => hashFile(link)).toThrow(
      expect.objectContaining({ code: 'NOT_A_FILE', message: expect.stringContaining('ELOOP') }),
    );
  });
});
