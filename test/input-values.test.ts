/**
 * Predictions at the shapes that will run (issue 15, point 3): known input values choose an
 * If's branch, unbound dimensions are named as assumptions, and sizes cut from a data-dependent
 * axis by a constant bound stay inexact downstream.
 */
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../core/analyze.js';
import { parseInputValue } from '../core/shape/input-values.js';
import { assumptionsLine } from '../core/shape/assumptions.js';
import { attr, graph, model, node, tensorFromInt64, valueInfo } from '../core/onnx/builder.js';
import { encodeModelProto } from '../core/onnx/codec.js';
import { DataType } from '../core/onnx/dtype.js';
import { detectionLimitModel, SR_BRANCH_MACS, srBranchModel } from './support/branch-models.js';
import { expectCode } from './support/expect-code.js';

const BOUND = { x: [1, 64] };

describe('an If on Equal(sr, 16000)', () => {
  const analyse = (values: string[]) =>
    analyzeBytes(srBranchModel(), { inputShapes: BOUND, inputValues: values.map(parseInputValue) });
  const ifCost = (a: ReturnType<typeof analyse>) =>
    a.costs[a.graph.nodes.findIndex((n) => n.opType === 'If')]!;

  it('sr=16000 costs the 16 kHz branch only, exactly', () => {
    const a = analyse(['sr=16000']);
    expect(ifCost(a).macs).toBe(SR_BRANCH_MACS.khz16);
    expect(ifCost(a).exact.compute).toBe(true);
    expect(a.totals.macs).toBe(SR_BRANCH_MACS.khz16);
    expect(a.totals.exact).toBe(true);
    expect(a.assumptions).toEqual({ approximate: false, unboundDims: [], undecidedBranches: [] });
  });

  it('sr=8000 costs the 8 kHz branch only, exactly', () => {
    const a = analyse(['sr=8000']);
    expect(ifCost(a).macs).toBe(SR_BRANCH_MACS.khz8);
    expect(ifCost(a).exact.compute).toBe(true);
    expect(a.assumptions.approximate).toBe(false);
  });

  it('with no value, the larger branch, marked approximate and named', () => {
    const a = analyse([]);
    expect(ifCost(a).macs).toBe(SR_BRANCH_MACS.khz8);
    expect(ifCost(a).exact.compute).toBe(false);
    expect(a.totals.exact).toBe(false);
    expect(a.assumptions).toMatchObject({ approximate: true, undecidedBranches: ['by_rate'] });
    expect(assumptionsLine(a.assumptions, new Map())).toContain('by_rate depends on data');
  });

  it('the layer holding the If carries the chosen branch', () => {
    const layerMacs = (values: string[]) =>
      analyse(values).layers.layers.reduce((n, layer) => n + layer.macs, 0);
    expect(layerMacs(['sr=16000'])).toBe(SR_BRANCH_MACS.khz16);
    expect(layerMacs(['sr=8000'])).toBe(SR_BRANCH_MACS.khz8);
  });
});

describe('unbound symbolic dimensions', () => {
  it('are named with the size assumed and a binding to give', () => {
    const a = analyzeBytes(srBranchModel(), { inputValues: [parseInputValue('sr=16000')] });
    expect(a.assumptions.unboundDims).toEqual([{ input: 'x', axis: 0, symbol: 'batch', assumed: 1 }]);
    expect(a.assumptions.approximate).toBe(true);
    expect(a.totals.exact).toBe(false);
    const shapes = new Map(a.summary.inputs.map((t) => [t.name, t.shape]));
    expect(assumptionsLine(a.assumptions, shapes)).toBe(
      'batch was unbound: assumed 1; bind it with --input x=1x64',
    );
  });
});

describe('input values are checked against the model', () => {
  const analyse = (text: string, inputShapes = {}) =>
    analyzeBytes(srBranchModel(), { inputShapes, inputValues: [parseInputValue(text)] });

  it('refuses an unknown input, a fraction for an integer, a wrong count and non-numbers', () => {
    expect(expectCode(() => analyse('rate=16000'), 'BAD_INPUT_BINDING').message).toMatch(
      /no input named "rate"; its inputs are "x", "sr"/,
    );
    expect(expectCode(() => analyse('sr=16000.5'), 'BAD_INPUT_BINDING').message).toMatch(
      /not a whole number/,
    );
    expect(expectCode(() => analyse('sr=8000,16000'), 'BAD_INPUT_BINDING').message).toMatch(
      /holds 1 element\(s\), not 2/,
    );
    expect(expectCode(() => parseInputValue('sr=16k'), 'BAD_INPUT_BINDING').message).toMatch(
      /is not a number/,
    );
    expect(expectCode(() => parseInputValue('sr'), 'BAD_INPUT_BINDING').message).toMatch(/NAME=V/);
    expect(expectCode(() => analyse('sr=1e300'), 'BAD_INPUT_BINDING').message).toMatch(/too large/);
    expect(
      expectCode(() => parseInputValue(`x=${new Array(5000).fill(1).join(',')}`), 'BAD_INPUT_BINDING')
        .message,
    ).toMatch(/at most 4096/);
  });

  it('a float input takes fractions; a symbolic dimension takes its size from the count', () => {
    const a = analyse(`x=${new Array(128).fill(0.5).join(',')}`);
    expect(a.summary.inputs.find((t) => t.name === 'x')?.shape).toEqual([2, 64]);
    expect(expectCode(() => analyse('x=1,2,3'), 'BAD_INPUT_BINDING').message).toMatch(/a multiple of 64/);
  });
});

describe('a size cut from a data-dependent axis by a constant bound', () => {
  it('is inexact, and so is everything computed from it', () => {
    const a = analyzeBytes(detectionLimitModel());
    const values = a.inference.values;
    // NonMaxSuppression's count is data-dependent: the Slice's 100 is at most 100, maybe 0.
    expect(values.get('selected')?.shape?.[0]).toMatch(/^selected_boxes/);
    expect(values.get('kept')).toMatchObject({ shape: [100], inexact: true });
    expect(values.get('kept_boxes')).toMatchObject({ shape: [100, 4], inexact: true });
    expect(values.get('features')).toMatchObject({ shape: [100, 8], inexact: true });
    expect(values.get('features_shape')).toMatchObject({ value: { data: [100, 8] }, inexact: true });
    const cost = (name: string) => a.costs[a.graph.nodes.findIndex((n) => n.name === name)]!;
    expect(cost('box_head').macs).toBe(100 * 4 * 8);
    expect(cost('box_head').exact).toMatchObject({ compute: false, activations: false });
    expect(cost('kept_boxes').exact.activations).toBe(false);
  });

  it('survives an undecided If whose branches return it', () => {
    // Both branches cut 5 rows from a data-dependent count: the If's [5] is as inexact as theirs.
    const branch = (name: string) =>
      graph({
        name,
        nodes: [node('Slice', ['ids', 'zero', 'five'], [`${name}_out`])],
        inputs: [],
        outputs: [valueInfo(`${name}_out`, DataType.INT64)],
      });
    const bytes = encodeModelProto(
      model({
        graph: graph({
          name: 'if_of_slices',
          nodes: [
            node(
              'If',
              ['flag'],
              ['picked'],
              [attr.graph('then_branch', branch('first')), attr.graph('else_branch', branch('second'))],
            ),
          ],
          initializers: [tensorFromInt64('zero', [1], [0]), tensorFromInt64('five', [1], [5])],
          inputs: [valueInfo('flag', DataType.BOOL, []), valueInfo('ids', DataType.INT64, ['found'])],
          outputs: [valueInfo('picked', DataType.INT64)],
        }),
      }),
    );
    expect(analyzeBytes(bytes).inference.values.get('picked')).toMatchObject({ shape: [5], inexact: true });
  });

  it('with every dimension bound and no data-dependent axis, nothing is inexact', () => {
    const a = analyzeBytes(srBranchModel(), {
      inputShapes: BOUND,
      inputValues: [parseInputValue('sr=8000')],
    });
    for (const info of a.inference.values.values()) expect(info.inexact).toBeUndefined();
  });
});
