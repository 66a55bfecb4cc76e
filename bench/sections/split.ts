/**
 * Split-inference overhead: each model exported as a device → edge → cloud chain (a third of its
 * layers each), its three tiers run as processes on loopback without link emulation, against the
 * whole model in one onnxruntime session in this process (same threads: one), in the same run.
 * The split's time is the device's own time per inference (what an application on the device
 * waits), and the transfer time what the harness measured on the links (HTTP framing and tensor
 * copies on loopback).
 *
 * Target (issue 5): split ≤ 1.10 × whole + transfer time, checked on the generated residual nets
 * (tens of ms of compute). The samples are reported too: they run in a tenth of a millisecond,
 * where the runtime's fixed cost per step (a few hundred µs) dominates any ratio.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import * as ort from 'onnxruntime-node';
import { analyzeBytes } from '../../core/analyze.js';
import { encodeModelProto } from '../../core/onnx/codec.js';
import { runHarness } from '../../core/bundle/harness.js';
import { writeRuntime } from '../../core/bundle/runtime-build.js';
import { writeBundle } from '../../core/bundle/write-bundle.js';
import { buildPartitionProblem } from '../../core/partition/build-problem.js';
import { evaluatePlacement } from '../../core/partition/evaluate.js';
import { concreteInputShapes, randomFeeds } from '../../core/profiling/feeds.js';
import { loadTopology } from '../../core/profiles/load.js';
import { median } from '../measurement.js';
import { benchDir } from '../model-cache.js';
import { buildDeep10k } from '../models/deep10k.js';
import type { BenchContext, BenchSection, Column, SectionReport, SectionRow } from '../section.js';
import { ms } from '../table.js';

const SAMPLES = ['edge-prune-vehicle', 'resnet-mini', 'mobilenetv2-mini', 'transformer-encoder'];
/** Residual nets of 64 channels on a 64×64 input: [name, blocks]. */
const GENERATED: readonly (readonly [string, number])[] = [
  ['residual-16', 16],
  ['residual-48', 48],
];
const RUNS = 40;
const LIMIT = 1.1;

const COLUMNS: readonly Column[] = [
  { key: 'model', title: 'model', align: 'left' },
  { key: 'segments', title: 'segments' },
  { key: 'whole', title: 'whole ms (baseline)' },
  { key: 'split', title: 'split ms (device)' },
  { key: 'steps', title: 'overhead ms / step' },
  { key: 'transfer', title: 'loopback transfer ms' },
  { key: 'ratio', title: `(split − transfer) / whole (≤ ${LIMIT})` },
];

async function wholeMs(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<number> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  for (let w = 0; w < 5; w++) await session.run(feeds);
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const started = performance.now();
    await session.run(feeds);
    times.push(performance.now() - started);
  }
  await session.release();
  return median(times);
}

async function measure(
  name: string,
  bytes: Uint8Array,
  targeted: boolean,
  context: BenchContext,
): Promise<SectionRow> {
  const analysis = analyzeBytes(bytes);
  const topology = loadTopology('pi4-wifi-edge-wan-cloud');
  const built = buildPartitionProblem(analysis, topology);
  const n = built.problem.units.length;
  const placement = Uint8Array.from(built.problem.units.map((_, u) => Math.min(2, Math.floor((3 * u) / n))));
  context.log(`  ${name}: export and run three tiers`);
  const written = await writeBundle({
    outDir: path.join(benchDir, 'split', name),
    force: true,
    analysis,
    modelBytes: bytes,
    modelName: name,
    topology,
    built,
    plan: {
      solver: 'two-split',
      objective: { kind: 'latency' },
      placement,
      evaluation: evaluatePlacement(built.problem, placement),
      exact: false,
      notes: [],
    },
    writeRuntime,
  });
  const summary = await runHarness({ bundleDir: written.dir, runs: RUNS, warmup: 5, emulateLinks: false });
  // The harness feeds seed-1 random inputs; time the whole model on the same kind of inputs.
  const baseline = await wholeMs(bytes, randomFeeds(analysis, concreteInputShapes(analysis.graph), 1));
  const transfer = summary.hops.reduce((s, h) => s + h.measuredMs, 0);
  const split = summary.measured.deviceMs;
  const ratio = (split - transfer) / baseline;
  const steps = written.manifest.schedule.steps.length;
  return {
    cells: {
      model: name,
      segments: String(written.manifest.segments.length),
      whole: ms(baseline),
      split: ms(split),
      steps: ms((split - transfer - baseline) / steps),
      transfer: ms(transfer),
      ratio: targeted
        ? `${ratio.toFixed(2)} ${ratio <= LIMIT ? 'PASS' : 'MISS'}`
        : `${ratio.toFixed(2)} (tiny)`,
    },
    figures: {
      model: name,
      wholeMs: baseline,
      splitDeviceMs: split,
      splitClientMs: summary.measured.latencyMs,
      transferMs: transfer,
      steps,
      hops: summary.hops,
      verified: summary.verified,
    },
    checks: targeted ? [{ label: `${name}: (split − transfer) / whole`, value: ratio, limit: LIMIT }] : [],
    errors: summary.verified
      ? []
      : [`${name}: split outputs differ from the whole model (${summary.maxAbsDiff})`],
  };
}

export const splitSection: BenchSection = {
  name: 'split',
  title: 'Split-inference overhead: three tier processes on loopback vs the whole model in one session',
  async run(context): Promise<SectionReport> {
    const rows: SectionRow[] = [];
    for (const [name, blocks] of GENERATED) {
      rows.push(await measure(name, encodeModelProto(buildDeep10k(64, blocks, 64)), true, context));
    }
    for (const name of SAMPLES) {
      const file = fileURLToPath(new URL(`../../samples/${name}.onnx`, import.meta.url));
      rows.push(await measure(name, new Uint8Array(fs.readFileSync(file)), false, context));
    }
    return {
      columns: COLUMNS,
      rows,
      notes: [
        `Medians of ${RUNS} requests after 5 warm-up ones; onnxruntime with one intra-op thread everywhere.`,
        'split: the device’s own time per inference, through every tier; transfer: time on the links',
        '(encoding, the exchange and decoding, without the receiving tier’s compute): HTTP and tensor copies on loopback.',
        'overhead / step: (split − transfer − whole) per step: session boundaries, lost fusions, bookkeeping.',
      ],
    };
  },
};
