/**
 * The text forms of an objective and of constraints, as `cutline solve` takes them and the
 * studio sends them (`--objective latency|energy|throughput|weighted:<latency weight>,<energy weight>`,
 * repeatable `--constraint` values):
 *
 *   raw-input-on-device        the graph inputs never leave the device
 *   min-device-layers=K        data leaves the device only after K layers
 *   memory:TIER=SIZE           memory limit of a tier (e.g. memory:device=512MiB)
 *   deadline=MS                end-to-end latency at most MS
 *   pin:LAYER=TIER             a layer runs on a given tier
 *   tiers=T1,T2                the tiers the solvers may use
 *
 * In core so the CLI and the studio's session worker read the same text the same way.
 */
import { CutlineError } from '../errors.js';
import type { Constraints } from './constraints.js';
import type { Objective } from './objective.js';
import { SOLVER_NAMES, type SolverName } from './plan.js';
import type { PartitionProblem } from './problem.js';

const CONSTRAINT_HELP =
  'raw-input-on-device, min-device-layers=K, memory:TIER=SIZE, deadline=MS (> 0), pin:LAYER=TIER or tiers=T1,T2';

/** An objective from its text; BAD_CONSTRAINT when it is none of the four forms. */
export function parseObjective(text: string): Objective {
  if (text === 'latency' || text === 'energy' || text === 'throughput') return { kind: text };
  const weighted = /^weighted:([0-9.eE+-]+),([0-9.eE+-]+)$/.exec(text);
  if (weighted) {
    const latencyWeight = Number(weighted[1]);
    const energyWeight = Number(weighted[2]);
    // Finite: `1e999` reads as Infinity, which made every placement cost Infinity (min-cut then
    // found "no candidates" and the others an arbitrary plan).
    if (
      Number.isFinite(latencyWeight) &&
      Number.isFinite(energyWeight) &&
      latencyWeight >= 0 &&
      energyWeight >= 0 &&
      latencyWeight + energyWeight > 0
    ) {
      return { kind: 'weighted', latencyWeight, energyWeight };
    }
  }
  throw new CutlineError(
    'BAD_CONSTRAINT',
    `Unknown objective "${text}": use latency, energy, throughput or weighted:<latency weight>,<energy weight> with finite weights, not both 0 (e.g. weighted:1,0.5).`,
  );
}

/** Solver names as `--solver` takes them; BAD_CONSTRAINT names an unknown one. */
export function parseSolvers(names: readonly string[]): SolverName[] {
  return names.map((name) => {
    if (!(SOLVER_NAMES as readonly string[]).includes(name)) {
      throw new CutlineError('BAD_CONSTRAINT', `Unknown solver "${name}": use ${SOLVER_NAMES.join(', ')}.`);
    }
    return name as SolverName;
  });
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
};

/** Bytes from a size such as `512MiB`, `2GB` or `1048576`. */
export function parseBytes(text: string): number {
  const match = /^([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)$/.exec(text.trim());
  const unit = SIZE_UNITS[match?.[2]?.toLowerCase() ?? 'x'];
  if (!match || unit === undefined) {
    throw new CutlineError('BAD_CONSTRAINT', `"${text}" is not a size: write e.g. 512MiB, 2GB or 1048576.`);
  }
  return Number(match[1]) * unit;
}

function tierIndex(problem: PartitionProblem, name: string, where: string): number {
  const index = problem.tiers.indexOf(name);
  if (index < 0) {
    throw new CutlineError(
      'BAD_CONSTRAINT',
      `${where}: the topology has no tier "${name}"; its tiers are ${problem.tiers.join(', ')}.`,
    );
  }
  return index;
}

/** The constraints the texts name, against the problem's tiers and layers; BAD_CONSTRAINT names a bad one. */
export function parseConstraints(texts: readonly string[], problem: PartitionProblem): Constraints {
  const pins = new Map<number, number>();
  const memory: (number | undefined)[] = problem.tiers.map(() => undefined);
  let rawInputOnDevice = false;
  let minDeviceLayers: number | undefined;
  let latencyDeadlineMs: number | undefined;
  let allowedTiers: number[] | undefined;
  // Pins name layers: one index of the names instead of a scan of every unit per pin (a design
  // may pin thousands of layers).
  let unitOf: Map<string, number> | undefined;
  for (const text of texts) {
    const where = `--constraint ${text}`;
    let m: RegExpExecArray | null;
    if (text === 'raw-input-on-device') rawInputOnDevice = true;
    else if ((m = /^min-device-layers=([0-9]+)$/.exec(text))) minDeviceLayers = Number(m[1]);
    else if ((m = /^deadline=([0-9]+(?:\.[0-9]+)?)(?:ms)?$/.exec(text)) && Number(m[1]) > 0)
      latencyDeadlineMs = Number(m[1]);
    else if ((m = /^memory:([a-z]+)=(.+)$/.exec(text)))
      memory[tierIndex(problem, m[1]!, where)] = parseBytes(m[2]!);
    else if ((m = /^tiers=([a-z,]+)$/.exec(text)))
      allowedTiers = m[1]!.split(',').map((t) => tierIndex(problem, t, where));
    else if ((m = /^pin:(.+)=([a-z]+)$/.exec(text))) {
      unitOf ??= firstUnitOfName(problem);
      const unit = unitOf.get(m[1]!);
      if (unit === undefined) {
        throw new CutlineError(
          'BAD_CONSTRAINT',
          `${where}: the model has no layer named "${m[1]}" (\`cutline analyze\` lists the layer names).`,
        );
      }
      pins.set(unit, tierIndex(problem, m[2]!, where));
    } else {
      throw new CutlineError('BAD_CONSTRAINT', `Unknown constraint "${text}": use ${CONSTRAINT_HELP}.`);
    }
  }
  return {
    ...(pins.size > 0 ? { pins } : {}),
    ...(rawInputOnDevice ? { rawInputOnDevice } : {}),
    ...(minDeviceLayers !== undefined ? { minDeviceLayers } : {}),
    ...(memory.some((m) => m !== undefined) ? { memoryBytes: memory } : {}),
    ...(latencyDeadlineMs !== undefined ? { latencyDeadlineMs } : {}),
    ...(allowedTiers ? { allowedTiers } : {}),
  };
}

/** Layer name → its first unit (as `findIndex` would find it). */
function firstUnitOfName(problem: PartitionProblem): Map<string, number> {
  const unitOf = new Map<string, number>();
  problem.units.forEach((unit, u) => {
    if (!unitOf.has(unit.name)) unitOf.set(unit.name, u);
  });
  return unitOf;
}
