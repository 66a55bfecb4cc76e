/**
 * The tier runtime's error messages are one safe line (issue 13, point 4): malformed requests
 * whose names carry terminal escapes, line breaks, C1 and bidi controls and a megabyte of text
 * get an OIP error of one bounded line of plain text over a real socket, and a peer tier that
 * answers with such a sentence becomes a bounded one-line TierError (what a tier relays and logs);
 * a tier process that cannot start says why in one such line.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTierClient } from '../core/runtime/oip/client.js';
import { TierError } from '../core/runtime/oip/errors.js';
import type { TierModel } from '../core/runtime/oip/model.js';
import { createTierServer, type TierServer } from '../core/runtime/oip/server.js';
import { LINE_LIMIT } from '../core/text/quote-name.js';

const TOKEN = 'tier-safe-messages-token-0123456789';
const MIB = 1024 * 1024;
/** ESC sequences, CR LF, a C1 CSI and a right-to-left override, then a megabyte. */
const HOSTILE = `\x1b[31mred\x1b[0m\r\nnext\u009b\u202e${'A'.repeat(MIB)}`;
/** How HOSTILE reads in a message: escaped, and cut at 80 characters. */
const HOSTILE_SHOWN = '"\\x1b[31mred\\x1b[0m\\x0d\\x0anext\\x9b\\u202eAAAA';

/** Characters a terminal acts on rather than shows: C0, DEL, C1, line separators, bidi controls. */
function controlCharacters(text: string): string[] {
  return [...text].filter((c) => {
    const code = c.codePointAt(0)!;
    return (
      code < 0x20 ||
      (code >= 0x7f && code <= 0x9f) ||
      code === 0x2028 ||
      code === 0x2029 ||
      (code >= 0x202a && code <= 0x202e) ||
      (code >= 0x2066 && code <= 0x2069)
    );
  });
}

/** The sentence is one line of plain text within LINE_LIMIT (and a trailing ellipsis). */
function expectOneSafeLine(sentence: string): void {
  expect(controlCharacters(sentence)).toEqual([]);
  expect(sentence.length).toBeLessThanOrEqual(LINE_LIMIT + 1);
}

const echo: TierModel = {
  inputs: [{ name: 'x', datatype: 'FP32', shape: [-1] }],
  outputs: [{ name: 'y', datatype: 'FP32', shape: [-1] }],
  infer: (inputs) => Promise.resolve({ outputs: [{ ...inputs[0]!, name: 'y' }] }),
};
/** A model whose own error (as onnxruntime's may) spans lines and quotes what it was given. */
const failing: TierModel = {
  ...echo,
  infer: () => Promise.reject(new Error(`kernel failed on node ${HOSTILE}\nat line 2\x1b[2J`)),
};

let server: TierServer;
beforeAll(async () => {
  server = await createTierServer({
    token: TOKEN,
    drainTimeoutMs: 500,
    models: new Map([
      ['m', echo],
      ['failing', failing],
    ]),
  });
});
afterAll(() => server.close());

/** Sends a request to the tier; the raw answer text and its status. */
async function send(path: string, body?: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${server.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, text: await response.text() };
}

const fp32 = (name: string, data: unknown[] = [1]) => ({
  name,
  datatype: 'FP32',
  shape: [data.length],
  data,
});

describe('tier error answers to hostile requests', () => {
  const cases: readonly {
    readonly what: string;
    readonly path: string;
    readonly body?: string;
    readonly status: number;
    readonly says: readonly string[];
  }[] = [
    {
      what: 'an input the model does not take',
      path: '/v2/models/m/infer',
      body: JSON.stringify({ inputs: [fp32('x'), fp32(HOSTILE)] }),
      status: 400,
      says: [
        `Model "m" has no input ${HOSTILE_SHOWN}`,
        `(${HOSTILE.length} characters); its inputs are "x".`,
      ],
    },
    {
      what: 'an output the model does not make',
      path: '/v2/models/m/infer',
      body: JSON.stringify({ inputs: [fp32('x')], outputs: [{ name: HOSTILE }] }),
      status: 400,
      says: [`Model "m" has no output ${HOSTILE_SHOWN}`, 'its outputs are "y".'],
    },
    {
      what: 'two inputs of one name',
      path: '/v2/models/m/infer',
      body: JSON.stringify({ inputs: [fp32(HOSTILE), fp32(HOSTILE)] }),
      status: 400,
      says: [`The input name ${HOSTILE_SHOWN}`, 'appears twice'],
    },
    {
      what: 'a data element that is a megabyte of controls',
      path: '/v2/models/m/infer',
      body: JSON.stringify({ inputs: [fp32('x', [`\u009b\u202e\u2028${'B'.repeat(MIB)}`])] }),
      status: 400,
      says: ['Input "x" has "\\x9b\\u202e\\u2028BBB', '… at data[0]; FP32 elements are numbers.'],
    },
    {
      what: 'a shape of 100,000 dimensions on a hostile name',
      path: '/v2/models/m/infer',
      body: JSON.stringify({
        inputs: [{ name: HOSTILE, datatype: 'FP32', shape: new Array(100_000).fill(1000), data: [] }],
      }),
      status: 400,
      says: [
        `Input ${HOSTILE_SHOWN}`,
        'has shape [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, …] (100000 dimensions)',
      ],
    },
    {
      what: 'a body that is not JSON',
      path: '/v2/models/m/infer',
      body: `{"inputs": [\x1b[2J\r\n\u202e${'C'.repeat(MIB)}`,
      status: 400,
      says: ['The body is not valid JSON ('],
    },
    {
      what: 'a model name in the path',
      path: `/v2/models/${encodeURIComponent(`\x1b[2J\r\n\u202e${'D'.repeat(8000)}`)}`,
      status: 404,
      says: [
        'This tier serves no model "\\x1b[2J\\x0d\\x0a\\u202eDDD',
        '(8007 characters); it serves "m", "failing".',
      ],
    },
    {
      what: "a model's own multi-line error",
      path: '/v2/models/failing/infer',
      body: JSON.stringify({ inputs: [fp32('x')] }),
      status: 500,
      says: ['Model "failing" failed: kernel failed on node \\x1b[31mred\\x1b[0m next\\x9b\\u202eAAA'],
    },
  ];

  for (const { what, path, body, status, says } of cases) {
    it(`${what}: ${status}, one bounded line of plain text`, async () => {
      const answer = await send(path, body);
      expect(answer.status).toBe(status);
      // The raw body too: JSON would carry C1 and bidi controls unescaped.
      expect(controlCharacters(answer.text)).toEqual([]);
      expect(answer.text.length).toBeLessThan(4 * LINE_LIMIT);
      const parsed = JSON.parse(answer.text) as Record<string, unknown>;
      expect(Object.keys(parsed)).toEqual(['error']);
      const sentence = parsed.error as string;
      expectOneSafeLine(sentence);
      for (const part of says) expect(sentence).toContain(part);
    });
  }

  it('still serves a good request after them', async () => {
    const answer = await send('/v2/models/m/infer', JSON.stringify({ inputs: [fp32('x', [2.5])] }));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ outputs: [{ name: 'y', data: [2.5] }] });
  });
});

describe('a peer tier answering with a hostile sentence', () => {
  let peer: http.Server;
  let peerUrl: string;
  beforeAll(async () => {
    // Another program, not a Cutline tier: it answers every request with this error object.
    const sentence = `\x1b]0;pwned\x07\r\nfake: line\u0085\u202e${'E'.repeat(MIB)}`;
    peer = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: sentence }));
      });
    });
    await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
    peerUrl = `http://127.0.0.1:${(peer.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => peer.close(() => resolve())));

  it('becomes a TierError of one bounded line, as the tier relays and logs it', async () => {
    const client = createTierClient({ baseUrl: peerUrl, token: TOKEN, timeoutMs: 10_000 });
    try {
      const error = await client
        .infer('m', [{ name: 'x', datatype: 'FP32', shape: [1], data: Float32Array.of(1) }])
        .then(
          () => null,
          (thrown: unknown) => thrown,
        );
      expect(error).toBeInstanceOf(TierError);
      const tierError = error as TierError;
      expect(tierError.status).toBe(500);
      expectOneSafeLine(tierError.serverMessage);
      expect(tierError.serverMessage.startsWith('\\x1b]0;pwned\\x07 fake: line\\x85\\u202eEEE')).toBe(true);
      expect(controlCharacters(tierError.message)).toEqual([]);
      expect(tierError.message.length).toBeLessThan(LINE_LIMIT + peerUrl.length + 40);
    } finally {
      client.close();
    }
  });
});

describe('a tier process that cannot start', () => {
  it('says why in one escaped line, though its bundle path carries escapes and a line break', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-tier-safe-'));
    try {
      // A folder name a bundle could arrive with (one path segment: at most 255 bytes).
      const bundle = path.join(work, `\x1b[2J\x1b]0;pwned\x07\nfake: line\u202e${'b'.repeat(200)}`);
      fs.mkdirSync(bundle);
      const bin = path.resolve(import.meta.dirname, '../bin/cutline-tier.js');
      const failure = await promisify(execFile)(process.execPath, [bin, '--bundle', bundle, '--port', '0'], {
        cwd: work,
      }).then(
        () => null,
        (error: unknown) => error as { code: number; stderr: string },
      );
      expect(failure?.code).toBe(2);
      const stderr = failure!.stderr;
      expect(stderr.startsWith('cutline-tier: BAD_BUNDLE: Cannot read ')).toBe(true);
      expect(stderr.indexOf('\n')).toBe(stderr.length - 1);
      expectOneSafeLine(stderr.slice(0, -1).replace(/^cutline-tier: /, ''));
      expect(stderr).toContain('\\x1b[2J\\x1b]0;pwned\\x07 fake: line\\u202ebbb');
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
