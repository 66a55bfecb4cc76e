/**
 * Shared by the external-data export tests: a bundle of a model split in thirds over device, edge
 * and cloud (with a stand-in runtime folder), its manifest read back, and a source model whose
 * weights live in a sparse external data file.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Analysis } from '../../core/analyze.js';
import { parseManifest, type BundleManifest } from '../../core/bundle/manifest.js';
import { writeBundle, type WrittenBundle } from '../../core/bundle/write-bundle.js';
import { graph, model, node, tensorFromFloat32, valueInfo } from '../../core/onnx/builder.js';
import { encodeModelProto, type TensorProto } from '../../core/onnx/codec.js';
import { DataType } from '../../core/onnx/dtype.js';
import { buildPartitionProblem } from '../../core/partition/build-problem.js';
import { givenPlan } from '../../core/partition/plan.js';
import { loadTopology } from '../../core/profiles/load.js';

/**
 * Splits the model's layers: the first third on the device, the next on the edge, the rest in the
 * cloud; with the device's local fallback, so the bundle carries the whole model too.
 */
export function exportModel(
  outDir: string,
  analysis: Analysis,
  modelBytes: Uint8Array,
  externalDataAbove?: number,
): Promise<WrittenBundle> {
  const topology = loadTopology('pi4-wifi-edge-wan-cloud');
  const built = buildPartitionProblem(analysis, topology);
  const units = built.problem.units.length;
  const placement = Uint8Array.from(
    built.problem.units.map((_, u) => (u < units / 3 ? 0 : u < (2 * units) / 3 ? 1 : 2)),
  );
  return writeBundle({
    outDir,
    analysis,
    modelBytes,
    modelName: 'model',
    topology,
    built,
    plan: givenPlan(built.problem, placement, { kind: 'latency' }, 'thirds'),
    onUnreachable: 'local',
    writeRuntime: async (dir) => {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'package.json'), '{}\n');
    },
    ...(externalDataAbove !== undefined ? { externalDataAbove } : {}),
  });
}

export function readManifest(dir: string): BundleManifest {
  return parseManifest(JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')), 'manifest.json');
}

/**
 * y = MatMul(Relu(MatMul(x, W1) + B1), W2) with x [1, 2048]; W1 (16 MiB) is all zeros and a hole
 * of the sparse data file `weights.bin`, B1 and W2 hold real values in it. Written to `dir/model.onnx`.
 */
export function writeSparseModel(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const n = 2048;
  const b1 = tensorFromFloat32(
    'B1',
    [n],
    Float32Array.from({ length: n }, (_, i) => Math.cos(i) * 0.5),
  );
  const w2 = tensorFromFloat32(
    'W2',
    [n, 16],
    Float32Array.from({ length: n * 16 }, (_, i) => Math.sin(i) * 0.1),
  );
  // A small tensor kept in the source's data file: written inline by the export.
  const b2 = tensorFromFloat32(
    'B2',
    [16],
    Float32Array.from({ length: 16 }, (_, i) => i - 8),
  );
  const w1Bytes = n * n * 4;
  const layout = [
    { name: 'W1', dims: [n, n], offset: 0, length: w1Bytes, bytes: null },
    { name: 'B1', dims: [n], offset: w1Bytes, length: b1.rawData!.length, bytes: b1.rawData! },
    { name: 'W2', dims: [n, 16], offset: w1Bytes + 8192, length: w2.rawData!.length, bytes: w2.rawData! },
    { name: 'B2', dims: [16], offset: w1Bytes + 8192 + w2.rawData!.length, length: 64, bytes: b2.rawData! },
  ];
  const dataPath = path.join(dir, 'weights.bin');
  const fd = fs.openSync(dataPath, 'w');
  for (const t of layout) if (t.bytes) fs.writeSync(fd, t.bytes, 0, t.bytes.length, t.offset);
  fs.closeSync(fd);
  const initializers: TensorProto[] = layout.map((t) => ({
    name: t.name,
    dims: t.dims,
    dataType: DataType.FLOAT,
    dataLocation: 1,
    externalData: [
      { key: 'location', value: 'weights.bin' },
      { key: 'offset', value: String(t.offset) },
      { key: 'length', value: String(t.length) },
    ],
  }));
  const proto = model({
    graph: graph({
      name: 'sparse',
      nodes: [
        node('MatMul', ['x', 'W1'], ['h0'], [], 'mm1'),
        node('Add', ['h0', 'B1'], ['h1'], [], 'add1'),
        node('Relu', ['h1'], ['h2'], [], 'relu1'),
        node('MatMul', ['h2', 'W2'], ['h3'], [], 'mm2'),
        node('Add', ['h3', 'B2'], ['y'], [], 'add2'),
      ],
      inputs: [valueInfo('x', DataType.FLOAT, [1, n])],
      outputs: [valueInfo('y', DataType.FLOAT, [1, 16])],
      initializers,
    }),
    opset: 17,
  });
  const file = path.join(dir, 'model.onnx');
  fs.writeFileSync(file, encodeModelProto(proto));
  return file;
}
