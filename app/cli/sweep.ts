/**
 * `cutline sweep MODEL --topology FILE [--link NAME]`: end-to-end latency against the bandwidth of
 * one link for the model run all on the device, all on the server beyond that link, and split at
 * the best place. The figures come from core's `sweepBandwidth` (core/partition/sweep.ts), which
 * the studio's sweep job calls too.
 */
import { CutlineError } from '../../core/errors.js';
import { partitionSource } from '../../core/partition/source.js';
import { assertBandwidthRange, sweepBandwidth } from '../../core/partition/sweep.js';
import type { Topology } from '../../core/profiles/types.js';
import { formatBytes } from '../shared/format.js';
import { renderTable } from './format.js';
import { writeJsonLine } from './json-output.js';
import { assumptionsNote, loadPartitionContext } from './partition-context.js';

export interface SweepCliOptions {
  readonly topology: string;
  readonly link?: string;
  readonly from: number;
  readonly to: number;
  readonly steps: number;
  readonly input: readonly string[];
  readonly inputValue?: readonly string[];
  readonly json?: boolean;
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

export function sweepCommand(modelPath: string, options: SweepCliOptions): number {
  const range = { fromMbps: options.from, toMbps: options.to, steps: options.steps };
  assertBandwidthRange(range);
  const context = loadPartitionContext(modelPath, options.topology, options.input, options.inputValue);
  const hop = hopOf(context.topology, options.link);
  const { source } = partitionSource(context.analysis);
  const { link, server, points, changes } = sweepBandwidth(source, context.topology, { hop, ...range });
  if (options.json) {
    const document = {
      model: context.analysis.model.path ?? context.analysis.summary.graphName,
      topology: context.topology.spec.id,
      link,
      server,
      points,
      changes,
      ...assumptionsNote(context.analysis).json,
    };
    writeJsonLine(document);
    return 0;
  }
  const rows = points.map((p) => [
    formatMbps(p.mbps),
    p.deviceOnlyMs.toFixed(2),
    p.serverOnlyMs.toFixed(2),
    p.bestSplitMs.toFixed(2),
    String(p.bestSplitDeviceLayers),
    formatBytes(p.bestSplitLinkBytes),
    p.fastest,
  ]);
  const assumed = assumptionsNote(context.analysis).line;
  process.stdout.write(
    [
      `Latency vs bandwidth of ${link.id} (${link.tiers}, RTT ${link.rttMs} ms); server = ${server}`,
      ...(assumed ? [`Approximate: ${assumed} (every latency below is an estimate)`] : []),
      '',
      renderTable(
        ['Mb/s', 'device only ms', 'server only ms', 'best split ms', 'device layers', 'on links', 'fastest'],
        rows,
        [true, true, true, true, true, true, false],
      ),
      '',
      ...(changes.length > 0
        ? [`The best split changes at ${changes.map(formatMbps).join(', ')} Mb/s.`, '']
        : []),
    ].join('\n'),
  );
  return 0;
}

function formatMbps(mbps: number): string {
  return mbps < 10 ? mbps.toPrecision(2) : mbps.toFixed(0);
}
