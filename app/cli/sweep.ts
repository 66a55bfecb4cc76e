/**
 * `cutline sweep MODEL --topology FILE [--link NAME]`: end-to-end latency against the bandwidth of
 * one link for the model run all on the device, all on the server beyond that link, and split at
 * the best place (the exact min cut), as in seed 004's Fig. 3: at low bitrates the device alone
 * wins, at high ones the server, and in between the split.
 */
import { CutlineError } from '../../core/errors.js';
import { buildPartitionProblem } from '../../core/partition/build-problem.js';
import { evaluatePlacement } from '../../core/partition/evaluate.js';
import { uniformPlacement } from '../../core/partition/placement.js';
import { runSolver } from '../../core/partition/solve.js';
import type { LinkProfile, Topology } from '../../core/profiles/types.js';
import { formatBytes } from '../shared/format.js';
import { renderTable } from './format.js';
import { loadPartitionContext } from './partition-context.js';

export interface SweepCliOptions {
  readonly topology: string;
  readonly link?: string;
  readonly from: number;
  readonly to: number;
  readonly steps: number;
  readonly input: readonly string[];
  readonly json?: boolean;
}

export interface SweepPoint {
  readonly mbps: number;
  readonly deviceOnlyMs: number;
  readonly serverOnlyMs: number;
  readonly bestSplitMs: number;
  readonly bestSplitDeviceLayers: number;
  readonly bestSplitLinkBytes: number;
  readonly fastest: 'device-only' | 'server-only' | 'split';
}

function hopOf(topology: Topology, name: string | undefined): number {
  if (name === undefined) return 0;
  const byId = topology.hops.findIndex((link) => link.id === name);
  if (byId >= 0) return byId;
  const byTiers = topology.hops.findIndex(
    (_, h) => `${topology.tiers[h]!.name}-${topology.tiers[h + 1]!.name}` === name,
  );
  if (byTiers >= 0) return byTiers;
  const known = topology.hops.map(
    (link, h) => `${link.id} (${topology.tiers[h]!.name}-${topology.tiers[h + 1]!.name})`,
  );
  throw new CutlineError(
    'BAD_TOPOLOGY',
    `The topology has no link "${name}"; its links are ${known.join(', ')}.`,
  );
}

/** The topology with one hop's bandwidth set to `mbps` both ways (measured points dropped). */
function withBandwidth(topology: Topology, hop: number, mbps: number): Topology {
  const hops = topology.hops.map((link, h): LinkProfile => {
    if (h !== hop) return link;
    const rest: { -readonly [K in keyof LinkProfile]: LinkProfile[K] } = { ...link };
    delete rest.measured;
    delete rest.fitDegree;
    return { ...rest, uplinkMbps: mbps, downlinkMbps: mbps };
  });
  return { ...topology, hops };
}

export function sweepCommand(modelPath: string, options: SweepCliOptions): number {
  if (options.to <= options.from) {
    throw new CutlineError(
      'BAD_CONSTRAINT',
      `--to (${options.to}) must be larger than --from (${options.from}).`,
    );
  }
  const context = loadPartitionContext(modelPath, options.topology, options.input);
  const hop = hopOf(context.topology, options.link);
  const server = hop + 1;
  const points: SweepPoint[] = [];
  for (let s = 0; s < options.steps; s++) {
    const mbps = options.from * (options.to / options.from) ** (s / (options.steps - 1));
    const { problem } = buildPartitionProblem(context.analysis, withBandwidth(context.topology, hop, mbps));
    const deviceOnly = evaluatePlacement(problem, uniformPlacement(problem, 0));
    const serverOnly = evaluatePlacement(problem, uniformPlacement(problem, server));
    // Memory limits of the profiles do not apply here: the sweep shows what the link allows.
    const unlimited = { memoryBytes: problem.tiers.map(() => Infinity) };
    const best = runSolver(
      problem,
      problem.tiers.length > 2 ? 'tiers' : 'min-cut',
      { kind: 'latency' },
      unlimited,
    );
    const e = best.evaluation;
    const usedTiers = e.unitsPerTier.filter((count) => count > 0).length;
    const fastest =
      usedTiers > 1 && e.latencyMs < Math.min(deviceOnly.latencyMs, serverOnly.latencyMs) - 1e-9
        ? 'split'
        : deviceOnly.latencyMs <= serverOnly.latencyMs
          ? 'device-only'
          : 'server-only';
    points.push({
      mbps,
      deviceOnlyMs: deviceOnly.latencyMs,
      serverOnlyMs: serverOnly.latencyMs,
      bestSplitMs: e.latencyMs,
      bestSplitDeviceLayers: e.unitsPerTier[0]!,
      bestSplitLinkBytes: e.linkBytes,
      fastest,
    });
  }
  const link = context.topology.hops[hop]!;
  const tiers = `${context.topology.tiers[hop]!.name}-${context.topology.tiers[server]!.name}`;
  if (options.json) {
    const document = {
      model: context.analysis.model.path ?? context.analysis.summary.graphName,
      topology: context.topology.spec.id,
      link: { id: link.id, tiers, rttMs: link.rttMs },
      server: context.topology.tiers[server]!.name,
      points,
    };
    process.stdout.write(`${JSON.stringify(document)}\n`);
    return 0;
  }
  const rows = points.map((p) => [
    p.mbps < 10 ? p.mbps.toPrecision(2) : p.mbps.toFixed(0),
    p.deviceOnlyMs.toFixed(2),
    p.serverOnlyMs.toFixed(2),
    p.bestSplitMs.toFixed(2),
    String(p.bestSplitDeviceLayers),
    formatBytes(p.bestSplitLinkBytes),
    p.fastest,
  ]);
  process.stdout.write(
    [
      `Latency vs bandwidth of ${link.id} (${tiers}, RTT ${link.rttMs} ms); server = ${context.topology.tiers[server]!.name}`,
      '',
      renderTable(
        ['Mb/s', 'device only ms', 'server only ms', 'best split ms', 'device layers', 'on links', 'fastest'],
        rows,
        [true, true, true, true, true, true, false],
      ),
      '',
    ].join('\n'),
  );
  return 0;
}
