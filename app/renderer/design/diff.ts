/**
 * Design diffs: what one edit changed, applied forward (redo, the edit itself) or backward
 * (undo). Pure functions over immutable designs; a diff that changes nothing leaves the design
 * object as it was.
 */
import type { TierName } from '../../../core/profiles/types.js';
import { tierOf } from '../../../core/tiers.js';
import type { Design, DesignDiff } from '../store/design-types.js';

type Direction = 'forward' | 'backward';

const pick = <T>(pair: readonly [T, T], direction: Direction): T =>
  direction === 'forward' ? pair[1] : pair[0];

export function isEmptyDiff(diff: DesignDiff): boolean {
  return (
    (diff.placement === undefined || Object.keys(diff.placement).length === 0) &&
    diff.pins === undefined &&
    diff.topology === undefined &&
    diff.inputs === undefined &&
    diff.inputValues === undefined &&
    diff.objective === undefined &&
    diff.constraints === undefined
  );
}

export function applyDiff(design: Design, diff: DesignDiff, direction: Direction): Design {
  if (isEmptyDiff(diff)) return design;
  let placement = design.placement;
  if (diff.placement && Object.keys(diff.placement).length > 0) {
    const changes = Object.entries(diff.placement).map(([id, pair]) => [id, pick(pair, direction)] as const);
    placement = withTiers(design.placement, changes);
  }
  const topology = diff.topology ? pick(diff.topology, direction) : null;
  return {
    ...design,
    placement,
    ...(diff.pins ? { pins: pick(diff.pins, direction) } : {}),
    ...(topology ? { topology: topology.topology, topologyId: topology.topologyId } : {}),
    ...(diff.inputs ? { inputs: pick(diff.inputs, direction) } : {}),
    ...(diff.inputValues ? { inputValues: pick(diff.inputValues, direction) } : {}),
    ...(diff.objective ? { objective: pick(diff.objective, direction) } : {}),
    ...(diff.constraints ? { constraints: pick(diff.constraints, direction) } : {}),
  };
}

/**
 * `placement` with each of `changes` applied; layers put back on the device leave the record,
 * which lists only layers off the device.
 */
export function withTiers(
  placement: Readonly<Record<string, TierName>>,
  changes: readonly (readonly [string, TierName])[],
): Record<string, TierName> {
  const next = new Map(Object.entries(placement));
  for (const [id, tier] of changes) {
    if (tier === 'device') next.delete(id);
    else next.set(id, tier);
  }
  return Object.fromEntries(next);
}

/**
 * The per-layer diff from `current` to `target` (both list layers off the device only). Pinned
 * layers whose tier would change are left out of the diff and returned in `refused`.
 */
export function diffPlacement(
  current: Readonly<Record<string, TierName>>,
  target: Readonly<Record<string, TierName>>,
  pinned: ReadonlySet<string>,
): { diff: Record<string, readonly [TierName, TierName]>; refused: string[] } {
  const diff: Record<string, readonly [TierName, TierName]> = {};
  const refused: string[] = [];
  const refusedSet = new Set<string>();
  const consider = (id: string): void => {
    if (Object.hasOwn(diff, id) || refusedSet.has(id)) return;
    const from = tierOf(current, id);
    const to = tierOf(target, id);
    if (from === to) return;
    if (pinned.has(id)) {
      refused.push(id);
      refusedSet.add(id);
    } else diff[id] = [from, to];
  };
  for (const id of Object.keys(current)) consider(id);
  for (const id of Object.keys(target)) consider(id);
  return { diff, refused };
}

/**
 * One diff doing what `first` then `second` do: each field keeps the oldest "before" and the
 * newest "after" (a layer moved twice keeps its first origin).
 */
export function squash(first: DesignDiff, second: DesignDiff): DesignDiff {
  const pair = <T>(
    a: readonly [T, T] | undefined,
    b: readonly [T, T] | undefined,
  ): readonly [T, T] | undefined => (a && b ? [a[0], b[1]] : (b ?? a));
  let placement = first.placement;
  if (second.placement) {
    const merged = new Map(Object.entries(first.placement ?? {}));
    for (const [id, [from, to]] of Object.entries(second.placement)) {
      const origin = merged.get(id)?.[0] ?? from;
      if (origin === to) merged.delete(id);
      else merged.set(id, [origin, to]);
    }
    placement = Object.fromEntries(merged);
  }
  const fields = {
    placement,
    pins: pair(first.pins, second.pins),
    topology: pair(first.topology, second.topology),
    inputs: pair(first.inputs, second.inputs),
    inputValues: pair(first.inputValues, second.inputValues),
    objective: pair(first.objective, second.objective),
    constraints: pair(first.constraints, second.constraints),
  };
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as DesignDiff;
}

/** Whether two input-binding records say the same (key order aside). */
export function sameInputs(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
