/**
 * On-host profiling with onnxruntime-node: the trace reader, the runner on the committed samples,
 * the calibration of a `this-machine` profile and its scores, and `cutline profile`.
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
import { graph, model, node, valueInfo } from '../core/onnx/builder.js';
import { encodeModelProto } from '../core/onnx/codec.js';
import { DataType } from '../core/onnx/dtype.js';
import { nodeWork, predictComputeMs } from '../core/predict/roofline.js';
import { calibrateHostProfile } from '../core/profiling/calibrate.js';
import { evaluateCalibration, type EvaluatedSet } from '../core/profiling/evaluate.js';
import { measureHostPeak, type HostPeak } from '../core/profiling/host-peak.js';
import { runOrtProfile, type OrtMeasurement, type OrtProfile } from '../core/profiling/ort-profile.js';
import { compareProfile } from '../core/profiling/report.js';
import { parseOrtTrace } from '../core/profiling/trace.js';
import { findTraceFile, takeTraceFile } from '../core/profiling/trace-file.js';
import { deviceProfileSchema } from '../core/profiles/schema.js';
import type { DeviceProfile } from '../core/profiles/types.js';
import { writeHoldoutModels } from './support/holdout-models.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../bin/cutline.js');
const SAMPLE_NAMES = ['edge-prune-vehicle', 'resnet-mini', 'mobilenetv2-mini', 'transformer-encoder'];
const sample = (name: string): string => path.resolve(import.meta.dirname, '../samples', `${name}.onnx`);
/** Few runs keep the file fast; the medians are still of real kernel times. */
const QUICK = { runs: 5, warmup: 2 } as const;
/** One intra-op thread for the calibration figures: steadier than a thread pool on a shared machine. */
const ONE_THREAD = { intraOpThreads: 1 } as const;

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-profiling-test-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

const event = (name: string, cat: string, ts: number, dur: number, args: object = {}): object => ({
  cat,
  pid: 1,
  tid: 1,
  ph: 'X',
  name,
  ts,
  dur,
  args,
});

describe('ORT trace reading', () => {
  it('reads the trace ORT itself writes, finds it by its prefix and deletes it', async () => {
    const prefix = path.join(tmp, 'direct');
    const session = await ort.InferenceSession.create(sample('resnet-mini'), {
      graphOptimizationLevel: 'disabled',
      enableProfiling: true,
      profileFilePrefix: prefix,
    });
    const input = new ort.Tensor('float32', new Float32Array(3 * 64 * 64).fill(0.5), [1, 3, 64, 64]);
    for (let i = 0; i < 3; i++) await session.run({ input });
    expect(session.endProfiling()).toBeUndefined(); // Node returns no file name: hence the lookup
    await session.release();

    const file = findTraceFile(prefix);
    expect(path.basename(file)).toMatch(/^direct_.*\.json$/);
    const runs = takeTraceFile(file);
    expect(fs.existsSync(file)).toBe(false);
    expect(runs).toHaveLength(3);
    const names = analyzeFile(sample('resnet-mini')).graph.nodes.map((n) => n.name);
    for (const traceRun of runs) {
      expect([...traceRun.kernels.keys()].sort()).toEqual([...names].sort());
      const kernelSumMs = [...traceRun.kernels.values()].reduce((s, k) => s + k.ms, 0);
      expect(kernelSumMs).toBeLessThanOrEqual(traceRun.durationMs); // kernels run inside model_run
    }
    expect(runs[0]!.kernels.get('/conv1/Conv')!.opName).toBe('Conv');
  });

  it('assigns kernels to their run, adds a node timed twice in one run, and drops set-up events', () => {
    const trace = JSON.stringify({
      traceEvents: [
        event('session_initialization', 'Session', 0, 50),
        event('early_kernel_time', 'Node', 10, 5, { op_name: 'Relu' }),
        event('model_run', 'Session', 100, 100),
        event('a_kernel_time', 'Node', 110, 20, { op_name: 'Conv' }),
        event('loop_body_kernel_time', 'Node', 130, 10, { op_name: 'Add' }),
        event('loop_body_kernel_time', 'Node', 150, 10, { op_name: 'Add' }),
        event('a_fence_before', 'Node', 109, 1),
        event('model_run', 'Session', 300, 50),
        event('a_kernel_time', 'Node', 310, 30, { op_name: 'Conv' }),
      ],
    });
    const runs = parseOrtTrace(trace, 'synthetic.json');
    expect(runs.map((r) => r.durationMs)).toEqual([0.1, 0.05]);
    expect(Object.fromEntries(runs[0]!.kernels)).toEqual({
      a: { opName: 'Conv', ms: 0.02 },
      loop_body: { opName: 'Add', ms: 0.02 },
    });
    expect(Object.fromEntries(runs[1]!.kernels)).toEqual({ a: { opName: 'Conv', ms: 0.03 } });
  });

  it.each([
    ['not JSON', '[{"cat": "Node",', /not JSON/],
    ['not a list of events', '{"events": []}', /list of trace events/],
    [
      'a kernel without a duration',
      JSON.stringify([event('model_run', 'Session', 0, 9), { cat: 'Node', name: 'x_kernel_time', ts: 1 }]),
      /x_kernel_time.*dur/,
    ],
    ['no run', JSON.stringify([event('x_kernel_time', 'Node', 0, 1)]), /no model_run/],
  ])('rejects a trace with %s as PROFILING_FAILED naming the file, and keeps it', (_, text, reason) => {
    const file = path.join(tmp, `malformed_${Math.random().toString(36).slice(2)}.json`);
    fs.writeFileSync(file, text);
    const error = thrown(() => takeTraceFile(file));
    expect(isCutlineError(error) && error.code).toBe('PROFILING_FAILED');
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(reason);
    expect(fs.existsSync(file)).toBe(true);
  });

  it('finds the newest file of exactly its prefix, and fails when there is none', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'lookup-'));
    const prefix = path.join(dir, 'ort');
    const error = thrown(() => findTraceFile(prefix));
    expect(isCutlineError(error) && error.code).toBe('PROFILING_FAILED');
    expect((error as Error).message).toContain(dir);
    fs.writeFileSync(path.join(dir, 'ortx_2026-01-01_00-00-00.json'), '[]'); // another prefix
    fs.writeFileSync(path.join(dir, 'ort_2026-01-01_00-00-00.json'), '[]');
    fs.utimesSync(path.join(dir, 'ort_2026-01-01_00-00-00.json'), new Date(1e12), new Date(1e12));
    fs.writeFileSync(path.join(dir, 'ort_2026-01-02_00-00-00.json'), '[]');
    expect(path.basename(findTraceFile(prefix))).toBe('ort_2026-01-02_00-00-00.json');
  });
});

describe('runOrtProfile', () => {
  it('times every node of a sample by its ONNX name and cleans up its temporary folder', async () => {
    const tmpdir = fs.mkdtempSync(path.join(tmp, 'os-tmp-'));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmpdir;
    let profile: OrtProfile;
    const phases = new Set<string>();
    try {
      profile = await runOrtProfile(sample('resnet-mini'), {
        ...QUICK,
        onProgress: (p) => phases.add(p.phase),
      });
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    expect(fs.readdirSync(tmpdir)).toEqual([]);
    expect([...phases]).toEqual(['profiled', 'optimised']);
    const { measurement, analysis } = profile;
    expect(measurement.inputShapes).toEqual({ input: [1, 3, 64, 64] });
    expect(measurement.nodes.map((n) => n.name)).toEqual(analysis.graph.nodes.map((n) => n.name));
    expect(measurement.unmeasured).toEqual([]);
    for (const n of measurement.nodes) expect(n.medianMs).toBeGreaterThanOrEqual(0);
    // Each run's kernels lie inside its model_run, so the medians keep that order.
    expect(measurement.kernelSumMs).toBeGreaterThan(0);
    expect(measurement.kernelSumMs).toBeLessThanOrEqual(measurement.profiledRunMs);
    expect(measurement.optimisedRunMs).toBeGreaterThan(0);
    expect(measurement.ortVersion).toMatch(/^1\.\d+/);
  });

  it('binds symbolic dimensions to 1 unless given, feeds token ids the embedding accepts, and lists folded constants', async () => {
    const defaults = await runOrtProfile(sample('transformer-encoder'), { runs: 2, warmup: 1 });
    expect(defaults.measurement.inputShapes).toEqual({ input_ids: [1, 1] });
    const bound = await runOrtProfile(sample('transformer-encoder'), {
      runs: 2,
      warmup: 1,
      inputs: { input_ids: [2, 16] },
    });
    expect(bound.measurement.inputShapes).toEqual({ input_ids: [2, 16] });
    // The analysis describes the shapes that ran: its MatMuls see 32 tokens.
    expect(bound.analysis.summary.inputs[0]!.shape).toEqual([2, 16]);
    const unmeasured = bound.measurement.nodes.filter((n) => n.medianMs === null);
    expect(unmeasured.length).toBeGreaterThan(0);
    expect(new Set(unmeasured.map((n) => n.opType))).toEqual(new Set(['Constant']));
    expect(bound.measurement.unmeasured).toEqual(unmeasured.map((n) => n.name));
  });

  it("times nodes the file leaves unnamed under Cutline's names", async () => {
    const file = path.join(tmp, 'unnamed.onnx');
    const proto = model({
      graph: graph({
        name: 'unnamed',
        nodes: [node('Relu', ['x'], ['a']), node('Add', ['a', 'x'], ['b']), node('Relu', ['b'], ['y'])],
        inputs: [valueInfo('x', DataType.FLOAT, [1, 64])],
        outputs: [valueInfo('y', DataType.FLOAT, [1, 64])],
      }),
    });
    fs.writeFileSync(file, encodeModelProto(proto));
    const { measurement } = await runOrtProfile(file, { runs: 2, warmup: 0 });
    expect(measurement.nodes.map((n) => n.name)).toEqual(['Relu_0', 'Add_1', 'Relu_2']);
    expect(measurement.unmeasured).toEqual([]);
  });

  it('reports a model onnxruntime cannot load as PROFILING_FAILED, and stops when aborted', async () => {
    const file = path.join(tmp, 'custom-op.onnx');
    const proto = model({
      graph: graph({
        name: 'custom',
        nodes: [node('Frobnicate', ['x'], ['y'], [], 'frob', 'com.example')],
        inputs: [valueInfo('x', DataType.FLOAT, [4])],
        outputs: [valueInfo('y', DataType.FLOAT, [4])],
      }),
      opset: [
        { domain: '', version: 17 },
        { domain: 'com.example', version: 1 },
      ],
    });
    fs.writeFileSync(file, encodeModelProto(proto));
    const failure = await runOrtProfile(file, QUICK).catch((e: unknown) => e);
    expect(isCutlineError(failure) && failure.code).toBe('PROFILING_FAILED');
    expect((failure as Error).message).toContain(file);

    const aborted = await runOrtProfile(sample('resnet-mini'), {
      ...QUICK,
      signal: AbortSignal.abort(),
    }).catch((e: unknown) => e);
    expect((aborted as Error).name).toBe('AbortError');
  });
});

describe('calibration of this machine', () => {
  let peak: HostPeak;
  let samples: OrtProfile[];
  let holdouts: OrtProfile[];

  beforeAll(async () => {
    peak = await measureHostPeak(ONE_THREAD);
    samples = [];
    for (const name of SAMPLE_NAMES) {
      const inputs = name === 'transformer-encoder' ? { input_ids: [1, 32] } : {};
      samples.push(await runOrtProfile(sample(name), { ...QUICK, ...ONE_THREAD, inputs }));
    }
    holdouts = [];
    for (const file of writeHoldoutModels(tmp))
      holdouts.push(await runOrtProfile(file, { ...QUICK, ...ONE_THREAD }));
    holdouts.push(
      await runOrtProfile(sample('transformer-encoder'), {
        ...QUICK,
        ...ONE_THREAD,
        inputs: { input_ids: [1, 128] },
      }),
    );
  });

  it('measures a MatMul peak in GFLOP/s', () => {
    expect(peak.gflops).toBeGreaterThan(0.1);
    expect(peak.gflops).toBe((2 * 512 ** 3) / (peak.bestMs * 1e6));
    expect(peak.method).toMatch(/512×512×512 FP32 MatMul/);
  });

  it('recovers a known device from times that device would take', () => {
    const truth: DeviceProfile = {
      id: 'truth',
      name: 'Truth',
      peakGflops: { fp32: 100 },
      memoryBandwidthGBps: 40,
      efficiency: { conv: 0.6, matmul: 0.3, depthwiseConv: 0.05 },
      defaultEfficiency: 0.5,
      overheadMs: { conv: 0.004, elementwise: 0.002, activation: 0.0015, dataMovement: 0.001 },
      defaultOverheadMs: 0.003,
      activePowerW: 10,
      idlePowerW: 2,
      memoryBytes: 1e9,
      sources: {},
    };
    const synthetic = samples.map(({ analysis, measurement }): OrtProfile => ({
      analysis,
      measurement: {
        ...measurement,
        nodes: measurement.nodes.map((n) => ({
          ...n,
          medianMs: predictComputeMs(truth, 'fp32', nodeWork(analysis, n.index)),
        })),
      } satisfies OrtMeasurement,
    }));
    const { fit, profile } = calibrateHostProfile(synthetic, { ...peak, gflops: 100 });
    const byClass = new Map(fit.classes.map((c) => [c.opClass, c]));
    expect(fit.memoryBandwidthGBps).toBeCloseTo(40, 0);
    expect(byClass.get('conv')!.efficiency).toBeCloseTo(0.6, 2);
    expect(byClass.get('matmul')!.efficiency).toBeCloseTo(0.3, 2);
    expect(byClass.get('depthwiseConv')!.efficiency).toBeCloseTo(0.05, 3);
    expect(byClass.get('conv')!.overheadMs).toBeCloseTo(0.004, 4);
    expect(byClass.get('elementwise')!.overheadMs).toBeCloseTo(0.002, 4);
    expect(byClass.get('dataMovement')).toMatchObject({ efficiency: null }); // no FLOPs: nothing to fit
    expect(byClass.get('dataMovement')!.overheadMs).toBeCloseTo(0.001, 4);
    const scores = synthetic.map((p) => compareProfile(p.analysis, p.measurement, profile));
    for (const s of scores) expect(s.medianAbsErrorPercent).toBeLessThan(1);
  });

  it('fits a schema-valid this-machine profile with its sources, and scores it in and out of sample', () => {
    const evaluation = evaluateCalibration(samples, holdouts, peak, { date: new Date('2026-01-02') });
    const { profile, fit } = evaluation.calibration;
    expect(deviceProfileSchema.safeParse(profile).error).toBeUndefined();
    expect(profile.id).toBe('this-machine');
    expect(profile.peakGflops.fp32).toBeCloseTo(peak.gflops, 1);
    expect(profile.sources['peakGflops.fp32']).toContain(
      `measured on this machine: ${os.cpus()[0]!.model.trim()}`,
    );
    expect(profile.sources['peakGflops.fp32']).toContain('2026-01-02');
    expect(profile.sources.memoryBandwidthGBps).toContain(
      'models edge-prune-vehicle.onnx, resnet-mini.onnx, mobilenetv2-mini.onnx, transformer-encoder.onnx',
    );
    expect(profile.sources.activePowerW).toMatch(/^assumption/);
    const measuredNodes = samples.flatMap((p) => p.measurement.nodes).filter((n) => (n.medianMs ?? 0) > 0);
    expect(fit.nodes).toBe(measuredNodes.length);
    expect(fit.classes.map((c) => c.opClass)).toEqual(
      expect.arrayContaining(['conv', 'matmul', 'elementwise']),
    );

    const inSample = evaluation.inSample.models[1]!;
    expect(inSample.model).toBe('resnet-mini.onnx');
    expect(inSample.nodes).toHaveLength(32);
    const conv = inSample.nodes.find((n) => n.name === '/conv1/Conv')!;
    expect(conv.predictedMs).toBe(
      predictComputeMs(profile, 'fp32', nodeWork(samples[1]!.analysis, conv.index)),
    );
    expect(inSample.predictedSumMs).toBeCloseTo(
      inSample.nodes.reduce((s, n) => s + n.predictedMs, 0),
      9,
    );
    expect(evaluation.leaveOneModelOut.models).toHaveLength(4);
    expect(evaluation.heldOut.models.map((m) => m.model)).toEqual([
      'vgg-mini.onnx',
      'separable-tower.onnx',
      'transformer-encoder.onnx',
    ]);

    const show = (title: string, set: EvaluatedSet): void => {
      console.log(
        `${title}: median |error| ${set.pooled.medianAbsErrorPercent.toFixed(1)}%, within ±10% ${(set.pooled.withinTenPercent * 100).toFixed(0)}% of ${set.pooled.comparedNodes} nodes`,
      );
      for (const m of set.models)
        console.log(
          `  ${m.model.padEnd(26)} median |error| ${m.medianAbsErrorPercent.toFixed(1).padStart(5)}%  ±10% ${(m.withinTenPercent * 100).toFixed(0).padStart(3)}%  Σ predicted ${m.predictedSumMs.toFixed(3)} ms  Σ kernels ${m.kernelSumMs.toFixed(3)} ms  optimised ${m.optimisedRunMs.toFixed(3)} ms`,
        );
    };
    console.log(
      `Calibrated on ${fit.models.join(', ')}: peak ${fit.peakGflops} GFLOP/s, bandwidth ${fit.memoryBandwidthGBps} GB/s`,
    );
    show('In-sample (fitted and scored on the same nodes: flatters the fit)', evaluation.inSample);
    show('Leave one model out (each sample scored by a fit on the other three)', evaluation.leaveOneModelOut);
    show('Held-out models (never used for fitting)', evaluation.heldOut);
    for (const set of [evaluation.inSample, evaluation.leaveOneModelOut, evaluation.heldOut]) {
      expect(Number.isFinite(set.pooled.medianAbsErrorPercent)).toBe(true);
      expect(set.pooled.withinTenPercent).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('cutline profile', () => {
  it('prints JSON with per-node figures and saves a schema-valid profile', async () => {
    const save = path.join(tmp, 'this-machine.json');
    const { stdout } = await run(process.execPath, [
      CLI,
      'profile',
      sample('resnet-mini'),
      '--runs',
      '3',
      '--warmup',
      '1',
      '--save',
      save,
      '--json',
    ]);
    const result = JSON.parse(stdout) as {
      models: {
        model: string;
        nodes: { name: string; measuredMs: number; predictedMs: number }[];
        inputShapes: object;
      }[];
      inSample: { note: string; comparedNodes: number };
      leaveOneModelOut: unknown;
      profile: DeviceProfile;
    };
    expect(result.models[0]!.model).toBe('resnet-mini.onnx');
    expect(result.models[0]!.nodes).toHaveLength(32);
    expect(result.models[0]!.inputShapes).toEqual({ input: [1, 3, 64, 64] });
    expect(result.inSample.note).toMatch(/flatters/);
    expect(result.leaveOneModelOut).toBeNull();
    const saved = JSON.parse(fs.readFileSync(save, 'utf8')) as unknown;
    expect(saved).toEqual(result.profile);
    expect(deviceProfileSchema.safeParse(saved).error).toBeUndefined();
  });

  it('prints a per-node table and, for several models, each predicted from the others', async () => {
    const { stdout } = await run(process.execPath, [
      CLI,
      'profile',
      sample('resnet-mini'),
      sample('transformer-encoder'),
      '--runs',
      '2',
      '--warmup',
      '1',
      '--input',
      'input_ids=1x8',
    ]);
    expect(stdout).toMatch(/^ *#\s+node\s+op\s+class\s+measured ms\s+predicted ms\s+error$/m);
    expect(stdout).toMatch(/^ *0\s+\/conv1\/Conv\s+Conv\s+conv\s+\d+\.\d+\s+\d+\.\d+\s+[+-]\d+\.\d%$/m);
    expect(stdout).toMatch(/transformer-encoder\.onnx \(input_ids=1x8\)/);
    expect(stdout).toMatch(/no kernel: \d+ nodes ORT folded away/);
    expect(stdout).toMatch(/^Summary\s+in-sample: .*flatters it$/m);
    expect(stdout).toMatch(/^Held out\s+each model predicted by a profile fitted on the other models only/m);
    expect(stdout).toMatch(/^ {2}resnet-mini\.onnx: median \|error\| \d+\.\d%/m);
  });

  it('rejects a bad run count and an input no model has', async () => {
    const failure = (args: string[]): Promise<{ code: number; stderr: string }> =>
      run(process.execPath, [CLI, 'profile', ...args]).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
    const bad = await failure([sample('resnet-mini'), '--runs', '0']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--runs.*whole number ≥ 1/);
    const unknown = await failure([sample('resnet-mini'), '--runs', '1', '--input', 'tokens=1x4']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/BAD_INPUT_BINDING: .*"tokens"/);
  });
});
