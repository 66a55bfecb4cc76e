/**
 * CLI start-up: `cutline --help` from the build in dist/cli/ (what `npm run build:cli` makes and
 * an installed package runs) against `node -e 0` in the same run, the built command without
 * bin/cutline.js's freshness check, and the sources through tsx (CUTLINE_FROM_SOURCES=1) for
 * reference. The commands take turns, so load on the machine hits each alike. The check's own
 * cost (stat of every file the build stamp lists) is timed in this process too.
 *
 * Target (issue 14): `cutline --help` from the build ≤ 0.15 s (median wall time, process start
 * to exit).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleCli, CLI_BUILD_STAMP, type CliBuildStamp } from '../../app/main/bundle.js';
import { currentBuild, FROM_SOURCES_ENV } from '../../bin/cli-build.js';
import { median } from '../measurement.js';
import type { BenchContext, BenchSection, Column, SectionReport, SectionRow } from '../section.js';
import { verdict } from '../table.js';

export const HELP_LIMIT_S = 0.15;
/** Starts of each command: process start-up varies by tens of ms on a busy machine. */
const MIN_STARTS = 15;
const CHECK_CALLS = 50;

const BIN = fileURLToPath(new URL('../../bin/cutline.js', import.meta.url));

const COLUMNS: readonly Column[] = [
  { key: 'what', title: 'command', align: 'left' },
  { key: 'median', title: 'median s' },
  { key: 'min', title: 'min s' },
  { key: 'overNode', title: 'over node -e 0, s' },
  { key: 'target', title: `≤ ${HELP_LIMIT_S} s` },
];

interface Command {
  readonly key: string;
  readonly what: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

/** Wall time of one start of `node ARGS`, its output discarded. */
function startSeconds(command: Command): number {
  const started = performance.now();
  execFileSync(process.execPath, command.args, { stdio: 'ignore', env: command.env });
  return (performance.now() - started) / 1000;
}

export const startupSection: BenchSection = {
  name: 'startup',
  title: 'CLI start-up: cutline --help, built and from the sources, against node -e 0',
  async run(context: BenchContext): Promise<SectionReport> {
    const env = { ...process.env, [FROM_SOURCES_ENV]: '' };
    let build = currentBuild(undefined, env);
    if (build === null) {
      context.log('dist/cli/ is missing or older than its sources: npm run build:cli');
      await bundleCli();
      build = currentBuild(undefined, env);
    }
    if (build === null) throw new Error('dist/cli/ is still not current after building it.');
    const commands: readonly Command[] = [
      { key: 'node', what: 'node -e 0', args: ['-e', '0'], env },
      { key: 'built', what: 'cutline --help (built)', args: [BIN, '--help'], env },
      { key: 'direct', what: 'node dist/cli/cutline-cli.cjs --help', args: [build.cli, '--help'], env },
      {
        key: 'tsx',
        what: 'cutline --help (sources, tsx)',
        args: [BIN, '--help'],
        env: { ...env, [FROM_SOURCES_ENV]: '1' },
      },
    ];
    const starts = Math.max(MIN_STARTS, context.runs * 5);
    const seconds = new Map<string, number[]>(commands.map((command) => [command.key, []]));
    // One start of each untimed: the files are then in the page cache for every timed start.
    for (const command of commands) startSeconds(command);
    for (let round = 0; round < starts; round++)
      for (const command of commands) seconds.get(command.key)!.push(startSeconds(command));
    const nodeS = median(seconds.get('node')!);

    const stamp = JSON.parse(
      fs.readFileSync(path.join(path.dirname(build.cli), CLI_BUILD_STAMP), 'utf8'),
    ) as CliBuildStamp;
    const checkMs: number[] = [];
    for (let call = 0; call < CHECK_CALLS; call++) {
      const started = performance.now();
      currentBuild(undefined, env);
      checkMs.push(performance.now() - started);
    }

    const rows: SectionRow[] = commands.map((command) => {
      const all = seconds.get(command.key)!;
      const medianS = median(all);
      const isTarget = command.key === 'built';
      return {
        cells: {
          what: command.what,
          median: medianS.toFixed(3),
          min: Math.min(...all).toFixed(3),
          overNode: command.key === 'node' ? '-' : (medianS - nodeS).toFixed(3),
          ...(isTarget ? { target: verdict(medianS, HELP_LIMIT_S) } : {}),
        },
        figures: { command: command.what, starts: all.length, medianS, minS: Math.min(...all), seconds: all },
        checks: isTarget
          ? [{ label: 'cutline --help from the build, s', value: medianS, limit: HELP_LIMIT_S }]
          : [],
        errors: [],
      };
    });
    return {
      columns: COLUMNS,
      rows,
      notes: [
        `${starts} timed starts of each command, taking turns; medians.`,
        `bin/cutline.js's freshness check (a stat of each of the build's ${stamp.inputs.length} inputs): median ${median(checkMs).toFixed(2)} ms over ${CHECK_CALLS} calls.`,
      ],
    };
  },
};
