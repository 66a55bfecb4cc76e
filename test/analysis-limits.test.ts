/**
 * Bounded analysis (issue 13, point 2): a time limit checked before each node's shapes and costs
 * ends in ANALYSIS_TIME_LIMIT naming the node reached (in core and through `cutline analyze
 * --time-limit`), and the limit on Split pieces scales with the model file's size: a file that
 * names 70,000 outputs may split into them, a 100-byte one may not ask for as many.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../core/analyze.js';
import { CutlineError } from '../core/errors.js';
import { buildGraph } from '../core/graph/build.js';
import { attr, graph, model, node, valueInfo } from '../core/onnx/builder.js';
import { encodeModelProto } from '../core/onnx/codec.js';
import { DataType } from '../core/onnx/dtype.js';
import { openModelBytes } from '../core/onnx/read.js';
import { inferShapes } from '../core/shape/infer.js';
import { MAX_PIECES, MAX_PIECES_CEILING, MAX_RANK, shapeLimitsFor } from '../core/shape/limits.js';
import { AnalysisClock } from '../core/time-limit.js';
import { residualChainBytes } from './support/residual-chain-model.js';
import { unsafeMessage } from './support/safe-message.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../bin/cutline.js');
const RESNET = new Uint8Array(fs.readFileSync(new URL('../samples/resnet-mini.onnx', import.meta.url)));

function thrown(action: () => unknown): CutlineError {
  try {
    action();
  } catch (error) {
    if (error instanceof CutlineError) return error;
    throw error;
  }
  throw new Error('expected a CutlineError');
}

/** A Split of a [pieces] input into `outputs` named outputs, num_outputs = pieces. */
function splitModel(pieces: number, outputs: number): Uint8Array {
  const names = Array.from({ length: outputs }, (_, i) => `y${i}`);
  return encodeModelProto(
    model({
      opset: 18,
      graph: graph({
        name: 'split',
        nodes: [node('Split', ['x'], names, [attr.int('num_outputs', pieces)], '/split')],
        inputs: [valueInfo('x', DataType.FLOAT, [pieces])],
        outputs: names.map((n) => valueInfo(n, DataType.FLOAT)),
      }),
    }),
  );
}

describe('analysis time limit', () => {
  it('a limit of 0 stops at the first node, named, on one line', () => {
    const { graph: g } = analyzeBytes(RESNET);
    const first = g.nodes[g.order[0]!]!;
    const error = thrown(() => analyzeBytes(RESNET, { timeLimitMs: 0 }));
    expect(error.code).toBe('ANALYSIS_TIME_LIMIT');
    expect(error.message).toContain(
      `time limit of 0 ms at node "${first.name}" (${first.opType}) while inferring shapes`,
    );
    expect(unsafeMessage(error.message)).toBeUndefined();
  });

  it('names the node the budget ran out at (a clock that ticks once per check)', () => {
    const g = buildGraph(openModelBytes(RESNET).proto.graph!);
    let tick = 0;
    // Ends at the fifth check: the constructor reads 0, the checks read 1, 2, …
    const clock = new AnalysisClock(5, () => tick++);
    const error = thrown(() => inferShapes(g, { opset: 17, clock }));
    const fifth = g.nodes[g.order[4]!]!;
    expect(error.code).toBe('ANALYSIS_TIME_LIMIT');
    expect(error.message).toContain(`at node "${fifth.name}" (${fifth.opType}) while inferring shapes`);
  });

  it('a generous limit changes nothing', () => {
    const plain = analyzeBytes(RESNET);
    const limited = analyzeBytes(RESNET, { timeLimitMs: 600_000 });
    expect(limited.totals).toEqual(plain.totals);
    expect(limited.summary.layerCount).toBe(plain.summary.layerCount);
  });

  it('cutline analyze --time-limit stops a 1,000-block model at 1 ms with the named error', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-time-limit-'));
    try {
      const file = path.join(dir, 'deep.onnx');
      const scopes = Array.from({ length: 1000 }, (_, i) => `/block${i}`);
      fs.writeFileSync(
        file,
        residualChainBytes({
          seedName: 'deep',
          graphName: 'deep',
          producerName: 'test',
          blockScopes: scopes,
        }),
      );
      const failed = await run(process.execPath, [CLI, 'analyze', file, '--time-limit', '0.001']).then(
        () => undefined,
        (error: { code: number; stderr: string; stdout: string }) => error,
      );
      expect(failed?.code).toBe(2);
      expect(failed?.stderr).toMatch(/ANALYSIS_TIME_LIMIT.*time limit of 1 ms at node "\/[^"]+" \(\w+\)/);
      const ok = await run(process.execPath, [CLI, 'analyze', file, '--time-limit', '600']);
      expect(ok.stdout).toContain('deep');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('limits scaled to the model', () => {
  it('pieces: the floor for small files, file bytes / 2 above it, a fixed ceiling; rank fixed', () => {
    expect(shapeLimitsFor(100)).toEqual({ maxRank: MAX_RANK, maxPieces: MAX_PIECES });
    expect(shapeLimitsFor(1_000_000).maxPieces).toBe(500_000);
    expect(shapeLimitsFor(13e9)).toEqual({ maxRank: MAX_RANK, maxPieces: MAX_PIECES_CEILING });
  });

  it('a file that names 70,000 outputs splits into them; a tiny one asking for 70,000 is refused', () => {
    const big = splitModel(70_000, 70_000);
    expect(big.length).toBeGreaterThan(140_000);
    const { inference } = analyzeBytes(big);
    expect(inference.values.get('y69999')?.shape).toEqual([1]);

    const error = thrown(() => analyzeBytes(splitModel(70_000, 1)));
    expect(error.code).toBe('SHAPE_LIMIT');
    expect(error.message).toContain(
      `splits its input into 70000 pieces: more than Cutline analyses (limit ${MAX_PIECES})`,
    );
  });
});
