/**
 * Random partition problems for property tests: small DAGs (units in topological order, tensors
 * with several readers, graph inputs and outputs) or chains, with random compute, transfer and
 * energy figures on 2 or 3 tiers.
 */
import fc from 'fast-check';
import type { HopCost, PartitionProblem, PartitionTensor } from '../../core/partition/problem.js';
import { unitDepths } from '../../core/partition/problem.js';

export interface RandomProblemOptions {
  readonly minUnits?: number;
  readonly maxUnits: number;
  readonly tiers: 2 | 3;
  readonly chain?: boolean;
}

const positive = fc.double({ min: 0.01, max: 100, noNaN: true });

const hopCost = fc
  .record({
    latencyMs: positive,
    busyFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    deviceEnergyMj: positive,
  })
  .map(({ latencyMs, busyFraction, deviceEnergyMj }): HopCost => ({
    latencyMs,
    busyMs: latencyMs * busyFraction,
    deviceEnergyMj,
  }));

export function randomProblem(options: RandomProblemOptions): fc.Arbitrary<PartitionProblem> {
  const tiers = options.tiers;
  const hops = tiers - 1;
  return fc.integer({ min: options.minUnits ?? 1, max: options.maxUnits }).chain((n) =>
    fc
      .record({
        computeMs: fc.array(positive, { minLength: n * tiers, maxLength: n * tiers }),
        computeEnergyMj: fc.array(positive, { minLength: n * tiers, maxLength: n * tiers }),
        weightBytes: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: n, maxLength: n }),
        // For unit u: which earlier producers' tensors it reads (chain: just the previous one).
        reads: fc.array(fc.array(fc.nat(), { maxLength: 3 }), { minLength: n, maxLength: n }),
        outputs: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
        inputReaders: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
        // About one tensor in eight carries only its shape across.
        shapeOnly: fc.array(fc.integer({ min: 0, max: 7 }), { minLength: n + 1, maxLength: n + 1 }),
        tensorCosts: fc.array(fc.array(hopCost, { minLength: 2 * hops, maxLength: 2 * hops }), {
          minLength: n + 1,
          maxLength: n + 1,
        }),
        bytes: fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: n + 1, maxLength: n + 1 }),
        memory: fc.array(fc.integer({ min: 2_000, max: 60_000 }), { minLength: tiers, maxLength: tiers }),
      })
      .map((r): PartitionProblem => {
        // Tensor 0 is the graph input; tensor u + 1 is unit u's output.
        const readers: Set<number>[] = Array.from({ length: n + 1 }, () => new Set<number>());
        for (let u = 0; u < n; u++) {
          if (options.chain) {
            readers[u]!.add(u);
            continue;
          }
          if (u === 0 || r.inputReaders[u]) readers[0]!.add(u);
          for (const pick of r.reads[u]!) if (u > 0) readers[1 + (pick % u)]!.add(u);
        }
        const tensors: PartitionTensor[] = readers.map((set, t) => ({
          name: t === 0 ? 'input' : `t${t - 1}`,
          bytes: r.bytes[t]!,
          producer: t - 1,
          consumers: Int32Array.from([...set].sort((a, b) => a - b)),
          // The last unit's output always is one, so something comes back.
          isOutput: t > 0 && (t === n || (!options.chain && r.outputs[t - 1]!)),
          ...(r.shapeOnly[t] === 0 && !options.chain ? { shapeOnly: true } : {}),
        }));
        const depth = unitDepths(n, tensors);
        return {
          tiers: tiers === 2 ? ['device', 'cloud'] : ['device', 'edge', 'cloud'],
          units: Array.from({ length: n }, (_, u) => ({
            name: `u${u}`,
            depth: depth[u]!,
            weightBytes: r.weightBytes[u]!,
          })),
          computeMs: Float64Array.from(r.computeMs),
          computeEnergyMj: Float64Array.from(r.computeEnergyMj),
          tensors,
          up: r.tensorCosts.map((costs) => costs.slice(0, hops)),
          down: r.tensorCosts.map((costs) => costs.slice(hops)),
          memoryBytes: r.memory,
          wanHop: hops - 1,
        };
      }),
  );
}

/** Every placement of n units on k tiers, as Uint8Arrays (k^n of them). */
export function* allPlacements(n: number, k: number): Generator<Uint8Array> {
  const p = new Uint8Array(n);
  for (;;) {
    yield p.slice();
    let i = 0;
    while (i < n && p[i] === k - 1) p[i++] = 0;
    if (i === n) return;
    p[i]!++;
  }
}
