/**
 * Runs a schedule in one process with one tensor store per tier, exactly as the tier runtimes do
 * over the network: the reference the runtimes are tested against, and a check that a schedule
 * delivers every input before its segment runs.
 */
import type { Schedule } from './schedule.js';

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
  graphInputs: ReadonlyMap<string, T>,
  graphOutputs: readonly string[],
  tierCount: number,
  run: SegmentRunner<T>,
): Promise<SimulatedRun<T>> {
  const stores: Map<string, T>[] = Array.from({ length: tierCount }, () => new Map<string, T>());
  for (const [name, value] of graphInputs) stores[0]!.set(name, value);
  const moved: SimulatedRun<T>['moved'] = [];
  const peakHeld = new Array<number>(tierCount).fill(0);
  const note = (): void => stores.forEach((s, h) => (peakHeld[h] = Math.max(peakHeld[h]!, s.size)));

  for (const step of schedule.steps) {
    const t = step.tier;
    // Up: each tier on the path adds what it injects; tiers passed keep what they must.
    let request = new Map<string, T>();
    for (let h = 0; h <= t; h++) {
      const action = step.actions[h]!;
      if (h > 0) for (const name of request.keys()) moved.push({ tensor: name, hop: h - 1, direction: 'up' });
      for (const name of action.keepUp) {
        const value = request.get(name);
        if (value === undefined)
          throw new Error(`step ${step.segment}: tier ${h} keeps "${name}" it never received`);
        stores[h]!.set(name, value);
      }
      for (const name of action.inject) {
        const value = stores[h]!.get(name);
        if (value === undefined)
          throw new Error(`step ${step.segment}: tier ${h} injects "${name}" it does not hold`);
        request.set(name, value);
      }
      // What went up past the segment's tier is not forwarded further.
      if (h === t) request = new Map();
    }
    const inputs = new Map<string, T>();
    for (const name of segmentInputs.get(step.segment) ?? []) {
      const value = stores[t]!.get(name);
      if (value === undefined) throw new Error(`step ${step.segment}: input "${name}" is not on tier ${t}`);
      inputs.set(name, value);
    }
    const produced = await run(step.segment, inputs);
    // Down: each tier keeps its share and passes the rest on.
    let response = produced;
    for (let h = t; h >= 0; h--) {
      const action = step.actions[h]!;
      for (const name of action.keepDown) {
        const value = response.get(name);
        if (value === undefined)
          throw new Error(`step ${step.segment}: tier ${h} keeps "${name}" it never received`);
        stores[h]!.set(name, value);
      }
      const next = new Map<string, T>();
      for (const name of action.passDown) {
        const value = response.get(name);
        if (value === undefined)
          throw new Error(`step ${step.segment}: tier ${h} passes "${name}" it never received`);
        next.set(name, value);
        moved.push({ tensor: name, hop: h - 1, direction: 'down' });
      }
      response = next;
    }
    note();
    step.actions.forEach((action, h) => action.release.forEach((name) => stores[h]!.delete(name)));
  }
  const outputs = new Map<string, T>();
  for (const name of graphOutputs) {
    const value = stores[0]!.get(name);
    if (value === undefined) throw new Error(`graph output "${name}" did not reach the device`);
    outputs.set(name, value);
  }
  return { outputs, moved, peakHeld };
}
