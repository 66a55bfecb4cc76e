/**
 * The bundle's request schedule on random segment programs: run in one process with a store per
 * tier, every segment finds its inputs on its tier, graph outputs reach the device, and each
 * tensor crosses exactly the hops the cost model charges (each at most once per direction).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSchedule, stepRuns, type ScheduleSegment } from '../core/bundle/schedule.js';
import { simulateSchedule } from '../core/bundle/simulate.js';

interface Program {
  readonly segments: ScheduleSegment[];
  readonly graphInputs: string[];
  readonly graphOutputs: string[];
}

const program = fc
  .record({
    tiers: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 10 }),
    picks: fc.array(fc.array(fc.nat(), { maxLength: 4 }), { minLength: 10, maxLength: 10 }),
    outputsEach: fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 10, maxLength: 10 }),
    finals: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
  })
  .map(({ tiers, picks, outputsEach, finals }): Program => {
    const available = ['x0', 'x1'];
    const segments = tiers.map((tier, s): ScheduleSegment => {
      const inputs = [...new Set(picks[s]!.map((p) => available[p % available.length]!))];
      const outputs = Array.from({ length: outputsEach[s]! }, (_, k) => `s${s}o${k}`);
      available.push(...outputs);
      return { id: `seg${s}`, tier, inputs, outputs };
    });
    const made = segments.flatMap((s) => s.outputs);
    const graphOutputs = [...new Set(finals.map((f) => made[f % made.length]!))];
    return { segments, graphInputs: ['x0', 'x1'], graphOutputs };
  });

/** Hops each tensor must cross under the cost model: from its maker to every tier reading it. */
function expectedCrossings(p: Program): Set<string> {
  const maker = new Map<string, number>(p.graphInputs.map((x) => [x, 0]));
  for (const s of p.segments) for (const o of s.outputs) maker.set(o, s.tier);
  const readers = new Map<string, number[]>();
  for (const s of p.segments) for (const i of s.inputs) readers.set(i, [...(readers.get(i) ?? []), s.tier]);
  for (const o of p.graphOutputs) readers.set(o, [...(readers.get(o) ?? []), 0]);
  const expected = new Set<string>();
  for (const [name, tiers] of readers) {
    const from = maker.get(name)!;
    for (let h = from; h < Math.max(from, ...tiers); h++) expected.add(`${name} ${h} up`);
    for (let h = Math.min(from, ...tiers); h < from; h++) expected.add(`${name} ${h} down`);
  }
  return expected;
}

describe('bundle schedule', () => {
  it('delivers every input, returns every output and crosses each hop as the cost model charges', async () => {
    await fc.assert(
      fc.asyncProperty(program, async (p) => {
        const schedule = buildSchedule(p.segments, p.graphInputs, p.graphOutputs, 3);
        const inputsOf = new Map(p.segments.map((s) => [s.id, s.inputs]));
        const outputsOf = new Map(p.segments.map((s) => [s.id, s.outputs]));
        const ran: string[] = [];
        const result = await simulateSchedule(
          schedule,
          inputsOf,
          outputsOf,
          new Map(p.graphInputs.map((x) => [x, `value of ${x}`])),
          p.graphOutputs,
          3,
          async (segment, inputs) => {
            ran.push(segment);
            // Every input arrives with the value its maker gave it.
            for (const [name, value] of inputs) expect(value).toBe(`value of ${name}`);
            expect([...inputs.keys()].sort()).toEqual([...inputsOf.get(segment)!].sort());
            return new Map(outputsOf.get(segment)!.map((o) => [o, `value of ${o}`]));
          },
        );
        expect(ran).toEqual(p.segments.map((s) => s.id));
        // Runs carried by one request each: in order, covering every step, on strictly rising tiers,
        // and a new one only where the tier does not rise or a tensor made in the run is needed lower.
        const runFrom = stepRuns(schedule.steps, outputsOf);
        const starts: number[] = [];
        for (let i = 0; i < schedule.steps.length; i += runFrom[i]!.length) starts.push(i);
        for (const [k, start] of starts.entries()) {
          const run = runFrom[start]!;
          expect(run).toEqual(Array.from({ length: run.length }, (_, j) => start + j));
          for (let j = 1; j < run.length; j++)
            expect(schedule.steps[run[j]!]!.tier).toBeGreaterThan(schedule.steps[run[j - 1]!]!.tier);
          const next = starts[k + 1];
          if (next !== undefined && schedule.steps[next]!.tier > schedule.steps[next - 1]!.tier) {
            // Broken on a rising tier: only because a tier below the maker must supply its tensor.
            const made = new Map(
              run.flatMap((i) =>
                outputsOf.get(schedule.steps[i]!.segment)!.map((o) => [o, schedule.steps[i]!.tier] as const),
              ),
            );
            const tooLow = schedule.steps[next]!.actions.some((a, h) =>
              a.inject.some((n) => (made.get(n) ?? -1) > h),
            );
            expect(tooLow).toBe(true);
          }
        }
        expect([...result.outputs.keys()].sort()).toEqual([...p.graphOutputs].sort());
        const moved = result.moved.map((m) => `${m.tensor} ${m.hop} ${m.direction}`);
        expect(new Set(moved).size).toBe(moved.length);
        expect(new Set(moved)).toEqual(expectedCrossings(p));
        expect(new Set(schedule.crossings.map((c) => `${c.tensor} ${c.hop} ${c.direction}`))).toEqual(
          new Set(moved),
        );
      }),
      { numRuns: 2000 },
    );
  });
});
