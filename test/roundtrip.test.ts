/**
 * Read → write → read keeps the graph, and onnxruntime-node computes identical outputs on the
 * written model: the samples and every pytorch-converted model of the ONNX test suite.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readModelFile, openModelBytes } from '../core/onnx/read.js';
import { writeModel } from '../core/onnx/write.js';
import { buildGraph } from '../core/graph/build.js';
import type { Graph } from '../core/graph/types.js';
import type { OnnxModel } from '../core/onnx/read.js';
import { readTestDataSet, testdataCases } from './support/testdata.js';
import { maxAbsDiff, ortTensor, runModel } from './support/ort.js';
import * as ort from 'onnxruntime-node';

ort.env.logLevel = 'fatal';

function graphSignature(graph: Graph): string[] {
  return graph.order.map((i) => {
    const n = graph.nodes[i]!;
    const attrs = [...n.attributes.keys()].sort().join(',');
    return `${n.opType}(${n.inputs.join(',')})->(${n.outputs.join(',')})[${attrs}]`;
  });
}

function expectSameModel(a: OnnxModel, b: OnnxModel): void {
  expect(b.opset).toBe(a.opset);
  expect(b.irVersion).toBe(a.irVersion);
  expect(b.producer).toBe(a.producer);
  const ga = buildGraph(a.proto.graph!);
  const gb = buildGraph(b.proto.graph!);
  expect(graphSignature(gb)).toEqual(graphSignature(ga));
  expect(gb.inputs).toEqual(ga.inputs);
  expect(gb.outputs).toEqual(ga.outputs);
  for (const [name, t] of ga.tensors) {
    const u = gb.tensors.get(name);
    expect(u?.shape, name).toEqual(t.shape);
    expect(u?.dtype, name).toBe(t.dtype);
    if (t.initializer?.rawData?.length)
      expect(Buffer.from(u!.initializer!.rawData!).equals(Buffer.from(t.initializer.rawData))).toBe(true);
  }
}

function randomFeeds(model: OnnxModel): Record<string, ort.Tensor> {
  const graph = buildGraph(model.proto.graph!);
  const feeds: Record<string, ort.Tensor> = {};
  let seed = 1;
  for (const name of graph.inputs) {
    const t = graph.tensors.get(name)!;
    const dims = (t.shape ?? []).map((d) => (typeof d === 'number' ? d : 2));
    const count = dims.reduce((x, y) => x * y, 1);
    if (t.dtype === 7)
      feeds[name] = new ort.Tensor(
        'int64',
        BigInt64Array.from({ length: count }, (_, i) => BigInt((i * 7 + 3) % 50)),
        dims,
      );
    else
      feeds[name] = new ort.Tensor(
        'float32',
        Float32Array.from(
          { length: count },
          () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1,
        ),
        dims,
      );
  }
  return feeds;
}

const SAMPLES_DIR = path.resolve(import.meta.dirname, '../samples');
const samples = fs.existsSync(SAMPLES_DIR)
  ? fs
      .readdirSync(SAMPLES_DIR)
      .filter((f) => f.endsWith('.onnx'))
      .map((f) => path.join(SAMPLES_DIR, f))
  : [];

describe('ONNX write round trip', () => {
  it('has samples to test', () => {
    expect(samples.length).toBeGreaterThanOrEqual(4);
  });

  for (const file of samples) {
    it(`keeps ${path.basename(file)} and its outputs`, async () => {
      const original = readModelFile(file);
      const written = writeModel(original);
      const reread = openModelBytes(written);
      expectSameModel(original, reread);
      const feeds = randomFeeds(original);
      const expected = await runModel(file, feeds);
      const actual = await runModel(written, feeds);
      for (const [name, tensor] of Object.entries(expected))
        expect(maxAbsDiff(actual[name]!, tensor), name).toBe(0);
    });
  }

  it('keeps every pytorch-converted model and its outputs on the suite inputs', async () => {
    const cases = testdataCases('pytorch-converted');
    expect(cases.length).toBeGreaterThan(50);
    let ran = 0;
    const refusedByOrt: string[] = [];
    for (const caseDir of cases) {
      const name = path.basename(caseDir);
      const original = readModelFile(path.join(caseDir, 'model.onnx'));
      const written = writeModel(original);
      const reread = openModelBytes(written);
      expectSameModel(original, reread);
      const data = readTestDataSet(caseDir, original.proto);
      const graph = buildGraph(original.proto.graph!);
      const feeds = Object.fromEntries(
        graph.inputs.map((input, i) => [input, ortTensor(data.inputs[i]!.tensors[0]!)]),
      );
      // onnxruntime no longer implements some opset-6 kernels; then the written copy must fail alike.
      let expected: Record<string, ort.Tensor>;
      try {
        expected = await runModel(path.join(caseDir, 'model.onnx'), feeds);
      } catch (error) {
        await expect(runModel(written, feeds)).rejects.toThrow((error as Error).message);
        refusedByOrt.push(name);
        continue;
      }
      const actual = await runModel(written, feeds);
      for (const [output, tensor] of Object.entries(expected))
        expect(maxAbsDiff(actual[output]!, tensor), `${name}/${output}`).toBe(0);
      ran++;
    }
    console.log(
      `[roundtrip] pytorch-converted: ${ran} of ${cases.length} models ran with identical outputs; onnxruntime refused both original and copy of ${refusedByOrt.length}: ${refusedByOrt.join(', ')}`,
    );
    expect(ran).toBeGreaterThan(cases.length / 2);
  });
});
