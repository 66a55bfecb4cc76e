/**
 * The harness on a model whose inputs keep symbolic sizes (the KV-cache decoder sample, exported
 * without bindings): the requests run those sizes as 1, and each link's expected bytes are the
 * bytes of the tensors actually sent, not 0 (they were "Link Device ↔ Edge (0 B)" with the
 * expected time reduced to the round trips).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHarness } from '../core/bundle/harness.js';
import { KV_DECODER_SAMPLE, kvDecoderExportArgs } from './support/kv-decoder-split.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../bin/cutline.js');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-harness-symbolic-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('harness on symbolic input sizes', () => {
  it('expects each link to carry the bytes of the tensors it sends', async () => {
    const bundleDir = path.join(dir, 'bundle');
    await run(process.execPath, [CLI, ...kvDecoderExportArgs(dir, bundleDir), '--no-verify']);
    const summary = await runHarness({
      bundleDir,
      model: KV_DECODER_SAMPLE,
      runs: 2,
      warmup: 0,
      emulateLinks: false,
    });
    expect(summary.failed).toBe(0);
    expect(summary.verified).toBe(true);
    expect(summary.hops).toHaveLength(2);
    // Up: at least the float activations and caches sent past each hop (batch, sequences = 1).
    for (const hop of summary.hops) expect(hop.bytes).toBeGreaterThan(1000);
  }, 120_000);
});
