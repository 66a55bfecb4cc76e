/**
 * The page's side of host jobs against a real web host, over real HTTP and server-sent events:
 * the header's binding fields for the PaddleOCR-like detector make the binding the CLI takes,
 * and the 'analyse' job run through the page's job runner reports the MACs `cutline analyze
 * --input x=1x3x640x640` reports; a binding the model refuses comes back as its coded error.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../../core/analyze.js';
import { bindingsFromFields, inputFields } from '../../app/renderer/actions/input-binding.js';
import { createJobRunner } from '../../app/renderer/actions/jobs.js';
import { expectOpened, webHostHarness } from '../support/studio-host-fixtures.js';

const DETECTOR = path.resolve('samples/ocr-det-mini.onnx');

let dir: string;
const hosts = webHostHarness(() => dir);

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-renderer-jobs-'));
});
afterEach(() => hosts.stopAll());
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('input binding as a host job', () => {
  it('binds H and W of the detector and shows the CLI figure', async () => {
    const { client } = await hosts.start();
    const runner = createJobRunner(client);
    await client.eventsConnected();
    const model = expectOpened(
      await client.openBytes('ocr-det-mini.onnx', new Uint8Array(fs.readFileSync(DETECTOR))),
    );

    const fields = inputFields(model.view.summary, model.inputs, model.view.summary.declaredInputShapes);
    const editable = fields[0]!.dims!.filter((d) => d.fixed === null).map((d) => d.label);
    expect(editable).toEqual(['x dimension 2 (H)', 'x dimension 3 (W)']);
    const made = bindingsFromFields(fields, { 'x dimension 2 (H)': '640', 'x dimension 3 (W)': '640' });
    expect(made).toEqual({ ok: true, inputs: { x: '1x3x640x640' } });
    if (!made.ok) return;

    const fractions: number[] = [];
    let jobId: string | null = null;
    const outcome = await runner.run(
      model.sessionId,
      { kind: 'analyse', args: { inputs: made.inputs } },
      { started: (id) => (jobId = id), progress: (fraction) => fractions.push(fraction) },
    );
    if (!outcome.ok) throw new Error(outcome.error.message);
    expect(jobId).not.toBeNull();
    expect(fractions.length).toBeGreaterThan(0);
    const cli = analyzeFile(DETECTOR, { inputShapes: { x: [1, 3, 640, 640] } });
    expect(outcome.value.view.summary.totals.macs).toBe(cli.totals.macs);
    expect(outcome.value.view.summary.totals.macs).not.toBe(model.view.summary.totals.macs);
    expect(outcome.value.inputs).toEqual({ x: '1x3x640x640' });

    // After binding, the fields show the bound sizes under the symbols the model declared.
    const bound = inputFields(
      outcome.value.view.summary,
      outcome.value.inputs,
      model.view.summary.declaredInputShapes,
    );
    expect(bound[0]!.dims!.filter((d) => d.fixed === null).map((d) => [d.label, d.value])).toEqual([
      ['x dimension 2 (H)', '640'],
      ['x dimension 3 (W)', '640'],
    ]);
    runner.stop();
  });

  it('reports a binding the model refuses with its code, and the session still answers', async () => {
    const { client } = await hosts.start();
    const runner = createJobRunner(client);
    await client.eventsConnected();
    const model = expectOpened(
      await client.openBytes('ocr-det-mini.onnx', new Uint8Array(fs.readFileSync(DETECTOR))),
    );
    const refused = await runner.run(model.sessionId, {
      kind: 'analyse',
      args: { inputs: { image: '1x3x64x64' } },
    });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('BAD_INPUT_BINDING');
      expect(refused.error.message).toContain('image');
    }
    const fine = await runner.run(model.sessionId, { kind: 'analyse', args: { inputs: { x: '1x3x32x32' } } });
    expect(fine.ok).toBe(true);
    runner.stop();
  });
});
