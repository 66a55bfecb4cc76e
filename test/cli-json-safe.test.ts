/**
 * `cutline … --json` carries names from the model as they are, but never a raw C1 control, line
 * separator or bidi control: JSON.stringify leaves those unescaped, the CLI's JSON writer
 * (app/cli/json-output.ts) writes them as \uXXXX, so the output parses back to the same names and
 * shows as plain text in a terminal or a log (issue 13, point 4).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeJsonStringify } from '../app/cli/json-output.js';
import { graph, model, node, valueInfo } from '../core/onnx/builder.js';
import { encodeModelProto } from '../core/onnx/codec.js';
import { DataType } from '../core/onnx/dtype.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../bin/cutline.js');

/** Raw characters JSON.stringify lets through that terminals and viewers act on. */
const UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;

/** C1 CSI and NEL, a right-to-left override, an isolate, a line separator, DEL, a BOM. */
const INPUT = 'in\u0085put\u009b2J';
const NAMES = ['relu\u202eexe.txt', 'neg\u2066isolated\u2069', 'line\u2028separated\u007f\ufeff'];

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-json-safe-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('safeJsonStringify', () => {
  it('escapes C1, separators and bidi controls, and parses back to the same value', () => {
    const value = { name: NAMES.join('|'), list: [INPUT, 'plain', '\x1b[31m'] };
    const text = safeJsonStringify(value);
    expect(text).not.toMatch(UNSAFE);
    expect(text).toContain('relu\\u202eexe.txt');
    expect(text).toContain('in\\u0085put\\u009b2J');
    expect(text).toContain('\\u001b[31m'); // C0, as JSON.stringify already writes it
    expect(JSON.parse(text)).toEqual(value);
    expect(JSON.parse(safeJsonStringify(value, 2))).toEqual(value);
  });

  it('agrees with JSON.stringify on what any JSON value parses to, and leaves nothing unsafe raw', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 3 }),
        fc.string({ unit: 'binary', maxLength: 40 }),
        (value, key) => {
          const document = { [key]: value, key };
          const text = safeJsonStringify(document);
          expect(text).not.toMatch(UNSAFE);
          expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(document)));
        },
      ),
    );
  });
});

describe('cutline analyze --json', () => {
  it('prints hostile node and input names escaped, and they parse back unchanged', async () => {
    const file = path.join(dir, 'hostile.onnx');
    fs.writeFileSync(
      file,
      encodeModelProto(
        model({
          graph: graph({
            name: `graph\u202e`,
            nodes: [
              node('Relu', [INPUT], ['a'], [], NAMES[0]),
              node('Neg', ['a'], ['b'], [], NAMES[1]),
              node('Relu', ['b'], ['y'], [], NAMES[2]),
            ],
            inputs: [valueInfo(INPUT, DataType.FLOAT, [1, 4])],
            outputs: [valueInfo('y', DataType.FLOAT, [1, 4])],
          }),
        }),
      ),
    );
    const { stdout } = await run(process.execPath, [CLI, 'analyze', file, '--json']);
    expect(stdout.endsWith('\n')).toBe(true);
    expect(stdout.indexOf('\n')).toBe(stdout.length - 1);
    expect(stdout).not.toMatch(UNSAFE);
    expect(stdout).toContain('relu\\u202eexe.txt');
    const document = JSON.parse(stdout) as {
      model: { graph: string };
      inputs: { name: string }[];
      layers: { name: string }[];
    };
    expect(document.model.graph).toBe('graph\u202e');
    expect(document.inputs.map((input) => input.name)).toEqual([INPUT]);
    expect(document.layers.map((layer) => layer.name)).toEqual(NAMES);
  });
});
