/**
 * Names inside a model file reach the user only quoted, escaped and cut: a model whose names
 * carry terminal escapes, line breaks, bidi overrides and a megabyte of text makes `cutline`
 * print one bounded line of plain text, and its tables hold no control character (issue 13).
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
import { oneLine, quoteName, quoteNames } from '../core/text/quote-name.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../bin/cutline.js');
const ERROR_LINE_LIMIT = 500;

const RED = 'red\x1b[31mALERT\x1b[0m';
const CRLF = 'line\r\nbreak';
const BIDI = 'bidi\u202eexe.txt\u2066';
const HUGE = `huge${'A'.repeat(1024 * 1024)}`;

let dir: string;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Characters a terminal would act on rather than show: C0 but the newline, DEL, C1, bidi controls. */
function controlCharacters(text: string): string[] {
  return [...text].filter((c) => {
    const code = c.codePointAt(0)!;
    return (
      (code < 0x20 && c !== '\n') ||
      (code >= 0x7f && code <= 0x9f) ||
      (code >= 0x202a && code <= 0x202e) ||
      (code >= 0x2066 && code <= 0x2069)
    );
  });
}

function write(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** Input RED → Relu (CRLF) → Neg (BIDI) → Relu (HUGE) → output; optionally a cycle through them. */
function hostileModel(options: { cycle?: boolean; dangling?: boolean } = {}): Uint8Array {
  const nodes = options.cycle
    ? [
        node('Add', [RED, 'c'], ['a'], [], CRLF),
        node('Neg', ['a'], ['b'], [], BIDI),
        node('Relu', ['b'], ['c'], [], HUGE),
        node('Identity', ['b'], ['y'], [], 'out'),
      ]
    : [
        node('Relu', [RED], ['a'], [], CRLF),
        node('Neg', [options.dangling ? HUGE : 'a'], ['b'], [], BIDI),
        node('Relu', ['b'], ['y'], [], HUGE),
      ];
  return encodeModelProto(
    model({
      graph: graph({
        name: `graph${RED}`,
        nodes,
        inputs: [valueInfo(RED, DataType.FLOAT, [1, 4])],
        outputs: [valueInfo('y', DataType.FLOAT, [1, 4])],
      }),
    }),
  );
}

/** stderr is one line of plain text, within the bound, naming the error code. */
function expectOneSafeLine(stderr: string, code: string): void {
  expect(stderr.endsWith('\n')).toBe(true);
  expect(stderr.indexOf('\n')).toBe(stderr.length - 1);
  expect(controlCharacters(stderr)).toEqual([]);
  expect(stderr).not.toContain('\x1b');
  expect(stderr.length).toBeLessThanOrEqual(ERROR_LINE_LIMIT + 1);
  expect(stderr).toMatch(new RegExp(`^cutline: ${code}: `));
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-safe-messages-'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('quoteName', () => {
  it('quotes, escapes control and bidi characters, and cuts a long name saying its length', () => {
    expect(quoteName('conv1')).toBe('"conv1"');
    expect(quoteName(RED)).toBe('"red\\x1b[31mALERT\\x1b[0m"');
    expect(quoteName(CRLF)).toBe('"line\\x0d\\x0abreak"');
    expect(quoteName(BIDI)).toBe('"bidi\\u202eexe.txt\\u2066"');
    expect(quoteName('del\x7fc1\x9b')).toBe('"del\\x7fc1\\x9b"');
    const cut = quoteName(HUGE);
    expect(cut).toBe(`"huge${'A'.repeat(76)}…" (${HUGE.length} characters)`);
    // A name of exactly the limit is shown whole.
    expect(quoteName('b'.repeat(80))).toBe(`"${'b'.repeat(80)}"`);
  });

  it('lists at most ten names and counts the rest', () => {
    expect(quoteNames([])).toBe('(none)');
    const many = Array.from({ length: 12 }, (_, i) => `in${i}`);
    expect(quoteNames(many)).toBe(
      `${many
        .slice(0, 10)
        .map((n) => `"${n}"`)
        .join(', ')}, … (12 in all)`,
    );
  });

  it('oneLine joins a message of several lines and bounds it', () => {
    expect(oneLine('2 problems:\n  - a\n  - b', 500)).toBe('2 problems: - a - b');
    const long = oneLine(`x${'\n'.repeat(10)}${'y'.repeat(10_000)}`, 100);
    expect(long.length).toBe(101);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('cutline with hostile names in the model', () => {
  it('a graph cycle through hostile node names is one safe line naming the cycle', async () => {
    const result = await cli('analyze', write('cycle.onnx', hostileModel({ cycle: true })));
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expectOneSafeLine(result.stderr, 'GRAPH_CYCLE');
    expect(result.stderr).toContain('has a cycle through');
    expect(result.stderr).toContain('"line\\x0d\\x0abreak"');
    expect(result.stderr).toContain('"bidi\\u202eexe.txt\\u2066"');
  });

  it('a node reading a megabyte-named tensor nobody makes is one safe line naming it cut', async () => {
    const result = await cli('analyze', write('dangling.onnx', hostileModel({ dangling: true })));
    expect(result.code).not.toBe(0);
    expectOneSafeLine(result.stderr, 'GRAPH_INVALID');
    expect(result.stderr).toContain(`reads tensor "huge${'A'.repeat(76)}…" (${HUGE.length} characters)`);
    expect(result.stderr).toContain('Graph "graphred\\x1b[31mALERT\\x1b[0m"');
  });

  it('a --input binding naming no input lists the hostile inputs safely', async () => {
    const file = write('good.onnx', hostileModel());
    const result = await cli('analyze', file, '--input', 'nope\x1b[2J=1x4');
    expect(result.code).not.toBe(0);
    expectOneSafeLine(result.stderr, 'BAD_INPUT_BINDING');
    expect(result.stderr).toContain(
      'no input named "nope\\x1b[2J"; its inputs are "red\\x1b[31mALERT\\x1b[0m"',
    );
  });

  it('a malformed --input binding with a line break in it is one safe line', async () => {
    const file = write('good.onnx', hostileModel());
    const result = await cli('analyze', file, '--input', `x\r\n${'z'.repeat(5000)}=1xfoo-bar`);
    expect(result.code).not.toBe(0);
    expectOneSafeLine(result.stderr, 'BAD_INPUT_BINDING');
    expect(result.stderr).toContain('"x\\x0d\\x0azzz');
  });

  it('analyze prints a valid model with hostile names with no control character and no huge line', async () => {
    const file = write('good.onnx', hostileModel());
    for (const args of [[], ['--all-nodes']]) {
      const result = await cli('analyze', file, ...args);
      expect(result.code, result.stderr).toBe(0);
      expect(controlCharacters(result.stdout)).toEqual([]);
      const lines = result.stdout.trimEnd().split('\n');
      expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(600);
      // Every layer is still one row, its name escaped or cut.
      expect(lines.some((l) => l.includes('line\\x0d\\x0abreak') && l.includes('Relu'))).toBe(true);
      expect(lines.some((l) => l.includes('bidi\\u202eexe.txt\\u2066') && l.includes('Neg'))).toBe(true);
      expect(lines.some((l) => l.includes(`huge${'A'.repeat(76)}…`))).toBe(true);
      expect(lines.find((l) => l.startsWith('  red'))).toBe('  red\\x1b[31mALERT\\x1b[0m: float [1, 4]');
    }
  });
});
