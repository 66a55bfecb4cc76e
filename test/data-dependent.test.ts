/**
 * Data-dependent layers (core/costs/data-dependent.ts) on real ONNX models: the operators that
 * decide a size at run time, what their outputs size downstream, and where the flag stops (a
 * node whose shapes are all fixed costs the same whatever the data). Then the flag's path to the
 * partition source and the per-tier marks.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBytes, analyzeFile, type Analysis } from '../core/analyze.js';
import {
  dataDependentNote,
  dataDependentPerTier,
  predictedMsText,
} from '../core/costs/data-dependent-figures.js';
import { attr, graph, model, node, scalarInt64, tensorFromInt64, valueInfo } from '../core/onnx/builder.js';
import { encodeModelProto } from '../core/onnx/codec.js';
import { DataType } from '../core/onnx/dtype.js';
import { partitionSource } from '../core/partition/source.js';
import { detectorModel, loopModel, nonZeroModel, topKModel } from './support/data-dependent-models.js';
import { TESTDATA_ROOT } from './support/testdata.js';

/** Layer name → its reason, for the flagged layers only. */
function flagged(analysis: Analysis): Map<string, string> {
  return new Map(
    analysis.layers.layers.flatMap((l) => (l.dataDependent ? [[l.name, l.dataDependent.reason]] : [])),
  );
}

describe('data-dependent layers', () => {
  it('flags an SSD-like detector from NonMaxSuppression on, and stops at the first fixed-size node', () => {
    const analysis = analyzeBytes(detectorModel());
    const flags = flagged(analysis);
    expect([...flags.keys()]).toEqual(['cloud_nms', 'cloud_box_index', 'cloud_detections', 'cloud_sum']);
    expect(flags.get('cloud_nms')).toMatch(
      /^NonMaxSuppression keeps as many boxes as the scores let through/,
    );
    expect(flags.get('cloud_detections')).toBe(
      'its size follows what NonMaxSuppression "cloud_nms" returns, known only at run time',
    );
    // The backbone and heads before it, and the scaling of the fixed-size sum after it, are static.
    for (const name of ['device_conv', 'edge_boxes', 'edge_score_sigmoid', 'cloud_box_table', 'cloud_scale'])
      expect(flags.has(name)).toBe(false);
    const nms = analysis.layers.layers.find((l) => l.name === 'cloud_nms')!;
    expect(nms.dataDependent).toMatchObject({ sourceNode: 'cloud_nms', sourceOp: 'NonMaxSuppression' });
    const detections = analysis.layers.layers.find((l) => l.name === 'cloud_detections')!;
    expect(detections.dataDependent?.sourceNode).toBe('cloud_nms');
  });

  it('flags NonZero and what it sizes, not the sum beside it', () => {
    expect([...flagged(analyzeBytes(nonZeroModel())).keys()]).toEqual(['nonzero', 'coordinates']);
  });

  it('flags TopK only when k is computed at run time', () => {
    expect(flagged(analyzeBytes(topKModel('constant'))).size).toBe(0);
    const flags = flagged(analyzeBytes(topKModel('input')));
    expect([...flags.keys()]).toEqual(['topk', 'relu']);
    expect(flags.get('topk')).toBe('TopK takes a k computed at run time');
  });

  it('flags a Loop whose condition is computed from the data, not one that runs its count', () => {
    expect(flagged(analyzeBytes(loopModel('fixed'))).size).toBe(0);
    const flags = flagged(analyzeBytes(loopModel('on-data')));
    // The carried state keeps its shape (final is static); the per-trip outputs are summed once.
    expect([...flags.keys()]).toEqual(['loop', 'trace_sum']);
    expect(flags.get('loop')).toBe('Loop runs until a condition computed at run time stops it');
  });

  it('follows a count read through Shape → Gather → Range, and not a user symbol like batch', () => {
    const bytes = encodeModelProto(
      model({
        graph: graph({
          name: 'count-range',
          nodes: [
            node('NonZero', ['x'], ['nz'], [], 'nonzero'),
            node('Shape', ['nz'], ['nz_shape'], [], 'nz_shape'),
            node('Gather', ['nz_shape', 'one'], ['count'], [attr.int('axis', 0)], 'count'),
            node('Range', ['zero', 'count', 'one'], ['steps'], [], 'steps'),
            node('Relu', ['y'], ['y_relu'], [], 'batch_relu'),
          ],
          inputs: [valueInfo('x', DataType.FLOAT, [4, 4]), valueInfo('y', DataType.FLOAT, ['batch', 8])],
          outputs: [valueInfo('steps', DataType.INT64), valueInfo('y_relu', DataType.FLOAT)],
          initializers: [scalarInt64('zero', 0), scalarInt64('one', 1), tensorFromInt64('unused', [1], [0])],
        }),
      }),
    );
    const flags = flagged(analyzeBytes(bytes));
    expect(flags.has('nonzero')).toBe(true);
    expect(flags.get('steps')).toMatch(/NonZero "nonzero"/);
    expect(flags.has('batch_relu')).toBe(false);
  });

  it('flags the ONNX test suite models of each data-dependent operator, and none of the samples', () => {
    const expected: Record<string, string> = {
      test_nonmaxsuppression_two_classes: 'NonMaxSuppression',
      test_nonzero_example: 'NonZero',
      test_top_k: 'TopK',
      test_compress_0: 'Compress',
      test_unique_sorted_with_axis: 'Unique',
      test_loop11: 'Loop',
    };
    for (const [name, op] of Object.entries(expected)) {
      const analysis = analyzeFile(path.join(TESTDATA_ROOT, 'node', name, 'model.onnx'));
      const layers = analysis.layers.layers.filter((l) => l.dataDependent);
      expect(
        layers.map((l) => l.dataDependent?.sourceOp),
        name,
      ).toContain(op);
    }
    const samples = path.resolve(import.meta.dirname, '../samples');
    for (const file of fs.readdirSync(samples).filter((f) => f.endsWith('.onnx'))) {
      expect(flagged(analyzeFile(path.join(samples, file))).size, file).toBe(0);
    }
  });

  it('carries the flag to the partition source and marks the tiers that run a flagged layer', () => {
    const analysis = analyzeBytes(detectorModel());
    const { source } = partitionSource(analysis);
    const units = source.units.filter((u) => u.dataDependent);
    expect(units.map((u) => u.name)).toEqual([
      'cloud_nms',
      'cloud_box_index',
      'cloud_detections',
      'cloud_sum',
    ]);
    const tierOf = (unit: { name: string }): number =>
      unit.name.startsWith('device') ? 0 : unit.name.startsWith('edge') ? 1 : 2;
    const perTier = dataDependentPerTier(source.units, tierOf, 3);
    expect(perTier[0]).toBeNull();
    expect(perTier[1]).toBeNull();
    expect(perTier[2]).toMatch(/^cloud_nms: NonMaxSuppression/);
    expect(predictedMsText(1.454, true)).toBe('≥ 1.45');
    expect(predictedMsText(1.454, false)).toBe('1.45');
    expect(
      dataDependentNote(
        analysis.layers.layers.flatMap((l) =>
          l.dataDependent ? [{ name: l.name, sourceOp: l.dataDependent.sourceOp }] : [],
        ),
      ),
    ).toMatch(
      /^4 layers are data-dependent \(NonMaxSuppression and what it sizes\): .* figures marked ≥ are lower bounds/,
    );
    expect(dataDependentNote([])).toBeUndefined();
  });
});
