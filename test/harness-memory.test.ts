/**
 * The harness's memory check (core/bundle/harness-memory.ts), on a real bundle: the vehicle CNN
 * split device → edge → cloud with every model's weights in a data file. With less free memory
 * than the estimate (injected, so nothing depends on this machine's) the harness refuses in one
 * line before it loads the whole model or starts a tier; with exactly the estimate it runs and
 * every answer verifies. The estimate itself is verification's: weights × WEIGHT_OVERHEAD plus
 * one run's activations, the larger of the whole model and the tiers together.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeBytes, type Analysis } from '../core/analyze.js';
import { runHarness, type HarnessEvent } from '../core/bundle/harness.js';
import { harnessFootprints, planHarnessMemory } from '../core/bundle/harness-memory.js';
import { writeBundle, type WrittenBundle } from '../core/bundle/write-bundle.js';
import { isCutlineError } from '../core/errors.js';
import { neededBytes, WEIGHT_OVERHEAD } from '../core/export/verify-memory.js';
import { buildPartitionProblem } from '../core/partition/build-problem.js';
import { formatMiB } from '../core/partition/constraints.js';
import { givenPlan } from '../core/partition/plan.js';
import { loadTopology } from '../core/profiles/load.js';
import { VEHICLE_MODEL } from './support/vehicle-bundle.js';

let work: string;
let bundle: WrittenBundle;
let analysis: Analysis;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-harness-memory-'));
  const modelBytes = new Uint8Array(fs.readFileSync(VEHICLE_MODEL));
  analysis = analyzeBytes(modelBytes);
  const topology = loadTopology('pi4-wifi-edge-wan-cloud');
  const built = buildPartitionProblem(analysis, topology);
  const placement = Uint8Array.from(built.problem.units.map((_, u) => (u < 3 ? 0 : u < 6 ? 1 : 2)));
  bundle = await writeBundle({
    outDir: path.join(work, 'bundle'),
    analysis,
    modelBytes,
    modelName: 'vehicle',
    topology,
    built,
    plan: givenPlan(built.problem, placement, { kind: 'latency' }, 'three tiers'),
    // With the device's fallback, so the bundle carries the whole model (with its data file).
    onUnreachable: 'local',
    // The harness runs the tiers from Cutline's sources: the bundle's own runtime is not needed.
    writeRuntime: async (dir) => {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'package.json'), '{}\n');
    },
    externalDataAbove: 1024,
  });
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** What the harness holds at its larger stage, by the estimate, for this bundle. */
function bundleNeeds(): { whole: number; tiers: number; most: number } {
  const activations = analysis.costs.reduce((sum, c) => sum + c.outputBytes, 0);
  const footprints = harnessFootprints(bundle.dir, bundle.manifest, activations, analysis.model);
  const whole = neededBytes(footprints.whole);
  const tiers = neededBytes(footprints.tiers);
  return { whole, tiers, most: Math.max(whole, tiers) };
}

describe('the harness within memory', () => {
  it('counts each model with its data file, by the estimate verification uses', () => {
    const { manifest } = bundle;
    expect(manifest.model.data).toBeDefined();
    expect(manifest.segments.every((s) => s.data !== undefined)).toBe(true);
    const size = (file: string) => fs.statSync(path.join(bundle.dir, file)).size;
    const activations = analysis.costs.reduce((sum, c) => sum + c.outputBytes, 0);
    const footprints = harnessFootprints(bundle.dir, manifest, activations, analysis.model);
    expect(footprints.whole.weightBytes).toBe(size(manifest.model.file!) + manifest.model.data!.bytes);
    expect(footprints.tiers.weightBytes).toBe(
      manifest.segments.reduce((sum, s) => sum + size(s.file) + s.data!.bytes, 0),
    );
    expect(neededBytes(footprints.whole)).toBe(
      Math.ceil(footprints.whole.weightBytes * WEIGHT_OVERHEAD + activations),
    );
  });

  it('refuses in one line, naming the sizes, before it loads the whole model or starts a tier', async () => {
    const { whole, tiers, most } = bundleNeeds();
    const events: HarnessEvent[] = [];
    const available = most - 1;
    const refused = await runHarness({
      bundleDir: bundle.dir,
      runs: 1,
      warmup: 0,
      emulateLinks: false,
      availableMemoryBytes: available,
      onEvent: (event) => events.push(event),
    }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(isCutlineError(refused) && refused.code).toBe('NOT_ENOUGH_MEMORY');
    const message = (refused as Error).message;
    expect(message).not.toMatch(/[\n\r]/);
    expect(message).toContain(`about ${formatMiB(most)} of memory for the`);
    expect(message).toContain(`the whole model ${formatMiB(whole)}, the tiers together ${formatMiB(tiers)}`);
    expect(message).toContain(`this machine has ${formatMiB(available)} free; nothing was started`);
    // Not even the prediction: the run ended before anything of it.
    expect(events).toEqual([]);
  });

  it('runs and verifies every answer with exactly the memory it estimates', async () => {
    const summary = await runHarness({
      bundleDir: bundle.dir,
      runs: 2,
      warmup: 0,
      emulateLinks: false,
      availableMemoryBytes: bundleNeeds().most,
    });
    expect(summary).toMatchObject({ requests: 2, answered: 2, failed: 0, verified: true });
  });

  it('names the tiers together when they need more than the whole model', () => {
    const footprints = {
      whole: { what: 'the whole model', weightBytes: 3 * 2 ** 30, activationBytes: 0 },
      // A tied embedding copied into two segments: the tiers hold more than the whole model.
      tiers: { what: 'the 3 tiers together', weightBytes: 4 * 2 ** 30, activationBytes: 0 },
    };
    const whole = neededBytes(footprints.whole);
    const tiers = neededBytes(footprints.tiers);
    expect(planHarnessMemory(footprints, tiers)).toEqual({
      wholeNeedsBytes: whole,
      tiersNeedBytes: tiers,
      availableBytes: tiers,
    });
    expect(() => planHarnessMemory(footprints, tiers - 1)).toThrow(
      `The harness needs about ${formatMiB(tiers)} of memory for the 3 tiers together (the whole model ${formatMiB(whole)}`,
    );
  });
});
