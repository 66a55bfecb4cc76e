/**
 * The text (non-JSON) output of `cutline solve` and `cutline export` lists the tensors on a cut by
 * name, and a name comes from the model file: it must reach the terminal escaped like every other
 * name the CLI prints (issue 13, point 4), not as a raw escape sequence or bidi override.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graph, model, node, valueInfo } from '../core/onnx/builder.js';
import { encodeModelProto } from '../core/onnx/codec.js';
import { DataType } from '../core/onnx/dtype.js';
import { unsafeMessage } from './support/safe-message.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../bin/cutline.js');

/** A tensor name that would colour the terminal red and reverse what follows it. */
const HOSTILE = 'a\x1b[31mRED\x1b[0m\u202eb';
const SHOWN = 'a\\x1b[31mRED\\x1b[0m\\u202eb';

/** Solve options that put n1 on the device and n3 on the cloud, so HOSTILE crosses a cut. */
const SPLIT = [
  '-t',
  'pi4-wifi-edge-wan-cloud',
  '-s',
  'single-split',
  '-c',
  'min-device-layers=1',
  '-c',
  'pin:n3=cloud',
];

let dir: string;
let modelPath: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-text-names-'));
  modelPath = path.join(dir, 'hostile.onnx');
  fs.writeFileSync(
    modelPath,
    encodeModelProto(
      model({
        graph: graph({
          name: 'g',
          nodes: [
            node('Relu', ['x'], [HOSTILE], [], 'n1'),
            node('Neg', [HOSTILE], ['b'], [], 'n2'),
            node('Relu', ['b'], ['y'], [], 'n3'),
          ],
          inputs: [valueInfo('x', DataType.FLOAT, [1, 1000])],
          outputs: [valueInfo('y', DataType.FLOAT, [1, 1000])],
        }),
      }),
    ),
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Every line of a command's output is inert, and the one matching `line` shows the name escaped. */
function expectEscaped(stdout: string, line: RegExp): void {
  const lines = stdout.split('\n');
  expect(lines.map(unsafeMessage).filter(Boolean)).toEqual([]);
  expect(lines.find((l) => line.test(l))).toContain(SHOWN);
}

describe('names of cut tensors in text output', () => {
  it('cutline solve lists the cut with the name escaped', async () => {
    const { stdout } = await run(process.execPath, [CLI, 'solve', modelPath, ...SPLIT]);
    expectEscaped(stdout, /^single-split: .*; cut: /);
  });

  it('cutline export lists the crossing with the name escaped', async () => {
    const { stdout: plan } = await run(process.execPath, [CLI, 'solve', modelPath, ...SPLIT, '--json']);
    const planPath = path.join(dir, 'plan.json');
    fs.writeFileSync(planPath, plan);
    const { stdout } = await run(process.execPath, [
      CLI,
      'export',
      modelPath,
      '-t',
      'pi4-wifi-edge-wan-cloud',
      '--placement',
      planPath,
      '--out',
      path.join(dir, 'bundle'),
      '--no-verify',
    ]);
    expectEscaped(stdout, /^Crossing /);
  });
});
