/** The partition problem's JSON form: what crosses the studio's host boundary comes back the same. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../core/analyze.js';
import { buildPartitionProblem } from '../core/partition/build-problem.js';
import { evaluatePlacement } from '../core/partition/evaluate.js';
import { problemFromJson, problemToJson } from '../core/partition/problem-json.js';
import { runSolver } from '../core/partition/solve.js';
import { loadTopology } from '../core/profiles/load.js';

const sample = (name: string): string => path.resolve(import.meta.dirname, '../samples', `${name}.onnx`);

describe('problemToJson / problemFromJson', () => {
  it.each(['resnet-mini', 'transformer-encoder'])('round-trips the %s problem through JSON text', (name) => {
    const { problem } = buildPartitionProblem(
      analyzeFile(sample(name)),
      loadTopology('pi4-wifi-edge-wan-cloud'),
    );
    const text = JSON.stringify(problemToJson(problem));
    const back = problemFromJson(JSON.parse(text) as ReturnType<typeof problemToJson>);
    expect(back).toEqual(problem);
    expect(back.computeMs).toBeInstanceOf(Float64Array);
    expect(back.tensors[0]!.consumers).toBeInstanceOf(Int32Array);
    const plan = runSolver(problem, 'min-cut', { kind: 'latency' }, {});
    expect(runSolver(back, 'min-cut', { kind: 'latency' }, {})).toEqual(plan);
    expect(evaluatePlacement(back, plan.placement)).toEqual(plan.evaluation);
  });

  it('keeps shape-only tensors and writes an unknown memory capacity as null', () => {
    const { problem } = buildPartitionProblem(
      analyzeFile(sample('transformer-encoder')),
      loadTopology('nano-5g-cloud'),
    );
    const unbounded = { ...problem, memoryBytes: [problem.memoryBytes[0]!, Infinity] };
    const json = problemToJson(unbounded);
    expect(json.memoryBytes).toEqual([problem.memoryBytes[0], null]);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(problemFromJson(json).memoryBytes).toEqual([problem.memoryBytes[0], Infinity]);
    const shapeOnly = problem.tensors.filter((t) => t.shapeOnly).length;
    expect(shapeOnly).toBeGreaterThan(0);
    expect(json.tensors.filter((t) => t.shapeOnly)).toHaveLength(shapeOnly);
  });
});
