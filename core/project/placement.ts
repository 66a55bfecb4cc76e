/**
 * A project's design on a partition problem: its layer placement as a `Placement` and its pins
 * as `pin:LAYER=TIER` constraints. Read as the studio reads a project (`designFromProject`):
 * layers the model has no unit for are dropped, and a tier the topology lacks becomes the nearest
 * tier it has below, so the CLI exports exactly what the studio showed.
 */
import type { Placement } from '../partition/placement.js';
import type { PartitionProblem } from '../partition/problem.js';
import { isTierName, nearestTier, type TierName } from '../tiers.js';
import type { ProjectFile } from './types.js';

export interface ProjectPlacement {
  /** Tier index of every unit, in the problem's unit order; unplaced layers on the device. */
  readonly placement: Placement;
  /** `pin:LAYER=TIER` for every pinned layer the model has, at the tier the placement gives it. */
  readonly pinConstraints: readonly string[];
  /** Placed or pinned layer ids the problem has no unit for, sorted. */
  readonly dropped: readonly string[];
  /** Placed layers whose tier the topology lacks, moved to the nearest tier below, sorted. */
  readonly retiered: readonly string[];
}

export function projectPlacement(project: ProjectFile, problem: PartitionProblem): ProjectPlacement {
  const unitOf = new Map<string, number>();
  problem.units.forEach((unit, u) => unitOf.set(unit.name, u));
  const tiers = problem.tiers.filter(isTierName);
  const placement = new Uint8Array(problem.units.length);
  const dropped = new Set<string>();
  const retiered: string[] = [];
  for (const [id, tier] of Object.entries(project.placement)) {
    const unit = unitOf.get(id);
    if (unit === undefined) {
      dropped.add(id);
      continue;
    }
    const kept: TierName = nearestTier(tiers, tier);
    if (kept !== tier) retiered.push(id);
    placement[unit] = problem.tiers.indexOf(kept);
  }
  const pinConstraints: string[] = [];
  for (const id of new Set(project.pins)) {
    const unit = unitOf.get(id);
    if (unit === undefined) dropped.add(id);
    else pinConstraints.push(`pin:${id}=${problem.tiers[placement[unit]!]!}`);
  }
  return { placement, pinConstraints, dropped: [...dropped].sort(), retiered: retiered.sort() };
}
