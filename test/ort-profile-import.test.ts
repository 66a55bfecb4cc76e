/**
 * Importing an onnxruntime profile (the JSON `enableProfiling` writes, made here with real
 * onnxruntime-node): `cutline profile --from-ort-profile` reports each node's median kernel time
 * from the file, the studio's overlay lays the same times on the same layers, and hostile files
 * (too large, not JSON, not a trace, names the model lacks) are refused or counted, never a crash.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../core/analyze.js';
import { isCutlineError } from '../core/errors.js';
import { importOrtProfile } from '../core/profiling/ort-profile-import.js';
import { matchOrtProfile, unknownNamesLine } from '../core/profiling/ort-profile-match.js';
import { readOrtProfileText } from '../core/profiling/ort-profile-times.js';
import { findTraceFile } from '../core/profiling/trace-file.js';
import { buildModelView } from '../core/view/build.js';
import { readOrtProfileUpload } from '../app/host/ort-profile-upload.js';
import { ORT_PROFILE_METRIC, ortProfileOverlay } from '../app/renderer/run/ort-profile-overlay.js';
import { setStudioApi } from '../app/renderer/api/studio-api.js';
import { importOrtProfileText } from '../app/renderer/run/ort-profile-actions.js';
import { useStudio } from '../app/renderer/store/store.js';
import { MAX_ORT_PROFILE_TEXT_BYTES, type StudioApi } from '../app/shared/studio-api.js';
import { loadTopology } from '../core/profiles/load.js';
import { analysedSample, openedModel, startDesignOf } from './renderer/support/open-design.js';
import { parseStudioArgs } from '../app/shared/studio-validate.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../bin/cutline.js');
const SAMPLE = path.resolve(import.meta.dirname, '../samples/resnet-mini.onnx');

let tmp: string;
/** Profiled with graph optimisation off (every node keeps its name) and at ORT's default level. */
let plainProfile: string;
let optimisedProfile: string;

async function ortProfile(prefix: string, level: 'disabled' | 'all'): Promise<string> {
  const session = await ort.InferenceSession.create(SAMPLE, {
    enableProfiling: true,
    profileFilePrefix: path.join(tmp, prefix),
    graphOptimizationLevel: level,
    intraOpNumThreads: 1,
  });
  const feeds = { input: new ort.Tensor('float32', new Float32Array(3 * 64 * 64).fill(0.5), [1, 3, 64, 64]) };
  for (let i = 0; i < 4; i++) await session.run(feeds);
  session.endProfiling();
  await session.release();
  return findTraceFile(path.join(tmp, prefix));
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-ort-import-'));
  plainProfile = await ortProfile('plain', 'disabled');
  optimisedProfile = await ortProfile('optimised', 'all');
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const thrown = (action: () => unknown): unknown => {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
};

interface ProfileJson {
  importedOrtProfile: {
    runs: number;
    matchedNodes: number;
    unknownNodes: number;
    unknownNodeNames: string[];
  };
  models: {
    nodes: { name: string; measuredMs: number | null; predictedMs: number }[];
    optimisedRunMs: null;
  }[];
  profile: { id: string };
}

describe('cutline profile --from-ort-profile', () => {
  it('reports the median kernel time of every node from the file, and the studio overlay shows the same times', async () => {
    const { stdout } = await run(process.execPath, [
      CLI,
      'profile',
      SAMPLE,
      '--from-ort-profile',
      plainProfile,
      '--json',
    ]);
    const report = JSON.parse(stdout) as ProfileJson;
    const times = readOrtProfileText(fs.readFileSync(plainProfile, 'utf8'), 'plain.json');
    const analysis = analyzeFile(SAMPLE);
    expect(times.runs).toBe(4);
    expect(report.importedOrtProfile).toMatchObject({ runs: 4, matchedNodes: 32, unknownNodes: 0 });
    // Every node of the model, timed from the file: the medians the file gives, node for node.
    const cli = report.models[0]!.nodes;
    expect(cli.map((n) => n.name)).toEqual(analysis.graph.nodes.map((n) => n.name));
    const fromFile = new Map(times.nodes.map((n) => [n.name, n.medianMs]));
    for (const node of cli) expect(node.measuredMs).toBe(fromFile.get(node.name));
    expect(report.models[0]!.optimisedRunMs).toBeNull();
    // The same calibration as a measured run follows from it.
    expect(report.profile.id).toBe('this-machine');

    // The studio: the host reads the page's text, the page lays it over the model's layers.
    const upload = readOrtProfileUpload('plain.json', fs.readFileSync(plainProfile, 'utf8'));
    expect(upload.ok).toBe(true);
    if (!upload.ok) return;
    const { overlay, match } = ortProfileOverlay(buildModelView(analysis), upload.profile);
    expect(match.unknown).toEqual([]);
    expect(overlay.values.size).toBe(cli.length);
    for (const node of cli)
      expect(overlay.values.get(node.name)?.[ORT_PROFILE_METRIC.key]).toBe(node.measuredMs);
  }, 60_000);

  it('counts names the model lacks (an optimised session renames fused nodes) in one line', async () => {
    const { stdout } = await run(process.execPath, [
      CLI,
      'profile',
      SAMPLE,
      '--from-ort-profile',
      optimisedProfile,
    ]);
    const imported = stdout.split('\n').slice(0, 2);
    expect(imported[0]).toMatch(/^Imported .*: 4 runs, \d+ nodes timed/);
    expect(imported[1]).toMatch(
      /^ +\d+ node names? in .*optimised_.*\.json (is|are) not in this model \(".*"/,
    );
    const imports = importOrtProfile(SAMPLE, optimisedProfile);
    expect(imports.match.unknown.length).toBeGreaterThan(0);
    expect(imports.match.matched + imports.match.unknown.length).toBe(imports.times.nodes.length);
    expect(imports.profile.measurement.unmeasured.length).toBe(32 - imports.match.matched);
  }, 60_000);

  it('refuses a profile of another model, and more than one model', async () => {
    const other = path.resolve(import.meta.dirname, '../samples/edge-prune-vehicle.onnx');
    const refused = await run(process.execPath, [
      CLI,
      'profile',
      other,
      '--from-ort-profile',
      plainProfile,
    ]).catch((error: { code: number; stderr: string }) => error);
    expect(refused).toMatchObject({ code: 2 });
    expect((refused as { stderr: string }).stderr).toMatch(
      /PROFILING_FAILED: None of the 32 nodes plain_.* is in edge-prune-vehicle\.onnx/,
    );
    const two = await run(process.execPath, [
      CLI,
      'profile',
      SAMPLE,
      other,
      '--from-ort-profile',
      plainProfile,
    ]).catch((error: { code: number; stderr: string }) => error);
    expect((two as { stderr: string }).stderr).toMatch(/reads the profile of one model/);
  }, 60_000);
});

describe("the studio's import", () => {
  it('lays the times over the layers, and a second file replaces the first (layers it lacks lose theirs)', async () => {
    // The host's own reader behind the page's call, without a transport in between.
    setStudioApi({
      parseOrtProfile: async (fileName: string, text: string) => readOrtProfileUpload(fileName, text),
    } as unknown as StudioApi);
    const { view, partition } = analysedSample(SAMPLE);
    startDesignOf(openedModel(SAMPLE, view, partition), loadTopology('pi4-wifi-edge-wan-cloud'));
    const text = fs.readFileSync(plainProfile, 'utf8');
    await importOrtProfileText('plain.json', text);
    const state = () => useStudio.getState();
    expect(state().metric).toBe(ORT_PROFILE_METRIC.key);
    expect(state().notice).toBe('Imported plain.json: 32 layers timed, medians of 4 runs.');
    const times = readOrtProfileText(text, 'plain.json');
    const first = times.nodes[0]!;
    const layerTime = (id: string) => state().overlay.values.get(id)?.[ORT_PROFILE_METRIC.key];
    expect(layerTime(first.name)).toBe(first.medianMs);

    // The same file less its first node's events: that layer has no imported time any more.
    const events = (JSON.parse(text) as { name: string }[]).filter(
      (e) => e.name !== `${first.name}_kernel_time`,
    );
    await importOrtProfileText('second.json', JSON.stringify(events));
    expect(state().notice).toBe('Imported second.json: 31 layers timed, medians of 4 runs.');
    expect(layerTime(first.name)).toBeUndefined();
    expect(layerTime(times.nodes[1]!.name)).toBe(times.nodes[1]!.medianMs);

    // A file that is no profile changes nothing and says why.
    await importOrtProfileText('notes.json', '{}');
    expect(state().error).toMatchObject({ code: 'PROFILING_FAILED' });
    expect(layerTime(times.nodes[1]!.name)).toBe(times.nodes[1]!.medianMs);
  });
});

describe('a hostile profile file', () => {
  const event = (name: string, cat: string, ts: number, dur: number): object => ({
    cat,
    name,
    ts,
    dur,
    ph: 'X',
  });
  const trace = (events: object[]): string => JSON.stringify(events);

  it.each([
    ['not JSON', '{"traceEvents": [', /not JSON/],
    ['not a list of events', '{"a": 1}', /expected a list of trace events/],
    ['an event with no name', trace([{ cat: 'Node' }]), /event 0 has no name/],
    [
      'a kernel without a duration',
      trace([{ cat: 'Node', name: 'a_kernel_time', ts: 1 }]),
      /lacks a numeric ts or dur/,
    ],
    ['no run', trace([event('a_kernel_time', 'Node', 1, 2)]), /no model_run event/],
  ])('refuses %s as PROFILING_FAILED naming the file', (_what, text, why) => {
    const error = thrown(() => readOrtProfileText(text, 'evil.json'));
    expect(isCutlineError(error) && error.code).toBe('PROFILING_FAILED');
    expect((error as Error).message).toMatch(why);
    expect((error as Error).message).toContain('evil.json');
    // The host answers the page with the same error instead of throwing.
    expect(readOrtProfileUpload('evil.json', text)).toMatchObject({
      ok: false,
      error: { code: 'PROFILING_FAILED' },
    });
  });

  it('refuses a file over the size cap before parsing it, in core and at both hosts', () => {
    const error = thrown(() => readOrtProfileText('[' + ' '.repeat(2048) + ']', 'big.json', 1024));
    expect((error as Error).message).toMatch(/over the 0 MiB Cutline reads/);
    const checked = parseStudioArgs('parseOrtProfile', [
      'big.json',
      'x'.repeat(MAX_ORT_PROFILE_TEXT_BYTES + 1),
    ]);
    expect(checked.ok).toBe(false);
    if (!checked.ok)
      expect(checked.message).toMatch(/^parseOrtProfile: args\[1\]: the profile is larger than/);
  });

  it('reads a file of 100,000 runs, each kernel in its own run', () => {
    const events: object[] = [];
    for (let i = 0; i < 100_000; i++) {
      events.push(event('model_run', 'Session', i * 10, 9));
      events.push(event('Conv_0_kernel_time', 'Node', i * 10 + 1, (i % 3) + 1));
    }
    const times = readOrtProfileText(trace(events), 'long.json');
    expect(times.runs).toBe(100_000);
    expect(times.nodes).toEqual([{ name: 'Conv_0', opName: '', medianMs: 0.002 }]);
  });

  it('counts thousands of unknown names (and odd ones) without listing them all', () => {
    const events = [event('model_run', 'Session', 0, 1000), event('Conv_0_kernel_time', 'Node', 1, 5)];
    for (let i = 0; i < 5000; i++) events.push(event(`ghost\u202e${i}_kernel_time`, 'Node', 2 + i / 100, 1));
    events.push(event('__proto___kernel_time', 'Node', 3, 2));
    const times = readOrtProfileText(trace(events), 'ghosts.json');
    const match = matchOrtProfile([{ index: 0, name: 'Conv_0', opType: 'Conv' }], times);
    expect(match.matched).toBe(1);
    expect(match.nodes[0]!.medianMs).toBe(0.005);
    expect(match.unknown.length).toBe(5001);
    const line = unknownNamesLine(match, 'ghosts.json')!;
    expect(line).toMatch(/^5001 node names in ghosts\.json are not in this model \(/);
    expect(line).toContain('(5001 in all)');
    expect(line).not.toContain('\u202e');
    expect(line.length).toBeLessThan(400);
  });
});
