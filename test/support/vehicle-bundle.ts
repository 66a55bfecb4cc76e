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

/**
 * ODROID-N2 → WiFi 16 Mb/s (Edge-PRUNE) → i7 edge → LTE → cloud, written as a topology file in
 * `dir`: links slow enough that what is measured on them is mostly the emulated link, not loopback
 * HTTP. `devices` puts other profiles on the three tiers (the same links; give another `id`).
 */
export function writeN2Topology(
  dir: string,
  devices: readonly [string, string, string] = ['odroid-n2', 'i7-8650u-edge', 'xeon-v100-cloud'],
  id = 'n2-wifi-i7-lte-cloud',
): string {
  const file = path.join(dir, `${id}.json`);
  const [device, edge, cloud] = devices;
  fs.writeFileSync(
    file,
    JSON.stringify({
      id,
      name: `${device} → WiFi → ${edge} → LTE → ${cloud}`,
      tiers: [
        { name: 'device', device },
        { name: 'edge', device: edge },
        { name: 'cloud', device: cloud },
      ],
      links: [
        { from: 'device', to: 'edge', link: 'wifi-16m' },
        { from: 'edge', to: 'cloud', link: 'lte' },
      ],
    }),
  );
  return file;
}

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
