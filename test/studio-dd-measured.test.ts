/**
 * The studio costs a data-dependent layer from this machine's calibration as `cutline solve
 * --measured` does: the SSD-like detector calibrated through the host's profile job command
 * (onnxruntime, kept table), the calibration put in the renderer's real store, and then the
 * design's figures take the NonMaxSuppression's measured median on the tier running this machine
 * and a scaled one elsewhere, the badge's mark says which, and the host's solve job given the
 * page's measurements plans exactly what the command line plans.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { profilePlan } from '../app/host/profile-job.js';
import type { ProfileResult } from '../app/shared/studio-api.js';
import { selectSourceMeasurements } from '../app/renderer/design/costed-source.js';
import { selectDesignFigures } from '../app/renderer/design/figures.js';
import { selectMeasuredMark } from '../app/renderer/graph/measured-mark.js';
import { useStudio } from '../app/renderer/store/store.js';
import { evaluatePlacement } from '../core/partition/evaluate.js';
import { placementOfRecord } from '../core/partition/placement.js';
import { loadTopology } from '../core/profiles/load.js';
import { detectorModel, writeHereTopology } from './support/data-dependent-models.js';
import { expectOpened, studioHostHarness } from './support/studio-host-fixtures.js';
import { analysedSample, openedModel, startDesignOf } from './renderer/support/open-design.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../bin/cutline.js');
const { dir, newHost } = studioHostHarness('cutline-studio-dd-measured-');
let model: string;
let topologyPath: string;
let calibration: ProfileResult;

beforeAll(async () => {
  model = path.join(dir, 'detector.onnx');
  fs.writeFileSync(model, detectorModel());
  const kept = path.join(dir, 'this-machine.json');
  // The command the host's profile job runs, and its reading of the output: the studio's calibration.
  const plan = profilePlan(
    { path: model, fileName: 'detector.onnx', sha256: '', inputs: {} },
    { runs: 5, warmup: 1 },
    kept,
  );
  const { stdout } = await run(process.execPath, [CLI, ...plan.argv], { maxBuffer: 16 << 20 });
  fs.rmSync(plan.tempDir, { recursive: true, force: true });
  calibration = plan.result(stdout.split('\n').filter((line) => line.length > 0))!;
  topologyPath = writeHereTopology(dir);
}, 60_000);

const state = () => useStudio.getState();

describe('the studio with a calibration that timed the NonMaxSuppression', () => {
  it("costs it from the measurement in the page's figures and in the host's solve job", async () => {
    const { view, partition } = analysedSample(model);
    const topology = loadTopology(topologyPath);
    const opened = openedModel(model, view, partition);
    startDesignOf(opened, topology);
    const nms = partition.units.findIndex((u) => u.name === 'cloud_nms');
    const k = topology.tiers.length;
    const bound = selectDesignFigures(state())!.problem;
    expect(selectMeasuredMark(state(), 'cloud_nms', 'device')).toBeUndefined();

    state().calibrationEnded({ record: { sessionId: opened.sessionId, result: calibration } });
    const figures = selectDesignFigures(state())!;
    const measured = calibration.layers.find((l) => l.name === 'cloud_nms')!.measuredMs;
    expect(measured).toBeGreaterThan(0);
    // The node's own kernel (its folded plumbing, if any, adds what the profiler timed of it).
    const nodes = partition.units[nms]!.nodes!;
    const timed = nodes.reduce(
      (sum, n) => sum + (calibration.layers.find((l) => l.name === n)?.measuredMs ?? 0),
      0,
    );
    expect(figures.problem.computeMs[nms * k]).toBeCloseTo(timed, 12);
    const ratio = bound.computeMs[nms * k + 1]! / bound.computeMs[nms * k]!;
    expect(figures.problem.computeMs[nms * k + 1]).toBeCloseTo(timed * ratio, 9);
    expect(selectMeasuredMark(state(), 'cloud_nms', 'device')).toBe('measured');
    expect(selectMeasuredMark(state(), 'cloud_nms', 'edge')).toBe('scaled');
    // A layer with a static cost has no mark.
    expect(selectMeasuredMark(state(), 'device_conv', 'device')).toBeUndefined();

    // The host's solve job with what the page sends plans as `cutline solve --measured`.
    const host = newHost();
    const session = expectOpened(await host.openPath(model, 'dialog'));
    const measurements = selectSourceMeasurements(state());
    expect(measurements?.units.length).toBe(4);
    const pins = ['pin:cloud_nms=edge', 'pin:cloud_sum=edge'];
    const ended = new Promise<unknown>((resolve) => {
      const off = host.onJob((event) => {
        if (event.type === 'done' || event.type === 'failed') {
          off();
          resolve(event);
        }
      });
    });
    const started = host.startJob(session.sessionId, {
      kind: 'solve',
      args: {
        topology,
        objective: 'latency',
        constraints: pins,
        solvers: ['min-cut'],
        pareto: false,
        measured: measurements!,
      },
    });
    expect(started.ok).toBe(true);
    const end = (await ended) as {
      type: string;
      result: { value: { plans: { placement: Record<string, string> }[] } };
    };
    expect(end.type).toBe('done');
    const suggestion = end.result.value.plans[0]!;
    const cli = JSON.parse(
      (
        await run(process.execPath, [
          CLI,
          'solve',
          model,
          '-t',
          topologyPath,
          '-s',
          'min-cut',
          ...pins.flatMap((p) => ['-c', p]),
          '--measured',
          path.join(dir, 'this-machine.json'),
          '--json',
        ])
      ).stdout,
    ) as {
      plans: {
        latencyMs: number;
        layerPlacement: Record<string, string>;
        measuredPerTier: Record<string, string | null>;
      }[];
    };
    const plan = cli.plans[0]!;
    expect(plan.measuredPerTier.edge).toBe('scaled');
    expect(suggestion.placement).toEqual(
      Object.fromEntries(Object.entries(plan.layerPlacement).filter(([, tier]) => tier !== 'device')),
    );
    // The page's figures of that placement are the command's, measured layers included.
    const unitOf = new Map(figures.problem.units.map((u, i) => [u.name, i]));
    const placement = placementOfRecord(figures.problem, unitOf, suggestion.placement as never);
    expect(evaluatePlacement(figures.problem, placement).latencyMs).toBe(plan.latencyMs);
  });
});
