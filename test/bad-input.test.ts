/**
 * Each kind of bad input gets its own named error, the library throws a CutlineError with that
 * code, and the CLI exits non-zero with one line saying what is wrong and what to do.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeModelProto, type TensorProto } from '../core/onnx/codec.js';
import { graph, model, node, tensorFromFloat32, valueInfo, type OpsetSpec } from '../core/onnx/builder.js';
import { DataType } from '../core/onnx/dtype.js';
import { analyzeFile } from '../core/analyze.js';
import { readModelFile } from '../core/onnx/read.js';
import { tensorBytes } from '../core/onnx/external-data.js';
import type { ErrorCode } from '../core/errors.js';
import { expectCode } from './support/expect-code.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../bin/cutline.js');
let dir: string;

/** x → Relu → y, with weight `w` added, optionally stored externally. */
function tinyModel(
  options: { opset?: number | OpsetSpec[]; external?: TensorProto['externalData']; cycle?: boolean } = {},
): Uint8Array {
  const w = tensorFromFloat32('w', [4], [1, 2, 3, 4]);
  if (options.external) {
    delete w.rawData;
    w.dataLocation = 1;
    w.externalData = options.external;
  }
  const nodes = options.cycle
    ? [
        node('Add', ['x', 'c'], ['a'], [], 'first'),
        node('Relu', ['a'], ['b'], [], 'second'),
        node('Neg', ['b'], ['c'], [], 'third'),
        node('Identity', ['b'], ['y']),
      ]
    : [node('Add', ['x', 'w'], ['a'], [], 'add'), node('Relu', ['a'], ['y'], [], 'relu')];
  return encodeModelProto(
    model({
      opset: options.opset ?? 17,
      graph: graph({
        name: 'tiny',
        nodes,
        inputs: [valueInfo('x', DataType.FLOAT, [4])],
        outputs: [valueInfo('y', DataType.FLOAT, [4])],
        initializers: options.cycle ? [] : [w],
      }),
    }),
  );
}

function write(name: string, bytes: Uint8Array | string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, bytes);
  return file;
}

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const external = (location: string, length = 16): TensorProto['externalData'] => [
  { key: 'location', value: location },
  { key: 'offset', value: '0' },
  { key: 'length', value: String(length) },
];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-bad-'));
  write('good.onnx', tinyModel());
  write('secret.bin', Buffer.alloc(16, 7));
  write('models/escape.onnx', tinyModel({ external: external('../secret.bin') }));
  write('models/absolute.onnx', tinyModel({ external: external(path.join(dir, 'secret.bin')) }));
  fs.symlinkSync(path.join(dir, 'secret.bin'), path.join(dir, 'models', 'link.bin'));
  write('models/symlink.onnx', tinyModel({ external: external('link.bin') }));
  write('models/missing.onnx', tinyModel({ external: external('weights.bin') }));
  write('models/inside.onnx', tinyModel({ external: external('data/w.bin') }));
  write('models/data/w.bin', Buffer.from(new Float32Array([1, 2, 3, 4]).buffer));
  write('models/short.onnx', tinyModel({ external: external('data/w.bin', 64) }));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('bad input', () => {
  it('a path that is not a file', () => {
    expectCode(() => readModelFile(path.join(dir, 'nope.onnx')), 'NOT_A_FILE');
    expectCode(() => readModelFile(dir), 'NOT_A_FILE');
  });

  it('a file that is not ONNX', () => {
    expectCode(() => readModelFile(write('notes.onnx', 'these are my notes, not a model\n')), 'NOT_ONNX');
    expectCode(
      () =>
        readModelFile(
          write('image.onnx', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])),
        ),
      'NOT_ONNX',
    );
    expectCode(() => readModelFile(write('empty.onnx', '')), 'NOT_ONNX');
  });

  it('a truncated file', () => {
    const bytes = tinyModel();
    expectCode(
      () => readModelFile(write('truncated.onnx', bytes.subarray(0, bytes.length - 9))),
      'TRUNCATED',
    );
  });

  it('an unsupported opset: ai.onnx operators with no ai.onnx import, or an opset too new to read', () => {
    // Every opset from 1 is analysed (opset 5 here, with its pre-7 broadcasting rules).
    const old = analyzeFile(write('opset5.onnx', tinyModel({ opset: 5 })));
    expect(old.summary.shapeErrors).toEqual([]);
    expect(old.summary.outputs[0]!.shape).toEqual([4]);
    // Add and Relu with only a com.microsoft import: no operator version to read them by.
    const orphan = write('no-opset.onnx', tinyModel({ opset: [{ domain: 'com.microsoft', version: 1 }] }));
    expect(readModelFile(orphan).opset).toBe(0); // still opens, so the import can be added
    const error = expectCode(() => analyzeFile(orphan), 'UNSUPPORTED_OPSET');
    expect(error.message).toMatch(/operator Add but imports ai\.onnx opset 0/);
    expectCode(() => readModelFile(write('opset99.onnx', tinyModel({ opset: 99 }))), 'UNSUPPORTED_OPSET');
  });

  it('external data inside the model folder is registered at open and read on demand', () => {
    const m = readModelFile(path.join(dir, 'models/inside.onnx'));
    const w = m.proto.graph!.initializer![0]!;
    expect(w.dataLocation).toBe(1); // kept as in the file: nothing was read at open
    expect(Array.from(new Float32Array(tensorBytes(w)!.buffer))).toEqual([1, 2, 3, 4]);
    expect(m.externalDataFiles).toEqual([fs.realpathSync(path.join(dir, 'models/data/w.bin'))]);
    expect(m.externalDataBytes).toBe(16);
  });

  it('a missing external-data file', () => {
    expectCode(() => readModelFile(path.join(dir, 'models/missing.onnx')), 'EXTERNAL_DATA_MISSING');
  });

  it('an external-data range beyond the end of its file', () => {
    expectCode(() => readModelFile(path.join(dir, 'models/short.onnx')), 'EXTERNAL_DATA_OUT_OF_RANGE');
  });

  it('an external-data path outside the model folder: relative, absolute or through a symlink', () => {
    for (const name of ['escape', 'absolute', 'symlink']) {
      expectCode(
        () => readModelFile(path.join(dir, `models/${name}.onnx`)),
        'EXTERNAL_DATA_OUTSIDE_MODEL_DIR',
      );
    }
  });

  it('a graph with a cycle', () => {
    const error = expectCode(
      () => analyzeFile(write('cycle.onnx', tinyModel({ cycle: true }))),
      'GRAPH_CYCLE',
    );
    expect(error.message).toMatch(/first.*second.*third|cycle/);
  });

  it('a malformed input binding', () => {
    expectCode(
      () => analyzeFile(path.join(dir, 'good.onnx'), { inputShapes: { nope: [1] } }),
      'BAD_INPUT_BINDING',
    );
  });

  it('the CLI exits non-zero with one line naming the problem', async () => {
    const cases: [string[], ErrorCode][] = [
      [['analyze', path.join(dir, 'nope.onnx')], 'NOT_A_FILE'],
      [['analyze', path.join(dir, 'notes.onnx')], 'NOT_ONNX'],
      [['analyze', path.join(dir, 'truncated.onnx')], 'TRUNCATED'],
      [['analyze', path.join(dir, 'no-opset.onnx')], 'UNSUPPORTED_OPSET'],
      [['analyze', path.join(dir, 'models/missing.onnx')], 'EXTERNAL_DATA_MISSING'],
      [['analyze', path.join(dir, 'models/escape.onnx')], 'EXTERNAL_DATA_OUTSIDE_MODEL_DIR'],
      [['analyze', path.join(dir, 'cycle.onnx')], 'GRAPH_CYCLE'],
      [['analyze', path.join(dir, 'good.onnx'), '--input', 'x=1xfoo-bar'], 'BAD_INPUT_BINDING'],
    ];
    for (const [args, code] of cases) {
      const result = await cli(...args);
      expect(result.code, args.join(' ')).not.toBe(0);
      const lines = result.stderr.trim().split('\n');
      expect(lines, args.join(' ')).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^cutline: ${code}: `));
      expect(result.stdout).toBe('');
    }
  });
});
