/**
 * The worker's staged analysis (app/host/worker/staged-analysis.ts) must produce exactly what
 * core's analyzeModel does: it only adds progress reports between the stages.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAMPLES_DIR } from '../app/host/sample-catalog.js';
import { analyzeInStages, openSource } from '../app/host/worker/staged-analysis.js';
import type { AnalysisStage } from '../app/host/worker/protocol.js';
import { analyzeModel } from '../core/analyze.js';
import { readModelFile } from '../core/onnx/read.js';

const samples = fs.readdirSync(SAMPLES_DIR).filter((name) => name.endsWith('.onnx'));

describe('staged analysis', () => {
  it.each(samples)('%s: same analysis as analyzeModel, stages reported in order', (name) => {
    const file = path.join(SAMPLES_DIR, name);
    const stages: AnalysisStage[] = [];
    const staged = analyzeInStages(
      openSource({ kind: 'file', path: file }, (stage) => stages.push(stage)),
      (stage) => stages.push(stage),
    );
    const reference = analyzeModel(readModelFile(file));
    expect(stages).toEqual(['read', 'decode', 'graph', 'shapes', 'costs', 'layers']);
    expect(staged.summary).toEqual(reference.summary);
    expect(staged.totals).toEqual(reference.totals);
    expect(staged.costs).toEqual(reference.costs);
    expect(staged.layers.layers).toEqual(reference.layers.layers);
    expect(staged.layers.edges).toEqual(reference.layers.edges);
    expect(staged.model.path).toBe(reference.model.path);
  });

  it('names the file it could not find', () => {
    expect(() =>
      openSource({ kind: 'file', path: path.join(SAMPLES_DIR, 'nope.onnx') }, () => undefined),
    ).toThrow(expect.objectContaining({ code: 'NOT_A_FILE' }));
    expect(() => openSource({ kind: 'file', path: SAMPLES_DIR }, () => undefined)).toThrow(
      expect.objectContaining({ code: 'NOT_A_FILE' }),
    );
  });
});
