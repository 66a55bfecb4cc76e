/**
 * Collaborative filtering of layer times (RoaD-RuNNer): matrix completion on synthetic matrices
 * whose hidden entries are known, and on a real devices × layer-kinds matrix measured here with
 * onnxruntime under several runtime configurations.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../core/onnx/random.js';
import { chooseFactorization, factorize, type MatrixEntry } from '../core/predict/collaborative.js';
import { layerKind } from '../core/profiling/layer-kind.js';
import { runOrtProfile, type OrtProfile, type OrtProfileOptions } from '../core/profiling/ort-profile.js';
import { median } from '../core/profiling/stats.js';
import { timingMatrix } from '../core/profiling/timing-matrix.js';

const sample = (name: string): string => path.resolve(import.meta.dirname, '../samples', `${name}.onnx`);

/** Approximately normal (Irwin–Hall of 12 uniforms), from the seeded generator. */
function normal(random: ReturnType<typeof createRandom>): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += random.next();
  return sum - 6;
}

/** Splits entries into observed (share `observed`) and hidden, with a seeded draw. */
function split(
  entries: readonly MatrixEntry[],
  observed: number,
  seed: number,
): [MatrixEntry[], MatrixEntry[]] {
  const random = createRandom(seed);
  const seen: MatrixEntry[] = [];
  const hidden: MatrixEntry[] = [];
  for (const e of entries) (random.next() < observed ? seen : hidden).push(e);
  return [seen, hidden];
}

function medianAbsPercentError(
  fit: { predict(row: number, col: number): number },
  entries: readonly MatrixEntry[],
): number {
  return median(entries.map((e) => Math.abs(fit.predict(e.row, e.col) / e.value - 1) * 100));
}

/**
 * ln t = b_r + b_c + u_r·v_c + noise: row biases spread like devices (±1 in ln, ~2.7×), column
 * biases like layers (±2, decades apart), rank-`rank` interactions, multiplicative noise.
 */
function lowRankMatrix(rows: number, cols: number, rank: number, noise: number, seed: number): MatrixEntry[] {
  const random = createRandom(seed);
  const rowBias = Array.from({ length: rows }, () => normal(random));
  const colBias = Array.from({ length: cols }, () => 2 * normal(random));
  const u = Array.from({ length: rows }, () => Array.from({ length: rank }, () => 0.5 * normal(random)));
  const v = Array.from({ length: cols }, () => Array.from({ length: rank }, () => 0.5 * normal(random)));
  const entries: MatrixEntry[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const interaction = u[r]!.reduce((s, x, k) => s + x * v[c]![k]!, 0);
      entries.push({
        row: r,
        col: c,
        value: Math.exp(rowBias[r]! + colBias[c]! + interaction + noise * normal(random)),
      });
    }
  }
  return entries;
}

describe('factorize', () => {
  it('recovers the hidden 70% of a noisy rank-2 matrix of 40 devices × 100 layers', () => {
    const [observed, hidden] = split(lowRankMatrix(40, 100, 2, 0.05, 42), 0.3, 7);
    const choice = chooseFactorization(observed, {
      ranks: [0, 1, 2, 3, 4],
      lambdas: [0.01, 0.1, 1],
      iterations: 40,
    });
    const fit = factorize(observed, { rank: choice.rank, lambda: choice.lambda, iterations: 40 });
    const biasesOnly = factorize(observed, { rank: 0, lambda: choice.lambda, iterations: 40 });
    const error = medianAbsPercentError(fit, hidden);
    const baseline = medianAbsPercentError(biasesOnly, hidden);
    console.log(
      `Synthetic 40×100, rank 2, 5% noise, 30% observed: chose rank ${choice.rank}, λ ${choice.lambda}; ` +
        `hidden entries median |error| ${error.toFixed(1)}% (biases only: ${baseline.toFixed(1)}%; ` +
        `training RMS log error ${fit.rmse.toFixed(3)})`,
    );
    expect(choice.rank).toBe(2);
    // 5% log-normal noise alone puts the median |error| of a perfect model near 3.4%.
    expect(error).toBeLessThan(10);
    expect(error).toBeLessThan(baseline / 2);
  });

  it('fits a noise-free matrix with the rank it has exactly, and a biases-only one with rank 0', () => {
    const full = lowRankMatrix(12, 30, 1, 0, 3);
    const [observed, hidden] = split(full, 0.5, 11);
    const fit = factorize(observed, { rank: 1, lambda: 1e-6, iterations: 200 });
    expect(fit.rmse).toBeLessThan(1e-3);
    expect(medianAbsPercentError(fit, hidden)).toBeLessThan(1);

    // t = a_r · b_c: each device a fixed factor faster or slower on every layer.
    const scaled: MatrixEntry[] = [];
    for (let r = 0; r < 5; r++)
      for (let c = 0; c < 8; c++) scaled.push({ row: r, col: c, value: 2 ** r * 3 ** c });
    const [seen, unseen] = split(scaled, 0.5, 5);
    const biases = factorize(seen, { rank: 0, lambda: 0, iterations: 50 });
    for (const e of unseen) expect(biases.predict(e.row, e.col) / e.value).toBeCloseTo(1, 6);
  });

  it('is deterministic for a seed, falls back to the biases for an unseen column, and rejects bad input', () => {
    const entries = lowRankMatrix(6, 10, 2, 0.1, 9);
    const a = factorize(entries, { rank: 2, lambda: 0.1, iterations: 20, seed: 3 });
    const b = factorize(entries, { rank: 2, lambda: 0.1, iterations: 20, seed: 3 });
    expect(a.predict(4, 7)).toBe(b.predict(4, 7));
    expect([a.rows, a.cols, a.rank]).toEqual([6, 10, 2]);
    // Column 10 was never observed: the prediction is the row's typical time, finite and positive.
    expect(a.predict(0, 10)).toBeGreaterThan(0);
    expect(Number.isFinite(a.predict(0, 10))).toBe(true);
    expect(() => factorize([{ row: 0, col: 0, value: 0 }], { rank: 1, lambda: 0.1, iterations: 5 })).toThrow(
      /values > 0/,
    );
    expect(() => factorize([], { rank: 1, lambda: 0.1, iterations: 5 })).toThrow(/at least one/);
    expect(() => factorize(entries, { rank: -1, lambda: 0.1, iterations: 5 })).toThrow(/rank/);
  });
});

describe('a devices × layer-kinds matrix measured on this machine', () => {
  /** Runtime configurations as rows: thread counts and execution modes change every kernel's time. */
  const CONFIGS: readonly (Pick<OrtProfileOptions, 'intraOpThreads' | 'executionMode' | 'interOpThreads'> & {
    label: string;
  })[] = [
    { label: '1 thread, sequential', intraOpThreads: 1, executionMode: 'sequential' },
    { label: '2 threads, sequential', intraOpThreads: 2, executionMode: 'sequential' },
    { label: '1 thread, parallel ×1', intraOpThreads: 1, executionMode: 'parallel', interOpThreads: 1 },
    { label: '1 thread, parallel ×2', intraOpThreads: 1, executionMode: 'parallel', interOpThreads: 2 },
    { label: '2 threads, parallel ×1', intraOpThreads: 2, executionMode: 'parallel', interOpThreads: 1 },
    { label: '2 threads, parallel ×2', intraOpThreads: 2, executionMode: 'parallel', interOpThreads: 2 },
  ];
  const SAMPLES = ['edge-prune-vehicle', 'resnet-mini', 'mobilenetv2-mini', 'transformer-encoder'];

  it('predicts the hidden 70% of the kernel times from the observed 30%', async () => {
    const rows: { label: string; profiles: OrtProfile[] }[] = [];
    for (const { label, ...config } of CONFIGS) {
      const profiles: OrtProfile[] = [];
      for (const name of SAMPLES)
        profiles.push(await runOrtProfile(sample(name), { runs: 5, warmup: 2, ...config }));
      rows.push({ label, profiles });
    }
    const matrix = timingMatrix(rows);
    // Repeated blocks share a kind: the transformer's two layers, the ResNet's stages' BatchNorms.
    const resnet = rows[0]!.profiles[1]!.analysis;
    expect(layerKind(resnet, 6)).toBe(layerKind(resnet, 10)); // the first block's two Relus
    expect(matrix.colLabels.length).toBeLessThan(
      rows[0]!.profiles.flatMap((p) => p.measurement.nodes).length,
    );
    expect(matrix.entries.length).toBeGreaterThan(matrix.colLabels.length * CONFIGS.length * 0.9);

    const [observed, hidden] = split(matrix.entries, 0.3, 2024);
    const choice = chooseFactorization(observed, {
      ranks: [0, 1, 2, 3],
      lambdas: [0.01, 0.1, 1],
      iterations: 30,
    });
    const fit = factorize(observed, { rank: choice.rank, lambda: choice.lambda, iterations: 30 });
    const error = medianAbsPercentError(fit, hidden);
    console.log(
      `Measured ${CONFIGS.length} configurations × ${matrix.colLabels.length} layer kinds (${matrix.entries.length} cells), ` +
        `${observed.length} observed: chose rank ${choice.rank}, λ ${choice.lambda}; ` +
        `hidden entries median |error| ${error.toFixed(1)}%`,
    );

    // RoaD-RuNNer's own setting: the other devices are fully profiled, the new one times 30% of layers.
    for (const [row, { label }] of CONFIGS.entries()) {
      const random = createRandom(row + 1);
      const known = matrix.entries.filter((e) => e.row !== row || random.next() < 0.3);
      const unknown = matrix.entries.filter((e) => !known.includes(e));
      const newDevice = factorize(known, { rank: choice.rank, lambda: choice.lambda, iterations: 30 });
      const biasesOnly = factorize(known, { rank: 0, lambda: choice.lambda, iterations: 30 });
      console.log(
        `  new device "${label}" with 30% of its layers timed: median |error| ${medianAbsPercentError(newDevice, unknown).toFixed(1)}% ` +
          `(biases only ${medianAbsPercentError(biasesOnly, unknown).toFixed(1)}%) on ${unknown.length} layers`,
      );
    }
    // The completion must beat one typical time for every cell. Compared as |ln(predicted / measured)|,
    // which, unlike a % error, does not cap an under-prediction at 100%. No absolute bound: on a
    // loaded machine the µs-scale kernels (most of these layers) scatter, and the figure with them.
    const typicalMs = Math.exp(median(observed.map((e) => Math.log(e.value))));
    const logError = (predict: (e: MatrixEntry) => number): number =>
      median(hidden.map((e) => Math.abs(Math.log(predict(e) / e.value))));
    const completionLogError = logError((e) => fit.predict(e.row, e.col));
    const typicalLogError = logError(() => typicalMs);
    console.log(
      `  median |ln(predicted / measured)|: ${completionLogError.toFixed(3)} completed, ${typicalLogError.toFixed(3)} with one typical time for every cell`,
    );
    expect(completionLogError).toBeLessThan(typicalLogError);
  });
});
