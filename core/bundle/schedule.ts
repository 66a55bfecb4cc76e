/**
 * How one inference moves through the tiers: a static schedule computed once per bundle.
 *
 * The device drives every request. Segments run in order; a segment on tier t is invoked by a
 * request that travels up the chain device → … → t and whose response travels back. Tensors
 * ride along: each tier on the way up adds the inputs it holds (the highest holder at or below t
 * supplies each one) and keeps copies it will need itself later; on the way back each tier keeps
 * the outputs it (or a tier above it) needs later, and the rest goes on down only as far as the
 * lowest tier that needs it (graph outputs reach the device). So a tensor crosses each hop at
 * most once per direction, as the cost model charges it, and Edge-PRUNE's "transmit/receive at
 * every cut" is derived, not written by hand.
 */

export interface ScheduleSegment {
  readonly id: string;
  readonly tier: number;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

/** What one tier does with the tensors of one step. */
export interface TierAction {
  /** Tensors this tier adds to the request on its way up (from its store). */
  readonly inject: readonly string[];
  /** Tensors passing up through this tier that it keeps for later. */
  readonly keepUp: readonly string[];
  /** Outputs coming back down through (or made at) this tier that it keeps for later. */
  readonly keepDown: readonly string[];
  /** Outputs it passes on down (the rest are dropped here). */
  readonly passDown: readonly string[];
  /** Tensors it may forget after this step (no later use on this tier). */
  readonly release: readonly string[];
}

export interface ScheduleStep {
  readonly segment: string;
  readonly tier: number;
  /** `actions[h]` for every tier h on the path 0..tier (the segment's own tier included). */
  readonly actions: readonly TierAction[];
}

export interface Schedule {
  readonly steps: readonly ScheduleStep[];
  /** Bytes-free summary: which tensors cross which hop in which direction, per request. */
  readonly crossings: readonly {
    readonly tensor: string;
    readonly hop: number;
    readonly direction: 'up' | 'down';
  }[];
}

/**
 * The schedule for segments in execution order over a chain of `tierCount` tiers. Graph inputs
 * start on the device; graph outputs must end there. Throws if a segment reads a tensor nothing
 * made before it.
 */
export function buildSchedule(
  segments: readonly ScheduleSegment[],
  graphInputs: readonly string[],
  graphOutputs: readonly string[],
  tierCount: number,
): Schedule {
  // Where each tensor is held, per tier.
  const held: Set<string>[] = Array.from({ length: tierCount }, () => new Set<string>());
  for (const name of graphInputs) held[0]!.add(name);
  const outputs = new Set(graphOutputs);
  const crossings: { tensor: string; hop: number; direction: 'up' | 'down' }[] = [];

  /** Whether tier h reads `name` in a step after `step`, directly or by supplying a tier above. */
  const usesLater = (name: string, step: number, h: number): boolean => {
    for (let s = step + 1; s < segments.length; s++) {
      const later = segments[s]!;
      if (!later.inputs.includes(name)) continue;
      if (later.tier === h) return true;
    }
    return false;
  };
  /** Lowest tier that reads `name` after `step` (or the device for a graph output), else null. */
  const lowestLaterReader = (name: string, step: number): number | null => {
    let lowest: number | null = outputs.has(name) ? 0 : null;
    for (let s = step + 1; s < segments.length; s++) {
      const later = segments[s]!;
      if (later.inputs.includes(name)) lowest = lowest === null ? later.tier : Math.min(lowest, later.tier);
    }
    return lowest;
  };
  /** Whether a tier above h reads `name` after `step` without a holder above h to supply it. */
  const suppliesLater = (name: string, step: number, h: number): boolean => {
    for (let s = step + 1; s < segments.length; s++) {
      const later = segments[s]!;
      if (later.tier > h && later.inputs.includes(name)) return true;
    }
    return false;
  };

  const steps = segments.map((segment, step): ScheduleStep => {
    const t = segment.tier;
    const inject: string[][] = Array.from({ length: t + 1 }, () => []);
    const keepUp: string[][] = Array.from({ length: t + 1 }, () => []);
    for (const name of segment.inputs) {
      if (held[t]!.has(name)) continue;
      let source = -1;
      for (let h = t - 1; h >= 0; h--) {
        if (held[h]!.has(name)) {
          source = h;
          break;
        }
      }
      if (source < 0) {
        throw new Error(
          `Segment "${segment.id}" reads "${name}", which no earlier segment makes below its tier.`,
        );
      }
      inject[source]!.push(name);
      for (let h = source; h < t; h++) crossings.push({ tensor: name, hop: h, direction: 'up' });
      // Tiers it passes (and the destination) keep it if they read it later or must supply it.
      for (let h = source + 1; h <= t; h++) {
        if (h === t || usesLater(name, step, h) || suppliesLater(name, step, h)) {
          keepUp[h]!.push(name);
          held[h]!.add(name);
        }
      }
    }
    // Outputs: made at t; each goes down to the lowest later reader below t.
    const keepDown: string[][] = Array.from({ length: t + 1 }, () => []);
    const passDown: string[][] = Array.from({ length: t + 1 }, () => []);
    for (const name of segment.outputs) {
      const lowest = lowestLaterReader(name, step);
      if (lowest === null) continue;
      const bottom = Math.min(lowest, t);
      for (let h = t; h >= bottom; h--) {
        if (h === bottom || usesLater(name, step, h) || suppliesLater(name, step, h)) {
          keepDown[h]!.push(name);
          held[h]!.add(name);
        }
        if (h > bottom) {
          passDown[h]!.push(name);
          crossings.push({ tensor: name, hop: h - 1, direction: 'down' });
        }
      }
    }
    // After the step, a tier forgets what it will neither read nor supply again.
    const release = Array.from({ length: t + 1 }, (_, h) => {
      const gone = [...held[h]!].filter(
        (name) =>
          !usesLater(name, step, h) && !suppliesLater(name, step, h) && !(h === 0 && outputs.has(name)),
      );
      for (const name of gone) held[h]!.delete(name);
      return gone;
    });
    return {
      segment: segment.id,
      tier: t,
      actions: Array.from({ length: t + 1 }, (_, h) => ({
        inject: inject[h]!,
        keepUp: keepUp[h]!,
        keepDown: keepDown[h]!,
        passDown: passDown[h]!,
        release: release[h]!,
      })),
    };
  });
  for (const name of graphOutputs) {
    if (!held[0]!.has(name)) throw new Error(`Graph output "${name}" never reaches the device.`);
  }
  return { steps, crossings };
}

/**
 * Runs of steps one request carries up the chain: consecutive steps on strictly rising tiers (say
 * edge, then cloud). The tier of each step runs it and sends the rest of the run on up at once,
 * instead of answering down to the device and being asked again, so a device → edge → cloud chain
 * crosses each hop once per direction per inference (one round trip per hop, as the cost model
 * charges it), not once per step. A step joins the run only if no tier below the one that makes a
 * tensor of the run has to supply that tensor (it could not: the tensor only comes down later).
 * Returns, for every step index, the indices of its run from that step on (the device and each
 * tier act on the remainder they receive).
 */
export function stepRuns(
  steps: readonly Pick<ScheduleStep, 'segment' | 'tier' | 'actions'>[],
  segmentOutputs: ReadonlyMap<string, readonly string[]>,
): number[][] {
  const runs: number[][] = [];
  let current: number[] = [];
  /** Tensor → tier that makes it, for the steps of the current run. */
  let madeAt = new Map<string, number>();
  steps.forEach((step, i) => {
    const previous = current.length > 0 ? steps[current[current.length - 1]!]! : null;
    const injectsTooLow = step.actions.some((action, h) =>
      action.inject.some((name) => {
        const maker = madeAt.get(name);
        return maker !== undefined && h < maker;
      }),
    );
    if (!previous || step.tier <= previous.tier || injectsTooLow) {
      if (current.length > 0) runs.push(current);
      current = [];
      madeAt = new Map();
    }
    current.push(i);
    for (const name of segmentOutputs.get(step.segment) ?? []) madeAt.set(name, step.tier);
  });
  if (current.length > 0) runs.push(current);
  const from: number[][] = [];
  for (const run of runs) run.forEach((index, k) => (from[index] = run.slice(k)));
  return from;
}

/** The runs themselves, in order: each starting step's entry of `stepRuns`. */
export function runsOf(runFrom: readonly (readonly number[])[]): (readonly number[])[] {
  const runs: (readonly number[])[] = [];
  for (let i = 0; i < runFrom.length; i += runFrom[i]!.length) runs.push(runFrom[i]!);
  return runs;
}
