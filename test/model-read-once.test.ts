/**
 * The session worker reads a model once (app/host/worker/staged-analysis.ts readSource): the
 * bytes whose SHA-256 a project's check compares are the bytes decoded, whatever happens to the
 * path afterwards, and a FIFO or folder in the model's place is refused without blocking.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SAMPLES_DIR } from '../app/host/sample-catalog.js';
import { decodeSource, readSource } from '../app/host/worker/staged-analysis.js';
import { readModelFile } from '../core/onnx/read.js';

const sample = (name: string): string => path.join(SAMPLES_DIR, name);
const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const quiet = (): void => undefined;

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-read-once-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('readSource', () => {
  it('decodes the bytes it hashed even when the file is replaced after the read', () => {
    const model = path.join(dir, 'model.onnx');
    fs.copyFileSync(sample('resnet-mini.onnx'), model);
    const read = readSource({ kind: 'file', path: model }, quiet);
    // The swap a hash-then-reopen sequence would have picked up.
    fs.copyFileSync(sample('transformer-encoder.onnx'), model);
    const decoded = decodeSource(read, quiet);
    const original = readModelFile(sample('resnet-mini.onnx'));
    expect(read.sha256).toBe(sha256(sample('resnet-mini.onnx')));
    expect(decoded.proto.graph?.node?.length).toBe(original.proto.graph?.node?.length);
    expect(decoded.proto.graph?.name).toBe(original.proto.graph?.name);
    expect(decoded.path).toBe(model);
    expect(decoded.fileBytes).toBe(original.fileBytes);
  });

  it('refuses a FIFO in the model’s place at once (NOT_A_FILE), without waiting for a writer', () => {
    const fifo = path.join(dir, 'model.onnx');
    execFileSync('mkfifo', [fifo]);
    expect(() => readSource({ kind: 'file', path: fifo }, quiet)).toThrow(
      expect.objectContaining({ code: 'NOT_A_FILE', message: expect.stringContaining('special file') }),
    );
  });

  it('refuses a file over 2 GiB by its size before allocating for it (a sparse 5 GiB file)', () => {
    const huge = path.join(dir, 'huge.onnx');
    fs.closeSync(fs.openSync(huge, 'w'));
    fs.truncateSync(huge, 5 * 1024 ** 3);
    expect(() => readSource({ kind: 'file', path: huge }, quiet)).toThrow(
      expect.objectContaining({ code: 'FILE_UNREADABLE', message: expect.stringContaining('2 GiB') }),
    );
  });

  it('names a missing model and a folder as reading a model file does', () => {
    expect(() => readSource({ kind: 'file', path: path.join(dir, 'nope.onnx') }, quiet)).toThrow(
      expect.objectContaining({ code: 'NOT_A_FILE', message: expect.stringContaining('does not exist') }),
    );
    expect(() => readSource({ kind: 'file', path: dir }, quiet)).toThrow(
      expect.objectContaining({ code: 'NOT_A_FILE', message: expect.stringContaining('folder') }),
    );
  });

  it('hashes uploaded bytes as they are', () => {
    const bytes = new Uint8Array(fs.readFileSync(sample('resnet-mini.onnx')));
    const read = readSource({ kind: 'bytes', fileName: 'resnet-mini.onnx', bytes }, quiet);
    expect(read.sha256).toBe(sha256(sample('resnet-mini.onnx')));
    expect(decodeSource(read, quiet).path).toBeUndefined();
  });
});

describe('readSource with the SHA-256 a project names', () => {
  it('answers a file that is not the project model with its SHA-256 and no bytes', () => {
    const read = readSource({ kind: 'file', path: sample('resnet-mini.onnx') }, quiet, '0'.repeat(64));
    expect(read.sha256).toBe(sha256(sample('resnet-mini.onnx')));
    expect(read.bytes.byteLength).toBe(0);
  });

  it('reads the project model whole, and its SHA-256 is that of the bytes read', () => {
    const expected = sha256(sample('resnet-mini.onnx'));
    const read = readSource({ kind: 'file', path: sample('resnet-mini.onnx') }, quiet, expected);
    expect(read.sha256).toBe(expected);
    expect(read.bytes.byteLength).toBe(fs.statSync(sample('resnet-mini.onnx')).size);
    expect(decodeSource(read, quiet).path).toBe(sample('resnet-mini.onnx'));
  });
});
