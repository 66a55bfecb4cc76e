/**
 * A host no file can take down (issue 13, acceptance point 4): every kept regression file of the
 * fuzzer (test/fixtures/fuzz-regressions/, with its cases.json) and every hostile shape model is
 * uploaded, one after another, through the page's upload route of a real web host (HTTP on
 * loopback): each gets its named error (or opens, for the "ok" cases), and the host answers
 * hostInfo after each. Then a model that really exhausts its analysis process's heap and one that
 * outlasts the time budget: named errors, the host answers, and the model opened before them is
 * still open in its session.
 *
 * The time budget uses the analysis's test hook (app/host/worker/test-hooks.ts, set through the
 * host option `childEnv`): no known file hangs any more, so `stall.onnx` hangs only because this
 * test tells the analysis process to spin on that name. The heap exhaustion is a real model.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_HOOK_ENV } from '../app/host/worker/test-hooks.js';
import type { JobEvent, OpenResult } from '../app/shared/studio-api.js';
import { loadTopology } from '../core/profiles/load.js';
import { HOSTILE_SHAPE_MODELS } from './support/hostile-shape-models.js';
import { chainModel, tinyModel, webHostHarness } from './support/studio-host-fixtures.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-hostile-uploads-'));
const hosts = webHostHarness(() => dir);
afterAll(async () => {
  await hosts.stopAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

const CORPUS_DIR = path.join(import.meta.dirname, 'fixtures', 'fuzz-regressions');
/** Enough for every small model here on a loaded machine; the stalled one never answers. */
const OPEN_BUDGET_MS = 8_000;
/** Holds a small model's analysis, not a 200,000-node one's (as test/host-sessions.test.ts). */
const HEAP_MB = 64;

interface UploadCase {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** An error code, or "ok" for a file that must open. */
  readonly expect: string;
}

/** The kept regression files (when the corpus is there) and the hostile shape models. */
function uploadCases(): UploadCase[] {
  const cases: UploadCase[] = HOSTILE_SHAPE_MODELS.map(({ op, bytes }) => ({
    name: `hostile-${op}.onnx`,
    bytes,
    expect: 'SHAPE_LIMIT',
  }));
  const index = path.join(CORPUS_DIR, 'cases.json');
  if (!fs.existsSync(index)) return cases;
  const kept = JSON.parse(fs.readFileSync(index, 'utf8')) as Record<
    string,
    { expect: string; expectUpload?: string }
  >;
  for (const [file, entry] of Object.entries(kept))
    cases.push({
      name: file,
      bytes: fs.readFileSync(path.join(CORPUS_DIR, file)),
      expect: uploadExpectation(entry),
    });
  return cases;
}

/**
 * What a kept case must give when uploaded: `expectUpload` when the corpus says, else `expect`,
 * except that uploaded bytes have no folder, so the host resolves none of their external data:
 * a reference that opened from disk fails on its path (outside the folder, out of range) is
 * simply missing in an upload.
 */
function uploadExpectation(entry: { expect: string; expectUpload?: string }): string {
  if (entry.expectUpload !== undefined) return entry.expectUpload;
  return entry.expect.startsWith('EXTERNAL_DATA_') ? 'EXTERNAL_DATA_MISSING' : entry.expect;
}

/** A named error: a code and one line a user can read. */
function expectNamedError(result: OpenResult, code: string, fileName: string): string {
  if (result.ok) throw new Error(`${fileName} opened; expected ${code}`);
  expect({ file: fileName, code: result.error.code }).toEqual({ file: fileName, code });
  expect(result.error.message).not.toMatch(/[\r\n]/);
  expect(result.error.message.length).toBeGreaterThan(10);
  // Which file failed, also for errors a node raises (SHAPE_LIMIT names the node).
  expect(result.error.message).toContain(fileName);
  return result.error.message;
}

describe('a web host given hostile uploads one after another', () => {
  it('names every failure, answers hostInfo after each, and keeps the model opened before', async () => {
    const { web, client } = await hosts.start({
      studio: {
        analysis: {
          heapMb: HEAP_MB,
          openTimeoutMs: OPEN_BUDGET_MS,
          childEnv: { [TEST_HOOK_ENV]: 'hang:stall.onnx' },
        },
      },
    });
    const answers = async (): Promise<void> =>
      expect(await client.hostInfo()).toMatchObject({ version: web.host.version });

    const before = await client.openSample('resnet-mini');
    if (!before.ok) throw new Error(before.error.message);
    const cases = uploadCases();
    expect(cases.length).toBeGreaterThanOrEqual(HOSTILE_SHAPE_MODELS.length);
    for (const upload of cases) {
      const result = await client.openBytes(upload.name, upload.bytes);
      if (upload.expect === 'ok') {
        if (!result.ok) throw new Error(`${upload.name}: ${result.error.code} ${result.error.message}`);
        // As the page does when it moves on: the upload's session ends, the earlier model's stays.
        await client.closeSession(result.model.sessionId);
      } else expectNamedError(result, upload.expect, upload.name);
      await answers();
    }

    // A real model whose analysis needs far more than the process's heap: its process dies, the host does not.
    const huge = expectNamedError(
      await client.openBytes('huge.onnx', chainModel(200_000)),
      'ANALYSIS_OUT_OF_MEMORY',
      'huge.onnx',
    );
    expect(huge).toContain(`huge.onnx needed more memory than its analysis may use (${HEAP_MB} MB)`);
    await answers();

    // An analysis that never answers is stopped at the budget.
    const stalled = expectNamedError(
      await client.openBytes('stall.onnx', tinyModel()),
      'ANALYSIS_TIME_LIMIT',
      'stall.onnx',
    );
    expect(stalled).toMatch(/^stall\.onnx was not analysed within 8\.0 s, so its analysis was stopped/);
    await answers();

    // The model opened first is still open: its session runs a job.
    const ended = new Promise<JobEvent>((resolve) =>
      client.onJob((event) => {
        if (event.type === 'done' || event.type === 'failed') resolve(event);
      }),
    );
    await client.eventsConnected();
    const started = await client.startJob(before.model.sessionId, {
      kind: 'problem',
      args: { topology: loadTopology('n2-wifi-i7') },
    });
    if (!started.ok) throw new Error(started.error.message);
    expect(await ended).toMatchObject({ type: 'done', jobId: started.jobId, result: { kind: 'problem' } });
  });
});
