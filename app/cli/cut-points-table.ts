/**
 * `cutline solve --cut-points [ROWS]`: the ranked single cut points (core/partition/cut-points.ts)
 * onto each server tier, as a table or as JSON, the same rows the studio's Cut points tab shows.
 */
import { rankCutPoints, type CutPointRanking } from '../../core/partition/cut-points.js';
import { formatBytes, formatCount } from '../shared/format.js';
import { renderTable } from './format.js';
import type { PartitionContext } from './partition-context.js';

/** Rows shown per server tier when `--cut-points` comes without a number. */
export const DEFAULT_CUT_POINT_ROWS = 10;

export interface ServerCutPoints {
  readonly server: string;
  readonly ranking: CutPointRanking;
}

/** The best `rows` single cuts onto every server tier of the topology. */
export function cutPointsPerServer(context: PartitionContext, rows: number): ServerCutPoints[] {
  const { problem } = context.built;
  const macs = context.analysis.layers.layers.map((layer) => layer.macs);
  return problem.tiers.slice(1).map((server, i) => ({
    server,
    ranking: rankCutPoints(problem, i + 1, macs, rows),
  }));
}

export function cutPointsJson(tables: readonly ServerCutPoints[]): object[] {
  return tables.map(({ server, ranking }) => ({ server, total: ranking.total, points: ranking.points }));
}

export function cutPointsText(tables: readonly ServerCutPoints[]): string {
  return tables
    .map(({ server, ranking }) =>
      [
        `Single cut points onto the ${server}: the best ${ranking.points.length} of ${ranking.total} (device first, then the ${server})`,
        '',
        renderTable(
          [
            'device layers',
            'after layer',
            'cut',
            'tensors',
            'MACs before',
            'MACs after',
            'device ms',
            `${server} ms`,
            'latency ms',
            'device mJ',
            'raw input',
          ],
          ranking.points.map((p) => [
            String(p.deviceLayers),
            p.afterLayer ?? '(none)',
            formatBytes(p.cutBytes),
            String(p.tensors),
            formatCount(p.macsBefore),
            formatCount(p.macsAfter),
            p.computeBeforeMs.toFixed(2),
            p.computeAfterMs.toFixed(2),
            p.latencyMs.toFixed(2),
            p.deviceEnergyMj.toFixed(1),
            p.rawInputLeavesDevice ? 'leaves' : 'stays',
          ]),
          [true, false, true, true, true, true, true, true, true, true, false],
        ),
      ].join('\n'),
    )
    .join('\n\n');
}
