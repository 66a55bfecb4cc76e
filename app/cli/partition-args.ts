/**
 * Parsing of the partition options shared by `solve`, `sweep` and `export`:
 * `--objective latency|energy|throughput|weighted:<latency weight>,<energy weight>` and repeatable
 * `--constraint` values:
 *
 *   raw-input-on-device        the graph inputs never leave the device
 *   min-device-layers=K        data leaves the device only after K layers
 *   memory:TIER=SIZE           memory limit of a tier (e.g. memory:device=512MiB)
 *   deadline=MS                end-to-end latency at most MS
 *   pin:LAYER=TIER             a layer runs on a given tier
 *   tiers=T1,T2                the tiers the solvers may use
 */
import { CutlineError } from '../../core/errors.js';
import type { Constraints } from '../../core/partition/constraints.js';
import type { Objective } from '../../core/partition/objective.js';
import type { PartitionProblem } from '../../core/partition/problem.js';

const CONSTRAINT_HELP =
  'raw-input-on-device, min-device-layers=K, memory:TIER=SIZE, deadline=MS (> 0), pin:LAYER=TIER or tiers=T1,T2';

export function parseObjective(text: string): Objective {
  if (text === 'latency' || text === 'energy' || text === 'throughput') return { kind: text };
  const weighted = /^weighted:([0-9.eE+-]+),([0-9.eE+-]+)$/.exec(text);
  if (weighted) {
    const latencyWeight = Number(weighted[1]);
    const energyWeight = Number(weighted[2]);
    if (latencyWeight >= 0 && energyWeight >= 0 && latencyWeight + energyWeight > 0) {
      return { kind: 'weighted', latencyWeight, energyWeight };
    }
  }
  throw new CutlineError(
    'BAD_CONSTRAINT',
    `Unknown objective "${text}": use latency, energy, throughput or weighted:<latency weight>,<energy weight> (e.g. weighted:1,0.5).`,
  );
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

export function parseConstraints(texts: readonly string[], problem: PartitionProblem): Constraints {
  const pins = new Map<number, number>();
  const memory: (number | undefined)[] = problem.tiers.map(() => undefined);
  let rawInputOnDevice = false;
  let minDeviceLayers: number | undefined;
  let latencyDeadlineMs: number | undefined;
  let allowedTiers: number[] | undefined;
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
      const unit = problem.units.findIndex((u) => u.name === m![1]);
      if (unit < 0) {
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
