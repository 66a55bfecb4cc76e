/**
 * `cutline studio FILE` and a file dropped on the window are told apart by content
 * (app/host/project-sniff.ts) on Electron's main thread: a FIFO or device there must be answered
 * at once (not a project; opening it as a model then says it is not a file), never waited on.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { looksLikeProject } from '../app/host/project-sniff.js';
import { SAMPLES_DIR } from '../app/host/sample-catalog.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-sniff-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('looksLikeProject', () => {
  it('takes a JSON object for a project and an ONNX file for a model', () => {
    const project = path.join(dir, 'design.cutline.json');
    fs.writeFileSync(project, '\uFEFF  {"format": "cutline-project"}');
    expect(looksLikeProject(project)).toBe(true);
    expect(looksLikeProject(path.join(SAMPLES_DIR, 'resnet-mini.onnx'))).toBe(false);
  });

  it('answers a FIFO with no writer, a folder and a missing path at once: not a project', () => {
    const fifo = path.join(dir, 'pipe.cutline.json');
    execFileSync('mkfifo', [fifo]);
    expect(looksLikeProject(fifo)).toBe(false);
    expect(looksLikeProject(dir)).toBe(false);
    expect(looksLikeProject(path.join(dir, 'missing.json'))).toBe(false);
  });
});
