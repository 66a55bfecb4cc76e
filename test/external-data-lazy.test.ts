/**
 * External data is read lazily (issue 13, point 1): a model with more external data than one
 * Node buffer can hold (2 GiB) analyses through the real CLI in a fraction of its size in memory,
 * shape constants stored outside the model are read by position, and a data file that is out of
 * range, a FIFO, or changed after opening gets a named error instead of a hang or a stack trace.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../core/analyze.js';
import { expectCode } from './support/expect-code.js';
import { decodeModelProto, encodeModelProto, type ModelProto } from '../core/onnx/codec.js';
import {
  externalRef,
  inlineExternalTensors,
  readExternal,
  tensorBytes,
  writeSparse,
} from '../core/onnx/external-data.js';
import { readModelFile } from '../core/onnx/read.js';
import { runOrtProfile } from '../core/profiling/ort-profile.js';
import { readTensorValues } from '../core/onnx/tensor-data.js';
import {
  sparseWeightsSpec,
  writeSparseWeightsModel,
  type SparseWeightsSpec,
} from './support/sparse-weights-model.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../bin/cutline.js');
/** Preloaded into the CLI's process: its peak RSS (getrusage maxRSS, KiB) on stderr at exit. */
const REPORT_PEAK_RSS = `data:text/javascript,process.on('exit',()=>process.stderr.write('peak-rss-kib '+process.resourceUsage().maxRSS+'\\n'))`;
const GIB = 1024 ** 3;

let dir: string;

/** A fresh folder holding the sparse-weights model (2 layers of 8 × 8 unless told otherwise). */
function smallModel(
  name: string,
  spec: Partial<SparseWeightsSpec> = {},
): ReturnType<typeof writeSparseWeightsModel> {
  const folder = path.join(dir, name);
  fs.mkdirSync(folder);
  return writeSparseWeightsModel(folder, { layers: 2, width: 8, ...spec });
}

/** The model file re-encoded after `change` edits its decoded proto. */
function rewrite(modelPath: string, change: (proto: ModelProto) => void): void {
  const proto = decodeModelProto(new Uint8Array(fs.readFileSync(modelPath)));
  change(proto);
  fs.writeFileSync(modelPath, encodeModelProto(proto));
}

function setEntry(proto: ModelProto, tensor: string, key: string, value: string): void {
  const t = proto.graph!.initializer!.find((i) => i.name === tensor)!;
  t.externalData = (t.externalData ?? []).map((e) => (e.key === key ? { key, value } : e));
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-lazy-'));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('external data read lazily', () => {
  it('a model with 2.2 GiB of external data analyses through the CLI without reading its weights', async () => {
    const folder = path.join(dir, 'big');
    fs.mkdirSync(folder);
    const built = writeSparseWeightsModel(folder, sparseWeightsSpec(2.2 * GIB, 4));
    expect(built.dataBytes).toBeGreaterThan(2 * GIB); // beyond readFileSync's limit
    expect(fs.statSync(built.dataPath).blocks * 512).toBeLessThan(1024 ** 2); // sparse on disk

    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', REPORT_PEAK_RSS, CLI, 'analyze', built.modelPath, '--json'],
      { maxBuffer: 64 * 1024 ** 2 },
    );
    const result = JSON.parse(stdout) as {
      model: { externalDataBytes: number };
      totals: { params: number; macs: number; flops: number; paramBytes: number };
      outputs: { name: string; shape: number[] }[];
    };
    expect(result.model.externalDataBytes).toBe(built.params * 4 + 16); // every tensor's length
    expect(result.totals.params).toBe(built.params);
    expect(result.totals.macs).toBe(built.macs);
    expect(result.totals.flops).toBeGreaterThanOrEqual(2 * built.macs);
    expect(result.totals.paramBytes).toBe(built.params * 4);
    // The Reshape target lives in the data file: the output's shape is known only if it was read.
    expect(result.outputs).toEqual([{ name: 'y', dtype: 'float', shape: built.outputShape }]);

    const peakKiB = Number(/peak-rss-kib (\d+)/.exec(stderr)?.[1]);
    console.log(
      `cutline analyze of ${(built.dataBytes / GIB).toFixed(2)} GiB external data: peak RSS ${(peakKiB / 1024).toFixed(0)} MiB`,
    );
    // Reading the data file whole (what opening did before) would take more than 2 GiB or fail.
    expect(peakKiB * 1024).toBeLessThan(GIB);
  });

  it('keeps external tensors as in the file, reads a shape constant by position and totals their bytes', () => {
    const built = smallModel('constant');
    const model = readModelFile(built.modelPath);
    const target = model.proto.graph!.initializer!.find((t) => t.name === 'output_shape')!;
    expect(target.dataLocation).toBe(1);
    expect(target.rawData?.length ?? 0).toBe(0);
    expect(externalRef(target)).toMatchObject({
      file: fs.realpathSync(built.dataPath),
      location: 'model.weights',
      length: 16,
    });
    expect(readTensorValues(target, 16)).toEqual([2, 4]);
    expect(model.externalDataFiles).toEqual([fs.realpathSync(built.dataPath)]);
    expect(model.externalDataBytes).toBe(built.params * 4 + 16);
    expect(analyzeFile(built.modelPath).summary.outputs[0]!.shape).toEqual([2, 4]);
  });

  it('reads only the bytes a small tensor needs, whatever length the file claims for it', () => {
    const built = smallModel('long-claim');
    // The Reshape target claims 1 GiB of a data file that is made that large (sparsely).
    fs.truncateSync(built.dataPath, 2 * GIB);
    rewrite(built.modelPath, (proto) => setEntry(proto, 'output_shape', 'length', String(GIB)));
    const model = readModelFile(built.modelPath);
    const target = model.proto.graph!.initializer!.find((t) => t.name === 'output_shape')!;
    expect(readTensorValues(target, 16)).toEqual([2, 4]);
    expect(readExternal(externalRef(target)!, 8, 8)).toEqual(new Uint8Array([4, 0, 0, 0, 0, 0, 0, 0]));
  });

  it('refuses offsets and lengths outside the data file or beyond safe integers', () => {
    const cases: [string, string][] = [
      ['length', '1048576'],
      ['offset', '1048576'],
      ['offset', '-8'],
      ['length', '9007199254740993'],
      ['offset', 'twelve'],
    ];
    cases.forEach(([key, value], i) => {
      const built = smallModel(`range-${i}`);
      rewrite(built.modelPath, (proto) => setEntry(proto, 'layer1.weight', key, value));
      const error = expectCode(() => readModelFile(built.modelPath), 'EXTERNAL_DATA_OUT_OF_RANGE');
      expect(error.message).toMatch(/tensor "layer1\.weight" asks for bytes/);
    });
  });

  it('a data file cut short after opening gives EXTERNAL_DATA_CHANGED when its bytes are read', () => {
    const built = smallModel('truncated');
    const model = readModelFile(built.modelPath);
    const target = model.proto.graph!.initializer!.find((t) => t.name === 'output_shape')!;
    expect(tensorBytes(target)?.length).toBe(16);
    fs.truncateSync(built.dataPath, 100);
    const error = expectCode(() => tensorBytes(target), 'EXTERNAL_DATA_CHANGED');
    expect(error.message).toMatch(/"model\.weights" is shorter .*Open the model again\.$/);
    fs.rmSync(built.dataPath);
    expectCode(() => readTensorValues(target, 16), 'EXTERNAL_DATA_CHANGED');
  });

  it('a FIFO as data file or as model file gets a named error without blocking', () => {
    const asData = smallModel('fifo-data');
    fs.rmSync(asData.dataPath);
    execFileSync('mkfifo', [asData.dataPath]);
    const error = expectCode(() => readModelFile(asData.modelPath), 'EXTERNAL_DATA_MISSING');
    expect(error.message).toMatch(/external data "model\.weights" of tensor "layer0\.weight" is not a file/);

    const model = path.join(dir, 'fifo.onnx');
    execFileSync('mkfifo', [model]);
    expectCode(() => readModelFile(model), 'NOT_A_FILE');

    // A FIFO put in place of the data file after the model was opened.
    const swapped = smallModel('fifo-later');
    const opened = readModelFile(swapped.modelPath);
    fs.rmSync(swapped.dataPath);
    execFileSync('mkfifo', [swapped.dataPath]);
    const target = opened.proto.graph!.initializer!.find((t) => t.name === 'output_shape')!;
    expectCode(() => tensorBytes(target), 'EXTERNAL_DATA_CHANGED');
  });

  it("a model file over protobuf's 2 GiB limit is refused by name without being read", () => {
    const huge = path.join(dir, 'huge.onnx');
    fs.closeSync(fs.openSync(huge, 'w'));
    // Exactly 2 GiB is one byte past protobuf's INT_MAX (and a read length Node refuses).
    for (const size of [2 * GIB, 2 * GIB + 1]) {
      fs.truncateSync(huge, size); // sparse
      const error = expectCode(() => readModelFile(huge), 'FILE_UNREADABLE');
      expect(error.message).toMatch(
        /larger than an ONNX model file can be .*keep the weights in external data\.$/,
      );
    }
  });

  it('cutline profile hands onnxruntime a renamed model with its external weights in its own data file', async () => {
    // Unnamed nodes make the profiler give ORT a copy with Cutline's names written in; ORT would
    // resolve a reference in bytes against the working directory, not the model's folder, and
    // inlining GBs of weights could pass protobuf's limit, so the copy gets its own data file.
    // (ORT loads no model with an external shape constant: the Reshape target is inline here.)
    const built = smallModel('profile', { width: 16, shapeTarget: 'inline' });
    rewrite(built.modelPath, (proto) => {
      for (const n of proto.graph!.node!) n.name = '';
    });
    const { analysis, measurement } = await runOrtProfile(built.modelPath, {
      runs: 1,
      warmup: 0,
      intraOpThreads: 1,
    });
    expect(analysis.summary.outputs[0]!.shape).toEqual([2, 8]);
    expect(measurement.nodes.map((n) => n.name)).toContain('MatMul_0');
    expect(measurement.unmeasured).toEqual([]);
  });

  it('writeSparse writes only the 64 KiB pieces of a chunk that hold real bytes, leaving holes', () => {
    const folder = path.join(dir, 'copy');
    fs.mkdirSync(folder);
    // One 64 MiB weight: its first values written, the rest a hole; its first 8 MiB as one chunk,
    // with one more real byte in the middle of it.
    const built = writeSparseWeightsModel(folder, { layers: 1, width: 4096 });
    const weight = readModelFile(built.modelPath).proto.graph!.initializer![0]!;
    const chunk = readExternal(externalRef(weight)!, 0, 8 * 1024 ** 2);
    chunk[5 * 1024 ** 2 + 7] = 9;
    const out = path.join(folder, 'copy.bin');
    const fd = fs.openSync(out, 'w');
    try {
      writeSparse(fd, chunk, 4096);
      fs.ftruncateSync(fd, 4096 + chunk.length);
    } finally {
      fs.closeSync(fd);
    }
    expect(fs.statSync(out).size).toBe(4096 + chunk.length);
    // Two pieces written at most (plus file-system block rounding), not the 8 MiB chunk.
    expect(fs.statSync(out).blocks * 512).toBeLessThan(1024 ** 2);
    const copy = new Uint8Array(fs.readFileSync(out).subarray(4096));
    // memcmp: a deep toEqual of 8 MiB of elements takes tens of seconds.
    expect(Buffer.from(copy).equals(Buffer.from(chunk))).toBe(true);
    expect(new Float32Array(copy.buffer, copy.byteOffset, 4)[3]).toBe(0.5);
  });

  it('inlineExternalTensors gives a self-contained model and returns a model without external data as is', () => {
    const built = smallModel('inline');
    const model = readModelFile(built.modelPath);
    const inlined = inlineExternalTensors(model.proto);
    expect(inlined).not.toBe(model.proto);
    const decoded = decodeModelProto(encodeModelProto(inlined));
    for (const t of decoded.graph!.initializer!) {
      expect(t.dataLocation ?? 0).toBe(0);
      expect(t.externalData ?? []).toEqual([]);
    }
    const target = decoded.graph!.initializer!.find((t) => t.name === 'output_shape')!;
    expect(readTensorValues(target, 16)).toEqual([2, 4]);
    // The opened model itself is unchanged: still external, still registered.
    expect(model.proto.graph!.initializer![0]!.dataLocation).toBe(1);
    expect(inlineExternalTensors(decoded)).toBe(decoded);
  });
});
