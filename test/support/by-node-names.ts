/**
 * Bundles of small generated models placed by node name: each node goes on the tier its name
 * begins with (device…, edge…, anything else the cloud) of the pi4 → edge → cloud topology.
 */
import fs from 'node:fs';
import { analyzeBytes } from '../../core/analyze.js';
import type { BundleManifest } from '../../core/bundle/manifest.js';
import type { ServingMode } from '../../core/partition/serving-mode.js';
import { writeBundle } from '../../core/bundle/write-bundle.js';
import { buildPartitionProblem } from '../../core/partition/build-problem.js';
import { givenPlan } from '../../core/partition/plan.js';
import { loadTopology } from '../../core/profiles/load.js';

/** Exports `bytes` with each node on the tier its name begins with; returns the manifest. */
export async function exportByNodeNames(
  outDir: string,
  bytes: Uint8Array,
  modelName: string,
  serving: ServingMode = 'relay',
): Promise<BundleManifest> {
  const analysis = analyzeBytes(bytes);
  const topology = loadTopology('pi4-wifi-edge-wan-cloud');
  const built = buildPartitionProblem(analysis, topology);
  const tierOf = (name: string): number => (name.startsWith('device') ? 0 : name.startsWith('edge') ? 1 : 2);
  const placement = Uint8Array.from(built.unitNodes.map((n) => tierOf(analysis.graph.nodes[n]!.name)));
  const written = await writeBundle({
    outDir,
    analysis,
    modelBytes: bytes,
    modelName,
    topology,
    built,
    plan: givenPlan(built.problem, placement, { kind: 'latency' }, 'each node on the tier it is named after'),
    onUnreachable: 'fail',
    serving,
    // The tiers run in this process: the bundle's own runtime is not needed.
    writeRuntime: async (dir) => {
      fs.mkdirSync(dir, { recursive: true });
    },
  });
  return written.manifest;
}
