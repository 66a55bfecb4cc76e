/**
 * Conformance over the ONNX backend test suite (Debian's libonnx-testdata): every model parses
 * or fails with the error its manifest entry names, and the shapes Cutline infers for the graph
 * outputs equal the shapes of the expected output tensors.
 *
 * Inference runs with the file's declared output shapes ignored, the inputs' shapes taken from
 * the test inputs, and the values of small integer inputs known (as a user binding a shape
 * tensor would): Reshape's target or Slice's starts are graph inputs in many of these tests.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertAnalyzableOpset, readModelFile } from '../core/onnx/read.js';
import { isCutlineError } from '../core/errors.js';
import { buildGraph } from '../core/graph/build.js';
import { inferShapes } from '../core/shape/infer.js';
import { tensorProtoValue } from '../core/shape/infer.js';
import { supportedOperators } from '../core/shape/registry.js';
import { DataType } from '../core/onnx/dtype.js';
import type { KnownValue, Shape } from '../core/shape/types.js';
import { readTestDataSet, testdataCases, type TestValue } from './support/testdata.js';

const manifest = JSON.parse(
  fs.readFileSync(new URL('./conformance/expected-errors.json', import.meta.url), 'utf8'),
) as Record<string, string>;

const INTEGER_TYPES = new Set<number>([DataType.INT64, DataType.INT32]);
/**
 * Inputs this small are operator arguments in these tests (Resize scales, OneHot depth, Range
 * bounds, a Compress condition), which real models hold as constants: their values are bound.
 */
const MAX_BOUND_ARGUMENT_ELEMENTS = 8;

interface Outcome {
  readonly name: string;
  readonly ops: readonly string[];
  readonly parsed: boolean;
  readonly errorCode?: string;
  readonly shapesMatch: boolean;
  readonly detail?: string;
}

function dimsOf(value: TestValue): number[][] {
  return value.tensors.map((t) => (t.dims ?? []).map(Number));
}

function shapeMatches(inferred: Shape | null, expected: TestValue): boolean {
  if (expected.kind === 'tensor') {
    const dims = dimsOf(expected)[0]!;
    return inferred !== null && inferred.length === dims.length && inferred.every((d, i) => d === dims[i]);
  }
  // Sequences and optionals: the inferred element shape must agree with every element where it is known.
  return dimsOf(expected).every(
    (dims) =>
      inferred !== null &&
      inferred.length === dims.length &&
      inferred.every((d, i) => typeof d !== 'number' || d === dims[i]),
  );
}

function runCase(caseDir: string): Outcome {
  const name = path.basename(caseDir);
  let model;
  try {
    model = readModelFile(path.join(caseDir, 'model.onnx'));
    assertAnalyzableOpset(model);
  } catch (error) {
    if (!isCutlineError(error)) throw error;
    return { name, ops: [], parsed: false, errorCode: error.code, shapesMatch: false, detail: error.message };
  }
  const graph = buildGraph(model.proto.graph!);
  const ops = [...new Set(graph.nodes.map((n) => n.opType))];
  const data = readTestDataSet(caseDir, model.proto);
  const inputShapes: Record<string, Shape> = {};
  const inputValues: Record<string, KnownValue> = {};
  graph.inputs.forEach((input, i) => {
    const value = data.inputs[i];
    const tensor = value?.kind === 'tensor' ? value.tensors[0] : undefined;
    if (!tensor) return;
    inputShapes[input] = (tensor.dims ?? []).map(Number);
    const elements = (tensor.dims ?? []).reduce((n: number, d) => n * Number(d), 1);
    if (INTEGER_TYPES.has(tensor.dataType ?? 0) || elements <= MAX_BOUND_ARGUMENT_ELEMENTS) {
      const known = tensorProtoValue(tensor);
      if (known) inputValues[input] = known;
    }
  });
  const result = inferShapes(graph, {
    opset: model.opset,
    inputShapes,
    inputValues,
    useDeclaredShapes: false,
  });
  const mismatches: string[] = [];
  graph.outputs.forEach((output, i) => {
    const expected = data.outputs[i];
    if (!expected) return;
    const inferred = result.values.get(output)?.shape ?? null;
    if (!shapeMatches(inferred, expected)) {
      mismatches.push(
        `${output}: inferred ${JSON.stringify(inferred)}, expected ${JSON.stringify(dimsOf(expected))}`,
      );
    }
  });
  const problems = result.status.flatMap((s, k) =>
    s.kind === 'ok' ? [] : [`${graph.nodes[k]!.opType}: ${s.kind === 'error' ? s.message : 'no shape rule'}`],
  );
  return {
    name,
    ops,
    parsed: true,
    shapesMatch: mismatches.length === 0,
    detail: [...problems, ...mismatches].join('; '),
  };
}

describe('ONNX backend test suite', () => {
  it('parses every node model or fails with its listed error, and infers ≥ 90% of output shapes', () => {
    const outcomes = testdataCases('node').map(runCase);
    for (const o of outcomes) {
      if (!o.parsed) expect(o.errorCode, `${o.name}: ${o.detail}`).toBe(manifest[o.name]);
      else expect(manifest[o.name], `${o.name} parsed but the manifest expects an error`).toBeUndefined();
    }
    const passed = outcomes.filter((o) => o.shapesMatch);
    const share = passed.length / outcomes.length;
    const failingOps = new Map<string, number>();
    for (const o of outcomes)
      if (o.parsed && !o.shapesMatch)
        for (const op of o.ops) failingOps.set(op, (failingOps.get(op) ?? 0) + 1);
    const supported = new Set(supportedOperators());
    const allOps = new Set(outcomes.flatMap((o) => o.ops));
    const uncovered = [...allOps].filter((op) => !supported.has(op)).sort();
    console.log(
      `[conformance] node models: ${outcomes.length}; output shapes match: ${passed.length} (${(share * 100).toFixed(1)}%)`,
    );
    const refused = outcomes.filter((o) => !o.parsed);
    const analysable = outcomes.length - refused.length;
    console.log(
      `[conformance] refused with a listed error: ${refused.length} (${[...new Set(refused.map((o) => o.errorCode))].join(', ') || 'none listed'}); of the ${analysable} analysable models ${((passed.length / analysable) * 100).toFixed(1)}% match`,
    );
    console.log(
      `[conformance] analysable models whose shapes do not match: ${outcomes
        .filter((o) => o.parsed && !o.shapesMatch)
        .map((o) => o.name)
        .join(', ')}`,
    );
    console.log(
      `[conformance] operators without a shape rule (${uncovered.length}): ${uncovered.join(', ') || 'none'}`,
    );
    console.log(
      `[conformance] operators in failing models: ${[...failingOps]
        .sort((a, b) => b[1] - a[1])
        .map(([op, n]) => `${op}×${n}`)
        .join(', ')}`,
    );
    if (process.env.CUTLINE_CONFORMANCE_DETAIL) {
      for (const o of outcomes) if (o.parsed && !o.shapesMatch) console.log(`  ${o.name}: ${o.detail}`);
    }
    expect(share).toBeGreaterThanOrEqual(0.9);
  });

  it('reads every pytorch-converted and pytorch-operator model, and analyses it or fails with its listed error', () => {
    for (const caseDir of [...testdataCases('pytorch-converted'), ...testdataCases('pytorch-operator')]) {
      const name = path.basename(caseDir);
      try {
        const model = readModelFile(path.join(caseDir, 'model.onnx'));
        const graph = buildGraph(model.proto.graph!);
        expect(graph.nodes.length, name).toBeGreaterThan(0);
        assertAnalyzableOpset(model);
        expect(manifest[name], `${name} parsed but the manifest expects an error`).toBeUndefined();
      } catch (error) {
        if (!isCutlineError(error)) throw error;
        expect(error.code, `${name}: ${error.message}`).toBe(manifest[name]);
      }
    }
  });
});
