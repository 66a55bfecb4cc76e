/**
 * A project's design read against a model and topology, the one way the studio and the CLI both
 * read it: layers the model has no (placeable) layer for are dropped, and a tier the topology
 * lacks becomes the nearest tier it has below, so the CLI exports exactly what the studio showed.
 */
import { placementOfRecord, type Placement } from '../partition/placement.js';
import type { PartitionProblem } from '../partition/problem.js';
import { isTierName, nearestTier, tierOf, type TierName } from '../tiers.js';
import type { ProjectFile } from './types.js';

/** A project's placement and pins kept to what a model and topology have. */
export interface ProjectLayers {
  /** Kept layers off the device, each on a tier the topology has. */
  readonly placement: Readonly<Record<string, TierName>>;
  /** Kept pinned layer ids, in first-seen order without repeats. */
  readonly pins: readonly string[];
  /** Placed or pinned layer ids the model has no layer for, sorted. */
  readonly dropped: readonly string[];
  /** Placed layers whose tier the topology lacks, moved to the nearest tier below, sorted. */
  readonly retiered: readonly string[];
}

/**
 * A layer → tier record on a topology of `tiers`: each layer on its tier if the topology has it,
 * else on the nearest tier below; layers that end on the device leave the record.
 */
export function retierPlacement(
  placement: Readonly<Record<string, TierName>>,
  tiers: readonly TierName[],
): Record<string, TierName> {
  const kept: Record<string, TierName> = {};
  for (const [id, tier] of Object.entries(placement)) {
    const to = nearestTier(tiers, tier);
    if (to !== 'device') kept[id] = to;
  }
  return kept;
}

/** `project`'s placement and pins on a model with the layers `has` accepts and a topology of `tiers`. */
export function projectLayers(
  project: ProjectFile,
  has: (id: string) => boolean,
  tiers: readonly TierName[],
): ProjectLayers {
  const dropped = new Set<string>();
  const known: Record<string, TierName> = {};
  for (const [id, tier] of Object.entries(project.placement)) {
    if (has(id)) known[id] = tier;
    else dropped.add(id);
  }
  const placement = retierPlacement(known, tiers);
  const retiered = Object.keys(known).filter((id) => tierOf(placement, id) !== known[id]);
  const pins: string[] = [];
  for (const id of new Set(project.pins)) {
    if (has(id)) pins.push(id);
    else dropped.add(id);
  }
  return { placement, pins, dropped: [...dropped].sort(), retiered: retiered.sort() };
}

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

/** A project's design on a partition problem: a `Placement` and its pins as `pin:LAYER=TIER` constraints. */
export function projectPlacement(project: ProjectFile, problem: PartitionProblem): ProjectPlacement {
  const unitOf = new Map<string, number>();
  problem.units.forEach((unit, u) => unitOf.set(unit.name, u));
  const layers = projectLayers(project, (id) => unitOf.has(id), problem.tiers.filter(isTierName));
  return {
    placement: placementOfRecord(problem, unitOf, layers.placement),
    pinConstraints: layers.pins.map((id) => `pin:${id}=${tierOf(layers.placement, id)}`),
    dropped: layers.dropped,
    retiered: layers.retiered,
  };
}
