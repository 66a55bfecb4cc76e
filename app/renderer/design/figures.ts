/**
 * The design's figures, computed in the page from core/partition exactly as `cutline solve`
 * computes them: the partition problem of the open model's units on the design's topology
 * (`problemFromSource`, rebuilt only when the model or the topology changes) and the evaluation
 * of the placement on screen (the drag preview while one runs, else the design's), re-run only
 * when that placement changes. Both are memoised on object identity, so selectors reading them
 * from many components cost a comparison each.
 */
import { problemFromSource } from '../../../core/partition/problem-from-source.js';
import { evaluatePlacement, type Evaluation } from '../../../core/partition/evaluate.js';
import { placementOfRecord, type Placement } from '../../../core/partition/placement.js';
import type { PartitionProblem } from '../../../core/partition/problem.js';
import type { PartitionSource } from '../../../core/partition/source-types.js';
import type { TierName, Topology } from '../../../core/profiles/types.js';
import type { Store } from '../store/store-types.js';
import { selectCostedSource } from './costed-source.js';

export interface DesignProblem {
  readonly problem: PartitionProblem;
  /** Layer id → unit index. */
  readonly unitOf: ReadonlyMap<string, number>;
}

export interface DesignFigures extends DesignProblem {
  readonly placement: Placement;
  readonly evaluation: Evaluation;
  /** Whether these are the figures of a drag in progress rather than of the design. */
  readonly isPreview: boolean;
}

let problemMemo: { source: PartitionSource; topology: Topology; value: DesignProblem } | null = null;

export function designProblem(source: PartitionSource, topology: Topology): DesignProblem {
  if (problemMemo?.source === source && problemMemo.topology === topology) return problemMemo.value;
  const problem = problemFromSource(source, topology);
  const unitOf = new Map<string, number>();
  problem.units.forEach((unit, u) => unitOf.set(unit.name, u));
  const value = { problem, unitOf };
  problemMemo = { source, topology, value };
  return value;
}

/** Placement arrays already known for a record (a cut drag has one before it builds the record). */
const knownPlacements = new WeakMap<object, { built: DesignProblem; placement: Placement }>();

/**
 * Tells placementArray that `record` is `placement` (a cut drag's preview), so the figures do
 * not walk the ~5,000-key record back into the array it was made from on every pointer move.
 * The caller must not change either afterwards.
 */
export function rememberPlacement(
  built: DesignProblem,
  record: Readonly<Record<string, TierName>>,
  placement: Placement,
): void {
  if (placement.length === built.problem.units.length) knownPlacements.set(record, { built, placement });
}

/**
 * core's `placementOfRecord` of the design's problem, kept per record: the committed design's
 * array is read by the figures, the predicted overlay and the cut lines after every edit, and
 * walking a ~5,000-key record once is enough. Callers must not change the array.
 */
export function placementArray(built: DesignProblem, record: Readonly<Record<string, TierName>>): Placement {
  const known = knownPlacements.get(record);
  if (known?.built === built) return known.placement;
  const placement = placementOfRecord(built.problem, built.unitOf, record);
  knownPlacements.set(record, { built, placement });
  return placement;
}

interface FiguresMemo {
  readonly built: DesignProblem;
  readonly record: Readonly<Record<string, TierName>>;
  readonly value: DesignFigures;
}

// The committed design's figures are kept apart from previews', so a drag that comes back to its
// own lane (or a cancelled one) shows them again without re-evaluating ~5,000 units. Previews
// are kept by their record while something holds it (a drag warms the lanes it may reach).
let committedFiguresMemo: FiguresMemo | null = null;
const previewFigures = new WeakMap<object, FiguresMemo>();

function figuresOf(
  memo: FiguresMemo | null,
  built: DesignProblem,
  record: Readonly<Record<string, TierName>>,
  isPreview: boolean,
): FiguresMemo {
  if (memo?.built === built && memo.record === record) return memo;
  const placement = placementArray(built, record);
  const value: DesignFigures = {
    ...built,
    placement,
    evaluation: evaluatePlacement(built.problem, placement),
    isPreview,
  };
  return { built, record, value };
}

/** The figures of the placement on screen, or null before a model and a design are there. */
export function selectDesignFigures(state: Store): DesignFigures | null {
  const { design, preview } = state;
  const source = selectCostedSource(state);
  if (!source || !design) return null;
  const built = designProblem(source, design.topology);
  if (preview === null) {
    committedFiguresMemo = figuresOf(committedFiguresMemo, built, design.placement, false);
    return committedFiguresMemo.value;
  }
  const memo = figuresOf(previewFigures.get(preview) ?? null, built, preview, true);
  previewFigures.set(preview, memo);
  return memo.value;
}

/**
 * Computes, ahead of time, the figures `preview` would show (and its crossing edges), so that
 * setting it as the preview later costs a lookup: a drag calls it in idle time for the lanes the
 * pointer may reach.
 */
export function warmPreviewFigures(state: Store, preview: Readonly<Record<string, TierName>>): void {
  const figures = selectDesignFigures({ ...state, preview });
  if (figures) cutIndex(figures);
}

/** The figures of the committed design, ignoring a drag preview (what the graph's nodes show). */
export function selectCommittedProblem(state: Store): DesignProblem | null {
  const source = selectCostedSource(state);
  return source && state.design ? designProblem(source, state.design.topology) : null;
}

/**
 * Predicted compute time of a layer on every tier of the topology, ms, in tier order; null for
 * a layer that is not a unit (a view-only sub-graph layer).
 */
export function layerTierTimes(built: DesignProblem, layerId: string): number[] | null {
  const unit = built.unitOf.get(layerId);
  if (unit === undefined) return null;
  const k = built.problem.tiers.length;
  return Array.from({ length: k }, (_, t) => built.problem.computeMs[unit * k + t]!);
}

export interface CutEdgeInfo {
  readonly bytes: number;
  /** Latency the crossings add to one inference, ms (every hop they take, both ways). */
  readonly transferMs: number;
}

/**
 * What the tensors of one drawn edge cost to move in the figures on screen: their bytes and
 * transfer time over every hop they cross; null when none of them crosses a tier boundary.
 */
export function selectCutEdgeInfo(state: Store, tensorNames: readonly string[]): CutEdgeInfo | null {
  const figures = selectDesignFigures(state);
  if (!figures) return null;
  const crossing = cutIndex(figures);
  let bytes = 0;
  let transferMs = 0;
  let any = false;
  for (const name of tensorNames) {
    const cost = crossing.get(name);
    if (!cost) continue;
    any = true;
    bytes += cost.bytes;
    transferMs += cost.transferMs;
  }
  return any ? { bytes, transferMs } : null;
}

const cutIndexMemo = new WeakMap<DesignFigures, ReadonlyMap<string, CutEdgeInfo>>();

/** Tensor name → its crossing, for every tensor the evaluation says crosses (a shape-only twin adds to it). */
function cutIndex(figures: DesignFigures): ReadonlyMap<string, CutEdgeInfo> {
  const known = cutIndexMemo.get(figures);
  if (known) return known;
  const index = new Map<string, CutEdgeInfo>();
  for (const cut of figures.evaluation.cutTensors) {
    const previous = index.get(cut.name);
    index.set(cut.name, {
      bytes: (previous?.bytes ?? 0) + cut.bytes,
      transferMs: (previous?.transferMs ?? 0) + cut.latencyMs,
    });
  }
  cutIndexMemo.set(figures, index);
  return index;
}

/** The evaluation of the committed design (what a drag's preview is compared with). */
export function selectCommittedEvaluation(state: Store): Evaluation | null {
  const built = selectCommittedProblem(state);
  const record = state.design?.placement;
  if (!built || !record) return null;
  committedFiguresMemo = figuresOf(committedFiguresMemo, built, record, false);
  return committedFiguresMemo.value.evaluation;
}
