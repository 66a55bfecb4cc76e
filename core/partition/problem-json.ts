/**
 * The partition problem as plain JSON, to cross the studio's host boundary (the web host speaks
 * JSON, Electron structured clone): typed arrays become plain arrays and an unknown memory
 * capacity (Infinity, which JSON cannot hold) becomes `null`. `problemFromJson(problemToJson(p))`
 * gives back a problem every solver and the evaluator treat exactly as `p`.
 */
import type { HopCost, PartitionProblem, PartitionTensor, SegmentCost } from './problem.js';

export interface HopCostJson {
  readonly latencyMs: number;
  readonly busyMs: number;
  readonly deviceEnergyMj: number;
}

/** `PartitionProblem` with plain arrays instead of typed arrays and `null` for an unknown memory capacity. */
export interface PartitionProblemJson {
  readonly tiers: readonly string[];
  readonly units: readonly { readonly name: string; readonly depth: number; readonly weightBytes: number }[];
  readonly computeMs: readonly number[];
  readonly computeEnergyMj: readonly number[];
  readonly tensors: readonly {
    readonly name: string;
    readonly bytes: number;
    readonly producer: number;
    readonly consumers: readonly number[];
    readonly isOutput: boolean;
    readonly shapeOnly: boolean;
  }[];
  readonly up: readonly (readonly HopCostJson[])[];
  readonly down: readonly (readonly HopCostJson[])[];
  readonly memoryBytes: readonly (number | null)[];
  readonly wanHop: number;
  /** Plain arrays already: carried as is. */
  readonly segmentCost?: SegmentCost;
}

/** The problem as plain JSON (see the file's comment). */
export function problemToJson(problem: PartitionProblem): PartitionProblemJson {
  return {
    tiers: [...problem.tiers],
    units: problem.units.map((u) => ({ name: u.name, depth: u.depth, weightBytes: u.weightBytes })),
    computeMs: Array.from(problem.computeMs),
    computeEnergyMj: Array.from(problem.computeEnergyMj),
    tensors: problem.tensors.map((t) => ({
      name: t.name,
      bytes: t.bytes,
      producer: t.producer,
      consumers: Array.from(t.consumers),
      isOutput: t.isOutput,
      shapeOnly: t.shapeOnly === true,
    })),
    up: problem.up.map(hopsToJson),
    down: problem.down.map(hopsToJson),
    memoryBytes: problem.memoryBytes.map((bytes) => (Number.isFinite(bytes) ? bytes : null)),
    wanHop: problem.wanHop,
    ...(problem.segmentCost ? { segmentCost: problem.segmentCost } : {}),
  };
}

/** The problem back from its JSON form: typed arrays again, `null` memory as Infinity. */
export function problemFromJson(json: PartitionProblemJson): PartitionProblem {
  return {
    tiers: [...json.tiers],
    units: json.units.map((u) => ({ name: u.name, depth: u.depth, weightBytes: u.weightBytes })),
    computeMs: Float64Array.from(json.computeMs),
    computeEnergyMj: Float64Array.from(json.computeEnergyMj),
    tensors: json.tensors.map((t): PartitionTensor => ({
      name: t.name,
      bytes: t.bytes,
      producer: t.producer,
      consumers: Int32Array.from(t.consumers),
      isOutput: t.isOutput,
      // As build-problem.ts writes it: the key only on tensors that carry no data.
      ...(t.shapeOnly ? { shapeOnly: true } : {}),
    })),
    up: json.up.map(hopsFromJson),
    down: json.down.map(hopsFromJson),
    memoryBytes: json.memoryBytes.map((bytes) => bytes ?? Infinity),
    wanHop: json.wanHop,
    ...(json.segmentCost ? { segmentCost: json.segmentCost } : {}),
  };
}

function hopsToJson(hops: readonly HopCost[]): HopCostJson[] {
  return hops.map((h) => ({ latencyMs: h.latencyMs, busyMs: h.busyMs, deviceEnergyMj: h.deviceEnergyMj }));
}

function hopsFromJson(hops: readonly HopCostJson[]): HopCost[] {
  return hops.map((h) => ({ latencyMs: h.latencyMs, busyMs: h.busyMs, deviceEnergyMj: h.deviceEnergyMj }));
}
