/**
 * Partition solvers on residual DAGs of about 100, 1,000 and 10,000 nodes (the deep residual
 * bench net at 16, 160 and 1,600 blocks of 64 channels on a 64×64 input), analysed for real and
 * costed on a bundled three-tier topology (Xavier NX → Ethernet → i7 edge → WAN → V100 cloud),
 * where latency and device energy pull apart so the Pareto front has several points.
 *
 * Baseline, measured in the same run: one full evaluation of a placement on the same problem;
 * each solver's time is also printed as a multiple of it.
 *
 * Targets (issue 4): two-tier min cut ≤ 50 ms at 10,000 nodes, three tiers ≤ 500 ms, Pareto front
 * ≤ 2 s; re-evaluation after one layer moves (dragging) ≤ 5 ms at 1,000 nodes.
 */
import { analyzeBytes } from '../../core/analyze.js';
import { encodeModelProto } from '../../core/onnx/codec.js';
import { buildPartitionProblem } from '../../core/partition/build-problem.js';
import { evaluatePlacement } from '../../core/partition/evaluate.js';
import { solveMinCut } from '../../core/partition/min-cut.js';
import { paretoFront } from '../../core/partition/pareto.js';
import { withUnitOn, type Placement } from '../../core/partition/placement.js';
import type { PartitionProblem } from '../../core/partition/problem.js';
import { runSolver } from '../../core/partition/solve.js';
import { loadTopology } from '../../core/profiles/load.js';
import { median } from '../measurement.js';
import { buildDeep10k } from '../models/deep10k.js';
import type {
  BenchContext,
  BenchSection,
  Column,
  SectionReport,
  SectionRow,
  TargetCheck,
} from '../section.js';
import { ms } from '../table.js';

const TOPOLOGY = 'xavier-nx-ethernet-i7-wan-v100';
const SIZES = [
  { label: '~100 nodes', blocks: 16 },
  { label: '~1,000 nodes', blocks: 160 },
  { label: '~10,000 nodes', blocks: 1600 },
] as const;
const LIMITS = { minCutMs: 50, tiersMs: 500, paretoMs: 2000, dragMs: 5 } as const;
const DRAG_MOVES = 200;

const COLUMNS: readonly Column[] = [
  { key: 'graph', title: 'graph', align: 'left' },
  { key: 'nodes', title: 'nodes' },
  { key: 'layers', title: 'layers' },
  { key: 'evaluateMs', title: 'evaluate ms (baseline)' },
  { key: 'dragMs', title: 'drag re-eval ms' },
  { key: 'minCutMs', title: '2-tier cut ms' },
  { key: 'minCutSolverMs', title: 'min-cut solver ms' },
  { key: 'tiersMs', title: '3-tier ms' },
  { key: 'singleMs', title: 'single ms' },
  { key: 'twoMs', title: 'two-split ms' },
  { key: 'paretoMs', title: 'Pareto ms' },
  { key: 'front', title: 'front', align: 'left' },
];

/** One untimed warm-up (JIT), then `runs` timed runs. */
function timeIt<T>(runs: number, work: () => T): { medianMs: number; times: number[]; result: T } {
  const times: number[] = [];
  let result: T | undefined = work();
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    result = work();
    times.push(performance.now() - started);
  }
  return { medianMs: median(times), times, result: result as T };
}

/** Median time of re-evaluating after moving one random layer to another tier. */
function dragTimes(problem: PartitionProblem): number[] {
  let placement: Placement = new Uint8Array(problem.units.length);
  let seed = 12345;
  const random = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const times: number[] = [];
  for (let move = 0; move < DRAG_MOVES; move++) {
    const unit = Math.floor(random() * problem.units.length);
    const tier = Math.floor(random() * problem.tiers.length);
    const started = performance.now();
    placement = withUnitOn(placement, unit, tier);
    evaluatePlacement(problem, placement);
    times.push(performance.now() - started);
  }
  return times;
}

function measureSize(label: string, blocks: number, context: BenchContext): SectionRow {
  context.log(`  ${label}: generate, analyse and cost`);
  const analysis = analyzeBytes(encodeModelProto(buildDeep10k(64, blocks, 64)));
  const { problem } = buildPartitionProblem(analysis, loadTopology(TOPOLOGY));
  const runs = Math.max(context.runs, 3);
  const noPins = new Int8Array(problem.units.length).fill(-1);
  const latency = { kind: 'latency' } as const;
  const evaluate = timeIt(Math.max(runs, 10), () =>
    evaluatePlacement(problem, new Uint8Array(problem.units.length)),
  );
  const drag = dragTimes(problem);
  context.log(`  ${label}: solvers`);
  const minCut = timeIt(runs, () => solveMinCut(problem, { latency: 1, energy: 0 }, noPins, [0, 1]));
  const minCutSolver = timeIt(runs, () => runSolver(problem, 'min-cut', latency, {}));
  const tiers = timeIt(runs, () => runSolver(problem, 'tiers', latency, {}));
  const single = timeIt(runs, () => runSolver(problem, 'single-split', latency, {}));
  const two = timeIt(runs, () => runSolver(problem, 'two-split', latency, {}));
  const pareto = timeIt(runs, () => paretoFront(problem, {}));
  const base = evaluate.medianMs;
  const times = (m: number): string => `${ms(m)} (${(m / base).toFixed(0)}×)`;
  const nodes = analysis.summary.nodeCount;
  const checks: TargetCheck[] = [];
  if (blocks === 1600) {
    checks.push(
      { label: `2-tier min cut at ${nodes} nodes (ms)`, value: minCut.medianMs, limit: LIMITS.minCutMs },
      { label: `three tiers at ${nodes} nodes (ms)`, value: tiers.medianMs, limit: LIMITS.tiersMs },
      { label: `Pareto front at ${nodes} nodes (ms)`, value: pareto.medianMs, limit: LIMITS.paretoMs },
    );
  }
  if (blocks === 160) {
    checks.push({
      label: `drag re-evaluation at ${nodes} nodes (median ms)`,
      value: median(drag),
      limit: LIMITS.dragMs,
    });
  }
  const front = pareto.result;
  return {
    cells: {
      graph: label,
      nodes: String(nodes),
      layers: String(problem.units.length),
      evaluateMs: ms(base),
      dragMs: ms(median(drag)),
      minCutMs: times(minCut.medianMs),
      minCutSolverMs: times(minCutSolver.medianMs),
      tiersMs: times(tiers.medianMs),
      singleMs: times(single.medianMs),
      twoMs: times(two.medianMs),
      paretoMs: times(pareto.medianMs),
      front: `${front.points.length} points${front.exact ? ', exact' : ''}`,
    },
    figures: {
      graph: label,
      nodes,
      layers: problem.units.length,
      tensors: problem.tensors.length,
      evaluateMs: evaluate.times,
      dragMs: { median: median(drag), max: Math.max(...drag) },
      minCutMs: minCut.times,
      minCutSolverMs: minCutSolver.times,
      tiersMs: tiers.times,
      singleSplitMs: single.times,
      twoSplitMs: two.times,
      paretoMs: pareto.times,
      paretoPoints: front.points.length,
      paretoExact: front.exact,
      paretoNotes: front.notes,
      latencyMs: {
        singleSplit: single.result.evaluation.latencyMs,
        twoSplit: two.result.evaluation.latencyMs,
        minCut: minCutSolver.result.evaluation.latencyMs,
        tiers: tiers.result.evaluation.latencyMs,
      },
    },
    checks,
    errors: [],
  };
}

export const solversSection: BenchSection = {
  name: 'solvers',
  title: `Partition solvers on residual DAGs, topology ${TOPOLOGY} (medians; × = multiples of one evaluation)`,
  async run(context): Promise<SectionReport> {
    const rows = SIZES.map((size) => measureSize(size.label, size.blocks, context));
    return {
      columns: COLUMNS,
      rows,
      notes: [
        'Each solver runs once untimed (JIT warm-up), then the median of the timed runs is shown.',
        'evaluate: one full evaluation of a placement (latency, throughput, energy, traffic, memory, privacy).',
        `drag re-eval: move one random layer to a random tier and evaluate again, median of ${DRAG_MOVES} moves.`,
        '2-tier cut: one exact min cut, device + edge, latency objective; min-cut solver: one cut per server tier + evaluation.',
        '3-tier: exact min cut over device + edge + cloud; single/two-split: exhaustive enumeration of the families.',
        'Pareto: split families + convex hull by weighted min cuts + exact ranking within its work budget.',
      ],
    };
  },
};
