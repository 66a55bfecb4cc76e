/**
 * End-to-end latency against the bandwidth of one link, as in seed 004's Fig. 3: the model run
 * all on the device, all on the server beyond that link, split at the best place (the exact min
 * cut, or the tier chain with three tiers), and optionally a given placement. At low bitrates the
 * device alone wins, at high ones the server, in between the split. `cutline sweep` and the
 * studio's sweep job both call `sweepBandwidth`, so their figures agree by construction.
 */
import { editedLink } from '../profiles/link-edit.js';
import { CutlineError } from '../errors.js';
import type { LinkProfile, TierName, Topology } from '../profiles/types.js';
import { evaluatePlacement } from './evaluate.js';
import { uniformPlacement, type Placement } from './placement.js';
import { problemFromSource } from './problem-from-source.js';
import { runSolver } from './solve.js';
import type { PartitionSource } from './source-types.js';

export interface BandwidthPoint {
  readonly mbps: number;
  readonly deviceOnlyMs: number;
  readonly serverOnlyMs: number;
  readonly bestSplitMs: number;
  readonly bestSplitDeviceLayers: number;
  readonly bestSplitLinkBytes: number;
  readonly fastest: 'device-only' | 'server-only' | 'split';
  /** The given placement's latency at this bandwidth (only when one was given). */
  readonly currentMs?: number;
}

export interface BandwidthSweep {
  readonly link: { readonly id: string; readonly tiers: string; readonly rttMs: number };
  /** The tier beyond the swept link: "server only" runs everything there. */
  readonly server: TierName;
  readonly points: readonly BandwidthPoint[];
  /** Bandwidths (Mb/s) of the points whose best split places some layer differently from the previous point's. */
  readonly changes: readonly number[];
}

export interface SweepRange {
  /** The link swept: hop h between tiers h and h + 1. */
  readonly hop: number;
  readonly fromMbps: number;
  readonly toMbps: number;
  /** Number of bandwidths, log-spaced from `fromMbps` to `toMbps` (at least 2). */
  readonly steps: number;
}

export interface SweepOptions {
  /** A placement (in the source's unit order) whose latency each point also reports. */
  readonly current?: Placement;
  /** Called after each bandwidth (may throw to stop: the studio's cancel). */
  readonly onPoint?: (done: number, total: number) => void;
}

/**
 * The sweep of `range.hop`'s bandwidth, both ways, over log-spaced points
 * `from · (to / from)^(s / (steps − 1))`. Each point re-costs the problem from the source on the
 * topology with that bandwidth (the link's measured points dropped, so the bandwidth alone sets
 * its transfer times). Memory limits do not apply: the sweep shows what the link allows.
 * BAD_CONSTRAINT when `toMbps <= fromMbps` or fewer than 2 steps; BAD_TOPOLOGY for a hop the
 * topology lacks.
 */
export function sweepBandwidth(
  source: PartitionSource,
  topology: Topology,
  range: SweepRange,
  options: SweepOptions = {},
): BandwidthSweep {
  const { hop, fromMbps, toMbps, steps } = range;
  assertBandwidthRange(range);
  const link = topology.hops[hop];
  if (!Number.isInteger(hop) || link === undefined) {
    throw new CutlineError(
      'BAD_TOPOLOGY',
      `The topology ${topology.spec.id} has no hop ${hop}; it has ${topology.hops.length} (0 to ${topology.hops.length - 1}).`,
    );
  }
  const server = hop + 1;
  const points: BandwidthPoint[] = [];
  const changes: number[] = [];
  let previousBest: Placement | undefined;
  for (let s = 0; s < steps; s++) {
    const mbps = fromMbps * (toMbps / fromMbps) ** (s / (steps - 1));
    const problem = problemFromSource(source, withBandwidth(topology, hop, mbps));
    const deviceOnly = evaluatePlacement(problem, uniformPlacement(problem, 0));
    const serverOnly = evaluatePlacement(problem, uniformPlacement(problem, server));
    const unlimited = { memoryBytes: problem.tiers.map(() => Infinity) };
    const best = runSolver(
      problem,
      problem.tiers.length > 2 ? 'tiers' : 'min-cut',
      { kind: 'latency' },
      unlimited,
    );
    const e = best.evaluation;
    // 'split' whenever the best placement beats both ends, even when it runs on one tier alone:
    // on three tiers that may be the tier between (everything on the edge while the edge-cloud
    // link is swept), which is neither "device only" nor "server only".
    const fastest =
      e.latencyMs < Math.min(deviceOnly.latencyMs, serverOnly.latencyMs) - 1e-9
        ? 'split'
        : deviceOnly.latencyMs <= serverOnly.latencyMs
          ? 'device-only'
          : 'server-only';
    if (previousBest && !samePlacement(previousBest, best.placement)) changes.push(mbps);
    previousBest = best.placement;
    points.push({
      mbps,
      deviceOnlyMs: deviceOnly.latencyMs,
      serverOnlyMs: serverOnly.latencyMs,
      bestSplitMs: e.latencyMs,
      bestSplitDeviceLayers: e.unitsPerTier[0]!,
      bestSplitLinkBytes: e.linkBytes,
      fastest,
      ...(options.current ? { currentMs: evaluatePlacement(problem, options.current).latencyMs } : {}),
    });
    options.onPoint?.(s + 1, steps);
  }
  return {
    link: {
      id: link.id,
      tiers: `${topology.tiers[hop]!.name}-${topology.tiers[server]!.name}`,
      rttMs: link.rttMs,
    },
    server: topology.tiers[server]!.name,
    points,
    changes,
  };
}

/** Throws BAD_CONSTRAINT unless the range goes up (`toMbps > fromMbps`) in 2 or more whole steps. */
export function assertBandwidthRange(range: Omit<SweepRange, 'hop'>): void {
  if (!(range.toMbps > range.fromMbps)) {
    throw new CutlineError(
      'BAD_CONSTRAINT',
      `--to (${range.toMbps}) must be larger than --from (${range.fromMbps}).`,
    );
  }
  if (!Number.isInteger(range.steps) || range.steps < 2) {
    throw new CutlineError('BAD_CONSTRAINT', `A sweep needs at least 2 steps, not ${range.steps}.`);
  }
}

/** The topology with one hop's bandwidth set to `mbps` both ways (measured points dropped). */
export function withBandwidth(topology: Topology, hop: number, mbps: number): Topology {
  const hops = topology.hops.map((link, h): LinkProfile => {
    if (h !== hop) return link;
    return editedLink(link, { uplinkMbps: mbps, downlinkMbps: mbps }, { dropMeasured: true });
  });
  return { ...topology, hops };
}

function samePlacement(a: Placement, b: Placement): boolean {
  if (a.length !== b.length) return false;
  for (let u = 0; u < a.length; u++) if (a[u] !== b[u]) return false;
  return true;
}
