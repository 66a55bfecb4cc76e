/**
 * The Edge-PRUNE vehicle CNN exported as a device (L1) → edge (L2) → cloud (dense layers) bundle,
 * the split the runtime and harness tests run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { analyzeBytes } from '../../core/analyze.js';
import { writeRuntime } from '../../core/bundle/runtime-build.js';
import { writeBundle, type WrittenBundle } from '../../core/bundle/write-bundle.js';
import { buildPartitionProblem } from '../../core/partition/build-problem.js';
import { givenPlan } from '../../core/partition/plan.js';
import { loadTopology } from '../../core/profiles/load.js';

export const VEHICLE_MODEL = path.resolve(import.meta.dirname, '../../samples/edge-prune-vehicle.onnx');

export async function exportVehicleChain(
  outDir: string,
  topologyRef: string,
  onUnreachable: 'fail' | 'local',
): Promise<WrittenBundle> {
  const bytes = new Uint8Array(fs.readFileSync(VEHICLE_MODEL));
  const analysis = analyzeBytes(bytes);
  const topology = loadTopology(topologyRef);
  const built = buildPartitionProblem(analysis, topology);
  const placement = Uint8Array.from(built.problem.units.map((_, u) => (u < 3 ? 0 : u < 6 ? 1 : 2)));
  return writeBundle({
    outDir,
    analysis,
    modelBytes: bytes,
    modelName: 'vehicle',
    topology,
    built,
    plan: givenPlan(
      built.problem,
      placement,
      { kind: 'latency' },
      'device L1, edge L2, cloud the dense layers',
    ),
    onUnreachable,
    writeRuntime,
  });
}
