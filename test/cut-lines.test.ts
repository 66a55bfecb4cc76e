/**
 * Cut lines (core/partition/cut-lines.ts): the chain placement a set of cuts means, where the
 * lines sit for any placement (checked against brute force over every set of cuts), pins, and the
 * data flow of a DAG under a chain placement.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chainPlacement, cutsOf, moveCut, type PinnedTier } from '../core/partition/cut-lines.js';
import { isCutlineError } from '../core/errors.js';
import { randomProblem } from './support/random-partition.js';

/** Non-decreasing cuts in [0, n] for `tiers` tiers. */
const cutsArb = (n: number, tiers: number): fc.Arbitrary<number[]> =>
  fc
    .array(fc.integer({ min: 0, max: n }), { minLength: tiers - 1, maxLength: tiers - 1 })
    .map((cuts) => cuts.sort((a, b) => a - b));

/** Every non-decreasing set of `tiers − 1` cuts over n units. */
function everyCuts(n: number, tiers: number): number[][] {
  if (tiers === 1) return [[]];
  return everyCuts(n, tiers - 1).flatMap((head) =>
    Array.from({ length: n + 1 - (head[head.length - 1] ?? 0) }, (_, i) => [
      ...head,
      (head[head.length - 1] ?? 0) + i,
    ]),
  );
}

const agreement = (a: ArrayLike<number>, b: ArrayLike<number>, pinned?: PinnedTier): number => {
  let same = 0;
  for (let u = 0; u < a.length; u++) if (pinned?.(u) === undefined && a[u] === b[u]) same++;
  return same;
};

const pinsFrom =
  (pins: ReadonlyMap<number, number>): PinnedTier =>
  (u) =>
    pins.get(u);

describe('chainPlacement', () => {
  it('puts the units before each cut on the tiers up to it (2 and 3 tiers)', () => {
    expect([...chainPlacement(5, [2])]).toEqual([0, 0, 1, 1, 1]);
    expect([...chainPlacement(6, [1, 4])]).toEqual([0, 1, 1, 1, 2, 2]);
    // An empty middle tier, everything on the device, everything off it.
    expect([...chainPlacement(4, [2, 2])]).toEqual([0, 0, 2, 2]);
    expect([...chainPlacement(3, [3, 3])]).toEqual([0, 0, 0]);
    expect([...chainPlacement(3, [0, 0])]).toEqual([2, 2, 2]);
    expect([...chainPlacement(0, [0])]).toEqual([]);
  });

  it('leaves pinned units on their tier wherever the cuts are', () => {
    const pins = new Map([
      [0, 2],
      [4, 0],
    ]);
    expect([...chainPlacement(6, [2, 4], pinsFrom(pins))]).toEqual([2, 0, 1, 1, 0, 2]);
  });

  it('refuses cuts out of range or out of order, saying which', () => {
    for (const cuts of [[5], [-1], [1.5], [3, 2]]) {
      let caught: unknown;
      try {
        chainPlacement(4, cuts);
      } catch (error) {
        caught = error;
      }
      expect(isCutlineError(caught) && caught.code === 'BAD_PLACEMENT').toBe(true);
      expect((caught as Error).message).toMatch(/Cut \d/);
    }
  });

  it('keeps every tensor of a DAG flowing to the same tier or a later one', () => {
    fc.assert(
      fc.property(
        randomProblem({ maxUnits: 14, tiers: 3 }).chain((problem) =>
          fc.tuple(fc.constant(problem), cutsArb(problem.units.length, 3)),
        ),
        ([problem, cuts]) => {
          const placement = chainPlacement(problem.units.length, cuts);
          for (const tensor of problem.tensors) {
            const from = tensor.producer < 0 ? 0 : placement[tensor.producer]!;
            for (const consumer of tensor.consumers)
              expect(placement[consumer]!).toBeGreaterThanOrEqual(from);
          }
          // Everything upstream of cut h on tiers ≤ h, everything downstream beyond it.
          cuts.forEach((cut, h) => {
            placement.forEach((tier, u) => expect(tier <= h).toBe(u < cut));
          });
        },
      ),
    );
  });
});

describe('cutsOf', () => {
  it('gives back the cuts of a chain placement (2 and 3 tiers)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 40 })
          .chain((n) =>
            fc
              .constantFrom(2, 3)
              .chain((tiers) => fc.tuple(fc.constant(n), fc.constant(tiers), cutsArb(n, tiers))),
          ),
        ([n, tiers, cuts]) => {
          expect(cutsOf(chainPlacement(n, cuts), tiers)).toEqual(cuts);
        },
      ),
    );
  });

  it('puts every line after the last unit while everything runs on the device', () => {
    expect(cutsOf(new Uint8Array(7), 3)).toEqual([7, 7]);
    expect(cutsOf(new Uint8Array(7), 2)).toEqual([7]);
    expect(cutsOf(new Uint8Array(0), 3)).toEqual([0, 0]);
    expect(cutsOf(new Uint8Array(5).fill(2), 3)).toEqual([0, 0]);
  });

  it('places the lines where they misplace the fewest units, furthest down among equals (brute force)', () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(2, 3)
          .chain((tiers) =>
            fc.tuple(
              fc.constant(tiers),
              fc.array(fc.integer({ min: 0, max: tiers - 1 }), { maxLength: 9 }),
              fc.array(fc.boolean(), { minLength: 9, maxLength: 9 }),
            ),
          ),
        ([tiers, placement, pinMask]) => {
          const pinned: PinnedTier = (u) => (pinMask[u] ? placement[u] : undefined);
          const cuts = cutsOf(placement, tiers, pinned);
          const n = placement.length;
          const score = (c: number[]): number => agreement(chainPlacement(n, c), placement, pinned);
          const candidates = everyCuts(n, tiers);
          const best = Math.max(...candidates.map(score));
          expect(score(cuts)).toBe(best);
          for (const other of candidates.filter((c) => score(c) === best)) {
            other.forEach((cut, h) => expect(cuts[h]!).toBeGreaterThanOrEqual(cut));
          }
        },
      ),
    );
  });

  it('is stable under pins: the lines of a pinned chain give that chain back', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 }).chain((n) =>
          fc.constantFrom(2, 3).chain((tiers) =>
            fc.tuple(
              fc.constant(n),
              fc.constant(tiers),
              cutsArb(n, tiers),
              fc.array(
                fc.tuple(
                  fc.integer({ min: 0, max: Math.max(0, n - 1) }),
                  fc.integer({ min: 0, max: tiers - 1 }),
                ),
                {
                  maxLength: n === 0 ? 0 : 6,
                },
              ),
            ),
          ),
        ),
        ([n, tiers, cuts, pinList]) => {
          const pinned = pinsFrom(new Map(pinList));
          const placement = chainPlacement(n, cuts, pinned);
          expect([...chainPlacement(n, cutsOf(placement, tiers, pinned), pinned)]).toEqual([...placement]);
        },
      ),
    );
  });

  it('is not pulled by a pinned unit off the chain', () => {
    // Unit 1 pinned to the cloud in an all-device design: the lines stay after the last unit.
    const placement = [0, 2, 0, 0];
    expect(cutsOf(placement, 3, (u) => (u === 1 ? 2 : undefined))).toEqual([4, 4]);
    // Unpinned, the lone cloud unit is one misplaced unit either way: the lines still stay down.
    expect(cutsOf(placement, 3)).toEqual([4, 4]);
    // A block of the middle sent to the edge, the last layer back on the device: the device |
    // edge line sits where the edge starts, the edge | cloud line stays down (no cloud layer).
    expect(cutsOf([0, 0, 1, 1, 1, 0], 3)).toEqual([2, 6]);
    expect(cutsOf([0, 0, 1, 1, 2, 2, 0], 3)).toEqual([2, 4]);
  });
});

describe('moveCut', () => {
  it('moves one cut and pushes the cuts it passes', () => {
    expect(moveCut([3, 6], 0, 4, 10)).toEqual([4, 6]);
    expect(moveCut([3, 6], 0, 8, 10)).toEqual([8, 8]);
    expect(moveCut([3, 6], 1, 1, 10)).toEqual([1, 1]);
    expect(moveCut([3, 6], 1, 99, 10)).toEqual([3, 10]);
    expect(moveCut([3, 6], 0, -5, 10)).toEqual([0, 6]);
  });
});
