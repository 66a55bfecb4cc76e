/**
 * Load benchmark: Cutline's `analyzeFile` against onnxruntime-node's `InferenceSession.create` on
 * the same file in the same run, each in a fresh process, `runs` times, interleaved so that page
 * cache and CPU frequency drift hit both alike.
 *
 * Targets (issue text): analyze time ≤ 0.5 × session creation time, and peak RSS ≤ 1.5 × file size.
 * RSS is checked net of the process's baseline before reading (Node, tsx and Cutline's own code,
 * ~85 MiB whatever the model): that baseline is larger than the whole 10k-node file, so the
 * gross figure would measure Node rather than Cutline. The gross ratio is printed beside it.
 */
import { runChild } from '../child.js';
import {
  summarizeRuns,
  type AnalyzeMeasurement,
  type OrtMeasurement,
  type ProcessMeasurement,
} from '../measurement.js';
import type { CachedModel } from '../model-cache.js';
import { findBenchModel } from '../models.js';
import type {
  BenchContext,
  BenchSection,
  Column,
  SectionReport,
  SectionRow,
  TargetCheck,
} from '../section.js';
import { mib, ms, verdict } from '../table.js';

export const ANALYZE_TIME_RATIO_LIMIT = 0.5;
export const RSS_TO_FILE_LIMIT = 1.5;

const COLUMNS: readonly Column[] = [
  { key: 'model', title: 'model', align: 'left' },
  { key: 'file', title: 'file MiB' },
  { key: 'nodes', title: 'nodes' },
  { key: 'analyzeMs', title: 'analyze ms' },
  { key: 'ortMs', title: 'ORT create ms' },
  { key: 'timeRatio', title: `ratio (≤${ANALYZE_TIME_RATIO_LIMIT})` },
  { key: 'analyzePeak', title: 'analyze peak MiB' },
  { key: 'analyzeNet', title: 'net MiB' },
  { key: 'rssRatio', title: `net/file (≤${RSS_TO_FILE_LIMIT})` },
  { key: 'grossRatio', title: 'peak/file' },
  { key: 'ortPeak', title: 'ORT peak MiB' },
  { key: 'ortNet', title: 'ORT net MiB' },
];

interface Runs<T extends ProcessMeasurement> {
  readonly measurements: T[];
  error?: string;
}

async function measureModel(model: CachedModel, context: BenchContext): Promise<SectionRow> {
  const analyze: Runs<AnalyzeMeasurement> = { measurements: [] };
  const ort: Runs<OrtMeasurement> = { measurements: [] };
  for (let run = 1; run <= context.runs; run++) {
    // A failed analysis fails the same way every time: one try is enough.
    if (analyze.error === undefined) {
      const outcome = await runChild<AnalyzeMeasurement>('./measure-analyze.ts', [model.path]);
      if (outcome.ok) analyze.measurements.push(outcome.value);
      else analyze.error = outcome.error;
      context.log(
        `  ${model.info.name} analyze run ${run}: ${outcome.ok ? `${ms(outcome.value.elapsedMs)} ms` : 'FAILED'}`,
      );
    }
    if (ort.error === undefined) {
      const outcome = await runChild<OrtMeasurement>('./measure-ort.ts', [model.path]);
      if (outcome.ok) ort.measurements.push(outcome.value);
      else ort.error = outcome.error;
      context.log(
        `  ${model.info.name} ORT create run ${run}: ${outcome.ok ? `${ms(outcome.value.elapsedMs)} ms` : 'FAILED'}`,
      );
    }
  }
  return toRow(model, analyze, ort);
}

function toRow(model: CachedModel, analyze: Runs<AnalyzeMeasurement>, ort: Runs<OrtMeasurement>): SectionRow {
  const fileBytes = model.info.fileBytes;
  const a = summarizeRuns(analyze.measurements);
  const o = summarizeRuns(ort.measurements);
  const cells: Record<string, string> = {
    model: model.info.name,
    file: mib(fileBytes),
    nodes: String(model.info.nodes),
  };
  const checks: TargetCheck[] = [];
  if (a) {
    cells.analyzeMs = ms(a.medianMs);
    cells.analyzePeak = mib(a.peakRssBytes);
    cells.analyzeNet = mib(a.netRssBytes);
    const rssRatio = a.netRssBytes / fileBytes;
    cells.grossRatio = (a.peakRssBytes / fileBytes).toFixed(2);
    if (findBenchModel(model.info.name)?.rssTarget !== false) {
      cells.rssRatio = verdict(rssRatio, RSS_TO_FILE_LIMIT);
      checks.push({
        label: `${model.info.name}: analyze net RSS / file size`,
        value: rssRatio,
        limit: RSS_TO_FILE_LIMIT,
      });
    } else {
      cells.rssRatio = `${rssRatio.toFixed(2)} (stress)`;
    }
  }
  if (o) {
    cells.ortMs = ms(o.medianMs);
    cells.ortPeak = mib(o.peakRssBytes);
    cells.ortNet = mib(o.netRssBytes);
  }
  if (a && o) {
    const timeRatio = a.medianMs / o.medianMs;
    cells.timeRatio = verdict(timeRatio, ANALYZE_TIME_RATIO_LIMIT);
    checks.push({
      label: `${model.info.name}: analyze time / ORT create time`,
      value: timeRatio,
      limit: ANALYZE_TIME_RATIO_LIMIT,
    });
  }
  const lastAnalysis = analyze.measurements.at(-1);
  const errors = [
    ...(analyze.error === undefined ? [] : [`analyzeFile: ${analyze.error}`]),
    ...(ort.error === undefined ? [] : [`InferenceSession.create: ${ort.error}`]),
  ];
  return {
    cells,
    checks,
    errors,
    figures: {
      model: model.info.name,
      fileBytes,
      nodes: model.info.nodes,
      parameters: model.info.parameters,
      analyze: a ?? null,
      ort: o ?? null,
      analyzeRuns: analyze.measurements,
      ortRuns: ort.measurements,
      unknownOperators: lastAnalysis?.unknownOperators ?? null,
      shapeErrors: lastAnalysis?.shapeErrors ?? null,
      ortVersion: ort.measurements[0]?.runtimeVersion ?? null,
    },
  };
}

export const loadSection: BenchSection = {
  name: 'load',
  title: 'Load: Cutline analyzeFile vs onnxruntime-node InferenceSession.create',
  async run(context): Promise<SectionReport> {
    const rows: SectionRow[] = [];
    for (const model of context.models) rows.push(await measureModel(model, context));
    const notes = [
      `Times are medians of ${context.runs} fresh processes each; MiB figures are the largest of those runs.`,
      'analyze ms: readFileSync through a finished Analysis (decode, graph, shapes, costs, layers).',
      'net = peak RSS minus the RSS just before reading (Node + tsx + loaded modules); peak/file is gross.',
      'Rows marked (stress) report net/file without the 1.5× target: their file is mostly graph, not weights,',
      'so the ratio measures per-node bookkeeping (~4 KB per node here) rather than how weights are held.',
    ];
    for (const row of rows) {
      const unknown = row.figures.unknownOperators;
      if (Array.isArray(unknown) && unknown.length > 0)
        notes.push(`${String(row.cells.model)}: operators without a shape rule: ${unknown.join(', ')}`);
      if (typeof row.figures.shapeErrors === 'number' && row.figures.shapeErrors > 0) {
        notes.push(`${String(row.cells.model)}: ${row.figures.shapeErrors} shape errors`);
      }
    }
    return { columns: COLUMNS, rows, notes };
  },
};
