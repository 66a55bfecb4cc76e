/** `cutline analyze` through the real command, on the committed samples. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../bin/cutline.js');
const sample = (name: string): string => path.resolve(import.meta.dirname, '../samples', `${name}.onnx`);

interface AnalyzeJson {
  model: { opset: number; producer: string; fileBytes: number };
  inputs: { name: string; dtype: string; shape: (number | string | null)[] }[];
  nodeCount: number;
  layerCount: number;
  totals: { macs: number; flops: number; params: number; paramBytes: number; exact: boolean };
  layers: {
    name: string;
    op: string;
    outputShapes: unknown[][];
    macs: number;
    params: number;
    outputBytes: number;
  }[];
}

async function analyzeJson(...args: string[]): Promise<AnalyzeJson> {
  const { stdout } = await run(process.execPath, [CLI, 'analyze', ...args, '--json']);
  return JSON.parse(stdout) as AnalyzeJson;
}

describe('cutline analyze', () => {
  it('prints one JSON object with totals and per-layer figures', async () => {
    const result = await analyzeJson(sample('edge-prune-vehicle'));
    expect(result.model.opset).toBe(17);
    expect(result.model.producer).toMatch(/cutline-samples/);
    expect(result.totals).toMatchObject({ macs: 81_691_776, params: 619_108, paramBytes: 619_108 * 4 });
    expect(result.totals.flops).toBeGreaterThan(2 * result.totals.macs);
    expect(result.layers).toHaveLength(result.layerCount);
    const conv = result.layers.find((l) => l.name === '/L1/conv/Conv')!;
    expect(conv).toMatchObject({
      op: 'Conv',
      outputShapes: [[1, 32, 96, 96]],
      macs: 22_118_400,
      params: 2_432,
      outputBytes: 32 * 96 * 96 * 4,
    });
  });

  it('binds symbolic input dimensions with --input and hides plumbing from the layer list', async () => {
    const unbound = await analyzeJson(sample('transformer-encoder'));
    expect(unbound.inputs[0]!.shape).toEqual(['batch', 'sequence']);
    expect(unbound.totals.exact).toBe(false);
    const bound = await analyzeJson(sample('transformer-encoder'), '--input', 'input_ids=2x32');
    expect(bound.inputs[0]!.shape).toEqual([2, 32]);
    expect(bound.totals.macs).toBe(2 * (32 * 98_304 + 256 * 32 * 32));
    expect(bound.layerCount).toBeLessThan(bound.nodeCount);
    expect(bound.layers.some((l) => l.op === 'Shape' || l.op === 'Constant')).toBe(false);
    const reshape = bound.layers.find((l) => l.name === '/encoder/layer.0/attention/self/Reshape')!;
    expect(reshape.outputShapes).toEqual([[2, 32, 4, 16]]);
  });

  it('prints a summary and a table a person can read', async () => {
    const { stdout } = await run(process.execPath, [CLI, 'analyze', sample('transformer-encoder')]);
    expect(stdout).toMatch(/^Model\s+.*transformer-encoder\.onnx/m);
    expect(stdout).toMatch(/^Inputs\n\s+input_ids: int64 \[batch, sequence\]/m);
    expect(stdout).toMatch(/--input input_ids=1x1/);
    expect(stdout).toMatch(
      /\/encoder\/layer\.0\/attention\/self\/Reshape\s+Reshape\s+\[batch, sequence, 4, 16\]/,
    );
  });
});
