/**
 * The cut lines of the committed design, in the units' topological order (the solvers' order):
 * where each line sits (`cutsOf`), what dragging one to a new position makes of the placement
 * (`chainPlacement`, pins staying put) and the words the line says. Pure over the store's state.
 */
import { chainPlacement, cutsOf, moveCut, type PinnedTier } from '../../../../core/partition/cut-lines.js';
import type { Placement } from '../../../../core/partition/placement.js';
import type { TierName } from '../../../../core/profiles/types.js';
import {
  designProblem,
  placementArray,
  rememberPlacement,
  type DesignProblem,
} from '../../design/figures.js';
import { selectCostedSource } from '../../design/costed-source.js';
import { tierTitleOf } from '../../design/placement.js';
import type { Design } from '../../store/design-types.js';
import type { Store } from '../../store/store-types.js';

export interface CutModel {
  /** Layer id of each unit, in unit (topological) order. */
  readonly units: readonly string[];
  /** The topology's tiers, device first: cut h lies between tiers h and h + 1. */
  readonly tiers: readonly TierName[];
  /** The committed design's placement, one tier index per unit. */
  readonly placement: Placement;
  readonly pinned: PinnedTier;
  readonly pinnedCount: number;
  /** Where the lines are drawn for the committed design. */
  readonly cuts: readonly number[];
  /** The design it was built from. */
  readonly design: Design;
  /** The partition problem the placement indexes (built from the design's topology: same tiers). */
  readonly built: DesignProblem;
}

let memo: { source: unknown; design: Design; value: CutModel } | null = null;

/** The cut lines of the open design; null before a model and its design are there. */
export function selectCutModel(state: Store): CutModel | null {
  const { design } = state;
  const source = selectCostedSource(state);
  if (!source || !design) return null;
  if (memo?.source === source && memo.design === design) return memo.value;
  const built = designProblem(source, design.topology);
  const placement = placementArray(built, design.placement);
  const pinnedTiers = new Map<number, number>();
  for (const id of design.pins) {
    const unit = built.unitOf.get(id);
    if (unit !== undefined) pinnedTiers.set(unit, placement[unit]!);
  }
  const pinned: PinnedTier = (unit) => pinnedTiers.get(unit);
  // Kept while the model and the tiers stay, so the lines' geometry is not rebuilt per edit.
  const sameModel = memo?.source === source;
  const tierNames = design.topology.tiers.map((t) => t.name);
  const tiers = sameModel && memo!.value.tiers.join() === tierNames.join() ? memo!.value.tiers : tierNames;
  const value: CutModel = {
    units: sameModel ? memo!.value.units : built.problem.units.map((unit) => unit.name),
    tiers,
    placement,
    pinned,
    pinnedCount: pinnedTiers.size,
    cuts: cutsOf(placement, tiers.length, pinnedTiers.size > 0 ? pinned : undefined),
    design,
    built,
  };
  memo = { source, design, value };
  return value;
}

/** What dragging a line gives: the cuts, the placement record, and the pinned layers left across it. */
export interface CutMove {
  readonly cuts: readonly number[];
  /** Layers off the device only, as `Design.placement`; the design's own object if nothing changes. */
  readonly record: Readonly<Record<string, TierName>>;
  /** Pinned layers on the other side of a line than the chain would put them: they stay. */
  readonly pinnedAcross: number;
}

/** The design with cut `h` at `position` (other cuts pushed if it passes them). */
export function moveCutTo(model: CutModel, h: number, position: number): CutMove {
  const n = model.units.length;
  const cuts = moveCut(model.cuts, h, position, n);
  const chain = chainPlacement(n, cuts);
  const placement = chainPlacement(n, cuts, model.pinned);
  let pinnedAcross = 0;
  let changed = false;
  const record: Record<string, TierName> = {};
  for (let u = 0; u < n; u++) {
    const tier = placement[u]!;
    if (tier !== chain[u]) pinnedAcross++;
    if (tier !== model.placement[u]) changed = true;
    if (tier > 0) record[model.units[u]!] = model.tiers[tier]!;
  }
  if (!changed) return { cuts, record: model.design.placement, pinnedAcross };
  // The figures evaluate this placement next: spare them rebuilding it from the record.
  rememberPlacement(model.built, record, placement);
  return { cuts, record, pinnedAcross };
}

/** "Device | Edge": the two tiers a line lies between. */
export const cutTitle = (model: CutModel, h: number): string =>
  `${tierTitleOf(model.tiers[h]!)} | ${tierTitleOf(model.tiers[h + 1]!)}`;

/** The line's accessible name: "Cut between Device and Edge". */
export const cutName = (model: CutModel, h: number): string =>
  `Cut between ${tierTitleOf(model.tiers[h]!)} and ${tierTitleOf(model.tiers[h + 1]!)}`;

/** What the line says about where it is: "12 of 48 layers above; 2 pinned layers stay put". */
export function cutDescription(model: CutModel, position: number, pinnedAcross: number): string {
  const n = model.units.length;
  const above = `${position} of ${n} layer${n === 1 ? '' : 's'} above`;
  if (pinnedAcross === 0) return above;
  return `${above}; ${pinnedAcross} pinned layer${pinnedAcross === 1 ? ' stays' : 's stay'} where ${pinnedAcross === 1 ? 'it is' : 'they are'}`;
}

/** The grip's short form of it (the whole is its accessible value): "12 above · 2 pinned stay". */
export const cutSummary = (position: number, pinnedAcross: number, units?: number): string =>
  // A cut below every layer splits nothing yet: say what to do with it.
  position === units && pinnedAcross === 0
    ? 'drag up to split'
    : pinnedAcross === 0
      ? `${position} above`
      : `${position} above · ${pinnedAcross} pinned stay${pinnedAcross === 1 ? 's' : ''}`;
