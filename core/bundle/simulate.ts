/**
 * Runs a schedule in one process with one tensor store per tier, exactly as the tier runtimes do
 * over the network (one request per run of steps, `stepRuns`): the reference the runtimes are tested against, and a check that a schedule
 * delivers every input before its segment runs.
 */
import { runsOf, stepRuns, type Schedule } from './schedule.js';

export type SegmentRunner<T> = (segment: string, inputs: ReadonlyMap<string, T>) => Promise<Map<string, T>>;

export interface SimulatedRun<T> {
  readonly outputs: Map<string, T>;
  /** Tensors moved per hop and direction, in the order they moved. */
  readonly moved: { tensor: string; hop: number; direction: 'up' | 'down' }[];
  /** Largest number of tensors any tier held at once. */
  readonly peakHeld: readonly number[];
}

export async function simulateSchedule<T>(
  schedule: Schedule,
  segmentInputs: ReadonlyMap<string, readonly string[]>,
  segmentOutputs: ReadonlyMap<string, readonly string[]>,
  graphInputs: ReadonlyMap<string, T>,
  graphOutputs: readonly string[],
  tierCount: number,
  run_: SegmentRunner<T>,
): Promise<SimulatedRun<T>> {
  const stores: Map<string, T>[] = Array.from({ length: tierCount }, () => new Map<string, T>());
  for (const [name, value] of graphInputs) stores[0]!.set(name, value);
  const moved: SimulatedRun<T>['moved'] = [];
  const peakHeld = new Array<number>(tierCount).fill(0);
  const note = (): void => stores.forEach((s, h) => (peakHeld[h] = Math.max(peakHeld[h]!, s.size)));

  const runFrom = stepRuns(schedule.steps, segmentOutputs);
  const take = (from: Map<string, T>, name: string, what: string): T => {
    const value = from.get(name);
    if (value === undefined) throw new Error(what);
    return value;
  };
  /**
   * Tier h's part of a request carrying `run` (as the tier runtime does it): keep what passes up,
   * run the first step if it is h's, send the rest up with what h adds, settle what comes down.
   */
  const visit = async (
    h: number,
    run: readonly number[],
    incoming: Map<string, T>,
  ): Promise<Map<string, T>> => {
    const store = stores[h]!;
    const passed = new Map<string, T>();
    for (const i of run) {
      const step = schedule.steps[i]!;
      for (const name of step.actions[h]!.keepUp)
        store.set(
          name,
          take(incoming, name, `step ${step.segment}: tier ${h} keeps "${name}" it never received`),
        );
    }
    const settle = (i: number, down: Map<string, T>): void => {
      const step = schedule.steps[i]!;
      const action = step.actions[h]!;
      for (const name of action.keepDown)
        store.set(
          name,
          take(down, name, `step ${step.segment}: tier ${h} keeps "${name}" it never received`),
        );
      for (const name of action.passDown) {
        passed.set(
          name,
          take(down, name, `step ${step.segment}: tier ${h} passes "${name}" it never received`),
        );
        moved.push({ tensor: name, hop: h - 1, direction: 'down' });
      }
    };
    let rest = run;
    const first = schedule.steps[run[0]!]!;
    if (first.tier === h) {
      const inputs = new Map<string, T>();
      for (const name of segmentInputs.get(first.segment) ?? [])
        inputs.set(name, take(store, name, `step ${first.segment}: input "${name}" is not on tier ${h}`));
      settle(run[0]!, await run_(first.segment, inputs));
      note();
      rest = run.slice(1);
    }
    if (rest.length > 0) {
      const up = new Map<string, T>();
      for (const i of rest) {
        const step = schedule.steps[i]!;
        for (let below = 0; below < h; below++)
          for (const name of step.actions[below]!.inject)
            up.set(
              name,
              take(incoming, name, `step ${step.segment}: "${name}" did not come up to tier ${h}`),
            );
        for (const name of step.actions[h]!.inject)
          up.set(
            name,
            take(store, name, `step ${step.segment}: tier ${h} injects "${name}" it does not hold`),
          );
      }
      for (const name of up.keys()) moved.push({ tensor: name, hop: h, direction: 'up' });
      const down = await visit(h + 1, rest, up);
      for (const i of rest) settle(i, down);
      note();
    }
    for (const i of run) schedule.steps[i]!.actions[h]!.release.forEach((name) => store.delete(name));
    return passed;
  };
  for (const run of runsOf(runFrom)) await visit(0, run, new Map());
  const outputs = new Map<string, T>();
  for (const name of graphOutputs) {
    const value = stores[0]!.get(name);
    if (value === undefined) throw new Error(`graph output "${name}" did not reach the device`);
    outputs.set(name, value);
  }
  return { outputs, moved, peakHeld };
}
