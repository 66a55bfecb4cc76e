/**
 * External data (issue 13, point 1): `analyzeFile` on a 200-layer model whose 13 GB of weights all
 * live in one external-data file, against the same graph with no weight bytes anywhere, each in a
 * fresh process, `runs` times, interleaved.
 *
 * The data file is sparse (ftruncate; a few bytes per tensor written), made in the system's temp
 * folder and deleted after: it takes kilobytes of disk. Analysis must not read weights at all, so a
 * sparse file measures the same thing a real one would, except the page cache never holds it.
 *
 * The baseline is the same graph with every weight a graph input of the same type and shape (and
 * the Reshape target inline): the file holds the graph and nothing else, so the difference between
 * the rows is what the external data costs. Targets: analyse ≤ 1 s and peak RSS ≤ 1 GiB.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sparseWeightsSpec, writeSparseWeightsModel } from '../../test/support/sparse-weights-model.js';
import { runChild } from '../child.js';
import { summarizeRuns, type AnalyzeMeasurement } from '../measurement.js';
import type {
  BenchContext,
  BenchSection,
  Column,
  SectionReport,
  SectionRow,
  TargetCheck,
} from '../section.js';
import { mib, ms, verdict } from '../table.js';

const LAYERS = 200;
const WEIGHT_BYTES = 13e9;
export const ANALYZE_SECONDS_LIMIT = 1;
export const PEAK_RSS_GIB_LIMIT = 1;
const GIB = 1024 ** 3;

const COLUMNS: readonly Column[] = [
  { key: 'model', title: 'model', align: 'left' },
  { key: 'data', title: 'external data GB' },
  { key: 'file', title: 'model file KiB' },
  { key: 'nodes', title: 'nodes' },
  { key: 'analyzeMs', title: 'analyze ms' },
  { key: 'seconds', title: `s (≤${ANALYZE_SECONDS_LIMIT})` },
  { key: 'peak', title: 'peak MiB' },
  { key: 'peakGib', title: `peak GiB (≤${PEAK_RSS_GIB_LIMIT})` },
  { key: 'net', title: 'net MiB' },
];

interface Variant {
  readonly name: string;
  readonly modelPath: string;
  readonly dataBytes: number;
  readonly checked: boolean;
  readonly measurements: AnalyzeMeasurement[];
  error?: string;
}

function toRow(variant: Variant): SectionRow {
  const summary = summarizeRuns(variant.measurements);
  const cells: Record<string, string> = {
    model: variant.name,
    data: (variant.dataBytes / 1e9).toFixed(1),
    file: (fs.statSync(variant.modelPath).size / 1024).toFixed(1),
    nodes: String(variant.measurements[0]?.nodes ?? '-'),
  };
  const checks: TargetCheck[] = [];
  if (summary) {
    const seconds = summary.medianMs / 1000;
    const peakGib = summary.peakRssBytes / GIB;
    cells.analyzeMs = ms(summary.medianMs);
    cells.peak = mib(summary.peakRssBytes);
    cells.net = mib(summary.netRssBytes);
    cells.seconds = variant.checked ? verdict(seconds, ANALYZE_SECONDS_LIMIT) : seconds.toFixed(2);
    cells.peakGib = variant.checked ? verdict(peakGib, PEAK_RSS_GIB_LIMIT) : peakGib.toFixed(2);
    if (variant.checked) {
      checks.push(
        { label: `${variant.name}: analyze seconds`, value: seconds, limit: ANALYZE_SECONDS_LIMIT },
        { label: `${variant.name}: analyze peak RSS GiB`, value: peakGib, limit: PEAK_RSS_GIB_LIMIT },
      );
    }
  }
  return {
    cells,
    checks,
    errors: variant.error === undefined ? [] : [`${variant.name}: ${variant.error}`],
    figures: {
      model: variant.name,
      layers: LAYERS,
      externalDataBytes: variant.dataBytes,
      analyze: summary ?? null,
      runs: variant.measurements,
    },
  };
}

async function measure(variants: readonly Variant[], context: BenchContext): Promise<void> {
  for (let run = 1; run <= context.runs; run++) {
    for (const variant of variants) {
      if (variant.error !== undefined) continue;
      const outcome = await runChild<AnalyzeMeasurement>('./measure-analyze.ts', [variant.modelPath]);
      if (outcome.ok) variant.measurements.push(outcome.value);
      else variant.error = outcome.error;
      context.log(
        `  ${variant.name} run ${run}: ${outcome.ok ? `${ms(outcome.value.elapsedMs)} ms, peak ${mib(outcome.value.peakRssBytes)} MiB` : 'FAILED'}`,
      );
    }
  }
}

export const externalDataSection: BenchSection = {
  name: 'external-data',
  title: `External data: analyzeFile on ${LAYERS} layers with 13 GB of external weights vs the graph alone`,
  async run(context): Promise<SectionReport> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-bench-external-'));
    try {
      const spec = sparseWeightsSpec(WEIGHT_BYTES, LAYERS);
      fs.mkdirSync(path.join(dir, 'external'));
      fs.mkdirSync(path.join(dir, 'graph-only'));
      const external = writeSparseWeightsModel(path.join(dir, 'external'), spec);
      const graphOnly = writeSparseWeightsModel(path.join(dir, 'graph-only'), { ...spec, weights: 'inputs' });
      context.log(
        `  generated ${LAYERS} layers of ${spec.width}×${spec.width}: ${(external.dataBytes / 1e9).toFixed(1)} GB of external data, ${mib(fs.statSync(external.dataPath).blocks * 512)} MiB on disk`,
      );
      const variants: Variant[] = [
        {
          name: 'external (13 GB)',
          modelPath: external.modelPath,
          dataBytes: external.dataBytes,
          checked: true,
          measurements: [],
        },
        {
          name: 'graph-only baseline',
          modelPath: graphOnly.modelPath,
          dataBytes: 0,
          checked: false,
          measurements: [],
        },
      ];
      await measure(variants, context);
      return {
        columns: COLUMNS,
        rows: variants.map(toRow),
        notes: [
          'Each figure is the median time (peak RSS: the largest) of fresh-process runs of analyzeFile, interleaved.',
          'The external data file is sparse (ftruncate, a few bytes per tensor written) in the temp folder and deleted after;',
          'analysis reads none of the weights, only tensor metadata and the 16-byte Reshape target stored in the file.',
          'Baseline: the same graph with every weight a graph input of the same type and shape and no data file,',
          'so the difference between the rows is what 13 GB of external data costs to analyse.',
          'net MiB = peak RSS − RSS just before the analysis (Node, tsx and Cutline loaded).',
        ],
      };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
