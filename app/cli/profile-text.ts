/**
 * What `cutline profile` prints as text: the calibration's tables, the fit, the accuracy summary
 * and the kernel-level lines (profile.ts runs the calibration and calls these).
 */
import os from 'node:os';
import type { CalibrationFit } from '../../core/profiling/calibrate.js';
import type { CalibrationEvaluation } from '../../core/profiling/evaluate.js';
import type { HostPeak } from '../../core/profiling/host-peak.js';
import { unknownNamesLine, type OrtProfileMatch } from '../../core/profiling/ort-profile-match.js';
import type { OrtProfile } from '../../core/profiling/ort-profile.js';
import type { AccuracySummary, ProfileComparison } from '../../core/profiling/report.js';
import type { KernelCalibrationRun } from '../../core/profiling/kernel-calibrate.js';
import { plainName } from '../../core/text/quote-name.js';
import { renderTable } from './format.js';

export const IN_SAMPLE_NOTE =
  'in-sample: the profile was fitted to these same measurements, which flatters it';

/** What `--from-ort-profile` read: the file, its runs, and how its node names met the model's. */
export interface ImportNote {
  readonly file: string;
  readonly runs: number;
  readonly match: OrtProfileMatch;
}

/** The kernel-level fit in a few lines: what was timed, how long it took, how well each kind fits. */
export function kernelLines(k: KernelCalibrationRun): string[] {
  return [
    `Kernels   kernel-level predictor: ${k.kernels} kernels of ${k.models} models (${k.samples} generated samples, ${k.networks} generated networks and yours), graph optimisations on, ${k.seconds.toFixed(0)} s; channel block ${k.channelBlock}`,
    `          a segment run costs ${ms(k.segmentOverheadMs)} + ${ms(k.tensorOverheadMs)} per tensor handed in or out; ${contextText(k.contextFactor)}`,
    `          kernels: ${k.reused} reused, ${k.timed} timed`,
    `          in-sample rms error per kind: ${k.kinds.map((c) => `${c.kind} ${c.rmsErrorPercent.toFixed(0)}%`).join(', ')}`,
  ];
}

/** How much slower kernels ran inside the networks than alone; ×1.00 (the floor) says nothing. */
function contextText(factor: number): string {
  return factor.toFixed(2) === '1.00'
    ? 'kernels ran no slower in your models than alone'
    : `kernels run ×${factor.toFixed(2)} slower in your models than alone`;
}

/** The fitted bandwidth, or that the measurements left it to the search's bound. */
function bandwidthText(fit: CalibrationFit): string {
  return fit.memoryBandwidthDetermined
    ? `memory bandwidth ${fit.memoryBandwidthGBps} GB/s (fitted, cache included)`
    : `memory bandwidth not determined by these measurements (too few memory-bound layers; the profile keeps where the search stopped, ${fit.memoryBandwidthGBps} GB/s)`;
}

export function profileText(
  profiled: readonly OrtProfile[],
  peak: HostPeak,
  e: CalibrationEvaluation,
  savedTo: string | undefined,
  imported: ImportNote | null,
  keptText: readonly string[],
): string {
  const first = profiled[0]!.measurement;
  const cpus = os.cpus();
  const unknown = imported ? unknownNamesLine(imported.match, imported.file) : null;
  const lines = imported
    ? [
        `Imported  ${plainName(imported.file, 200)}: ${imported.runs} run${imported.runs === 1 ? '' : 's'}, ${imported.match.matched} nodes timed; times are medians over every run in the file`,
        ...(unknown !== null ? [`          ${plainName(unknown, 400)}`] : []),
        `Peak      ${peak.gflops.toFixed(1)} GFLOP/s fp32 (${peak.method}) on this machine: the calibration assumes the profile was made here`,
      ]
    : [
        `Host      ${cpus[0]?.model.trim() || 'unknown CPU'} (${cpus.length} logical cores), onnxruntime-node ${first.ortVersion}, ${threadsText(first.intraOpThreads)}`,
        `Peak      ${peak.gflops.toFixed(1)} GFLOP/s fp32 (${peak.method})`,
        `Runs      ${first.runs} timed after ${first.warmup} warm-up, per model; times are medians`,
        ...keptText,
      ];
  e.inSample.models.forEach((comparison, i) => {
    lines.push('', ...modelText(profiled[i]!, comparison));
  });
  lines.push('', `Summary   ${IN_SAMPLE_NOTE}`, ...summaryLines(e.inSample.pooled));
  if (e.leaveOneModelOut.models.length > 0) {
    lines.push(
      '',
      'Held out  each model predicted by a profile fitted on the other models only (the figure to trust)',
      ...e.leaveOneModelOut.models.map(
        (m) =>
          `  ${m.model}: median |error| ${percent(m.medianAbsErrorPercent)}, within ±10% ${share(m.withinTenPercent)}, Σ predicted ${ms(m.predictedSumMs)} vs Σ measured ${ms(m.kernelSumMs)}`,
      ),
      ...summaryLines(e.leaveOneModelOut.pooled),
    );
  } else {
    lines.push(
      '          profile two or more models to also see each one predicted by a profile fitted on the others',
    );
  }
  lines.push('', ...fitLines(e.calibration.fit));
  if (savedTo !== undefined)
    lines.push(`Saved     device profile "${e.calibration.profile.id}" to ${savedTo}`);
  return lines.join('\n');
}

function modelText({ measurement }: OrtProfile, c: ProfileComparison): string[] {
  // A value fed with --input-value reads as it was given (`sr=16000`), not as a scalar's empty shape (`sr=`).
  const values = measurement.inputValues ?? {};
  const shapes = Object.entries(measurement.inputShapes)
    .map(([name, dims]) =>
      values[name] !== undefined
        ? `${plainName(name)}=${values[name].join(',')}`
        : `${plainName(name)}=${dims.join('x')}`,
    )
    .join(' ');
  const rows = c.nodes.map((n) => [
    String(n.index),
    plainName(n.name),
    plainName(n.opType),
    n.opClass,
    n.measuredMs === null ? 'no kernel' : ms(n.measuredMs, false),
    ms(n.predictedMs, false),
    n.errorPercent === null ? '-' : `${n.errorPercent >= 0 ? '+' : ''}${n.errorPercent.toFixed(1)}%`,
  ]);
  const lines = [
    `Model     ${measurement.modelPath} (${shapes})`,
    renderTable(['#', 'node', 'op', 'class', 'measured ms', 'predicted ms', 'error'], rows, [
      true,
      false,
      false,
      false,
      true,
      true,
      true,
    ]),
    `  nodes: ${c.comparedNodes} compared, median |error| ${percent(c.medianAbsErrorPercent)}, within ±10% ${share(c.withinTenPercent)}`,
    measurement.importedFrom !== undefined
      ? `  end to end: predicted ${ms(c.predictedSumMs)} (Σ nodes) · in the profile Σ kernels ${ms(c.kernelSumMs)} and model_run ${ms(c.profiledRunMs)}`
      : `  end to end: predicted ${ms(c.predictedSumMs)} (Σ nodes) · measured Σ kernels ${ms(c.kernelSumMs)} and model_run ${ms(c.profiledRunMs)} unoptimised · ${ms(c.optimisedRunMs)} optimised session`,
  ];
  if (measurement.unmeasured.length > 0)
    lines.push(
      measurement.importedFrom !== undefined
        ? `  not in the profile: ${measurement.unmeasured.length} nodes, left out of the figures`
        : `  no kernel: ${measurement.unmeasured.length} nodes ORT folded away at load (constants), left out of the figures`,
    );
  return lines;
}

function summaryLines(s: AccuracySummary): string[] {
  return [
    `  nodes compared   ${s.comparedNodes}`,
    `  median |error|   ${percent(s.medianAbsErrorPercent)}`,
    `  within ±10%      ${share(s.withinTenPercent)}`,
  ];
}

function fitLines(fit: CalibrationFit): string[] {
  const classes = fit.classes.map(
    (c) =>
      `  ${c.opClass.padEnd(14)} ${String(c.nodes).padStart(4)} nodes  efficiency ${c.efficiency === null ? `default (${fit.defaultEfficiency})` : c.efficiency}  overhead ${(c.overheadMs * 1000).toFixed(1)} µs  rms error ${percent(c.rmsErrorPercent)}`,
  );
  return [
    `Fit       ${fit.nodes} nodes of ${fit.models.join(', ')}; ${bandwidthText(fit)}; default efficiency ${fit.defaultEfficiency}, overhead ${(fit.defaultOverheadMs * 1000).toFixed(1)} µs`,
    ...classes,
    ...(fit.sparseClasses.length > 0
      ? [
          `  ${fit.sparseClasses.map((c) => `${c.opClass} (${c.nodes})`).join(', ')}: too few nodes for a fit of their own, use the defaults`,
        ]
      : []),
  ];
}

const threadsText = (threads: number | null): string =>
  threads === null
    ? "onnxruntime's default threads"
    : `${threads} intra-op thread${threads === 1 ? '' : 's'}`;
const ms = (value: number, unit = true): string =>
  `${value >= 10 ? value.toFixed(2) : value >= 1 ? value.toFixed(3) : value.toFixed(4)}${unit ? ' ms' : ''}`;
const percent = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(1)}%` : '-');
const share = (value: number): string => (Number.isFinite(value) ? `${Math.round(value * 100)}%` : '-');
