/**
 * A segment output its own nodes also read reaches the graph through an Identity copy
 * (core/export/output-copies.ts): onnxruntime 1.30's extended optimizations otherwise kill the
 * process (SIGSEGV) on the kv-decoder-mini sample split device | edge | cloud after its first
 * RMSNorm's Pow, where the device segment both sends the position ids (Range) on and reads them.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../core/analyze.js';
import { segmentModelProto } from '../core/export/extract.js';
import { splitSegments } from '../core/export/segments.js';
import { KV_DECODER_SAMPLE, kvDecoderExportArgs, kvDecoderSplit } from './support/kv-decoder-split.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../bin/cutline.js');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-output-copies-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('segment outputs read inside their segment', () => {
  it('the split that crashed onnxruntime exports and verifies', async () => {
    const { stdout } = await run(process.execPath, [
      CLI,
      ...kvDecoderExportArgs(dir, path.join(dir, 'bundle')),
    ]);
    expect(stdout).toMatch(
      /^Verified {2}the split's (output equals|\d+ outputs equal) the whole model's within rtol 1e-4 \+ atol /m,
    );
  }, 120_000);

  it('copies such an output through Identity and leaves the source model untouched', () => {
    const analysis = analyzeFile(KV_DECODER_SAMPLE);
    const tiers = new Map(Object.entries(kvDecoderSplit()));
    const owner = analysis.layers.owner;
    const nodeTiers = analysis.graph.nodes.map((_, n) => {
      const layer = analysis.graph.nodes[owner.get(n) ?? n]!.name;
      return ['device', 'edge', 'cloud'].indexOf(tiers.get(layer) ?? 'device');
    });
    const device = splitSegments(analysis, nodeTiers, ['device', 'edge', 'cloud'])[0]!;
    expect(device.outputs.map((t) => t.name)).toContain('/model/Range_output_0');
    const nodes = segmentModelProto(analysis, device).graph!.node!;
    const copy = nodes.find((n) => n.opType === 'Identity' && n.output?.[0] === '/model/Range_output_0')!;
    expect(copy.input).toEqual(['/model/Range_output_0/cutline-inner']);
    const range = nodes.find((n) => n.name === '/model/Range')!;
    expect(range.output).toEqual(['/model/Range_output_0/cutline-inner']);
    const gather = nodes.find((n) => n.name === '/model/embed_positions/Gather')!;
    expect(gather.input).toContain('/model/Range_output_0/cutline-inner');
    // The source model's nodes are not renamed.
    const source = analysis.model.proto.graph!.node!.find((n) => n.name === '/model/Range')!;
    expect(source.output).toEqual(['/model/Range_output_0']);
  });
});
