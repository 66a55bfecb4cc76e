/**
 * `--input-value` through the command line and projects (issue 15, point 3): the If of a
 * Silero-VAD-like model is costed on the branch the given sample rate selects, in `cutline analyze
 * --json`, in `cutline solve`, and from a project that saved the value.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisJson } from '../app/cli/analyze.js';
import { loadCommandContext } from '../app/cli/partition-context.js';
import { analyzeFile } from '../core/analyze.js';
import { parseInputValue } from '../core/shape/input-values.js';
import { exportProject } from '../app/host/process-job-kinds.js';
import { loadTopology } from '../core/profiles/load.js';
import { parseProject } from '../core/project/parse.js';
import type { ProjectFile } from '../core/project/types.js';
import { SR_BRANCH_MACS, srBranchModel } from './support/branch-models.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../bin/cutline.js');
const TOPOLOGY_ID = 'pi4-wifi-edge-wan-cloud';

let dir: string;
let modelPath: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-input-values-'));
  modelPath = path.join(dir, 'vad-like.onnx');
  fs.writeFileSync(modelPath, srBranchModel());
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

async function cli(...args: string[]): Promise<string> {
  return (await run(process.execPath, [CLI, ...args])).stdout;
}

function project(inputValues: Record<string, string> | undefined): ProjectFile {
  const sha256 = createHash('sha256').update(fs.readFileSync(modelPath)).digest('hex');
  return {
    format: 'cutline-project',
    version: 2,
    model: { fileName: path.basename(modelPath), path: modelPath, sha256 },
    inputs: { x: '1x64' },
    ...(inputValues ? { inputValues } : {}),
    topology: { kind: 'bundled', id: TOPOLOGY_ID },
    placement: {},
    pins: [],
    objective: 'latency',
    constraints: [],
    view: { expanded: [], selected: null, metric: 'macs' },
  };
}

describe('the analysis `cutline analyze --input-value` prints', () => {
  it('costs the branch the value selects; without it, the larger branch, marked approximate', () => {
    const analyse = (...values: string[]) =>
      analysisJson(
        analyzeFile(modelPath, { inputShapes: { x: [1, 64] }, inputValues: values.map(parseInputValue) }),
      ) as { totals: { macs: number; exact: boolean }; approximate: boolean; assumptions: object };
    expect(analyse('sr=16000')).toMatchObject({
      totals: { macs: SR_BRANCH_MACS.khz16, exact: true },
      approximate: false,
    });
    expect(analyse('sr=8000')).toMatchObject({
      totals: { macs: SR_BRANCH_MACS.khz8, exact: true },
      approximate: false,
    });
    expect(analyse()).toMatchObject({
      totals: { macs: SR_BRANCH_MACS.khz8, exact: false },
      approximate: true,
      assumptions: { undecidedBranches: ['by_rate'] },
    });
  });
});

describe('cutline analyze --input-value', () => {
  it('--json costs the branch the flag selects', async () => {
    const json = JSON.parse(
      await cli('analyze', modelPath, '--input', 'x=1x64', '--input-value', 'sr=16000', '--json'),
    ) as { totals: { macs: number }; approximate: boolean };
    expect(json).toMatchObject({ totals: { macs: SR_BRANCH_MACS.khz16 }, approximate: false });
  });

  it('names the unbound dimension and the binding that lifts it, and refuses a bad value in one line', async () => {
    const text = await cli('analyze', modelPath, '--input-value', 'sr=16000');
    expect(text).toContain('batch was unbound: assumed 1; bind it with --input x=1x64');
    const failed = await run(process.execPath, [CLI, 'analyze', modelPath, '--input-value', 'rate=1']).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr.trim()).toBe(
      'cutline: BAD_INPUT_BINDING: The model has no input named "rate"; its inputs are "x", "sr".',
    );
  });
});

describe('input values in projects', () => {
  it('are read back and analysed; a command-line value of the same input replaces the saved one', () => {
    const saved = JSON.parse(JSON.stringify(project({ sr: '16000' }))) as unknown;
    const parsed = parseProject(saved);
    expect(parsed.ok && parsed.project.inputValues).toEqual({ sr: '16000' });
    const file = path.join(dir, 'vad.cutline.json');
    fs.writeFileSync(file, JSON.stringify(saved));
    const fromProject = loadCommandContext(undefined, { input: [], project: file }).context;
    expect(fromProject.analysis.totals.macs).toBe(SR_BRANCH_MACS.khz16);
    expect(fromProject.analysis.assumptions.approximate).toBe(false);
    const overridden = loadCommandContext(undefined, { input: [], inputValue: ['sr=8000'], project: file });
    expect(overridden.context.analysis.totals.macs).toBe(SR_BRANCH_MACS.khz8);
  });

  it('a project without values still reads, and a bad saved value is named', () => {
    expect(parseProject(project(undefined)).ok).toBe(true);
    const bad = parseProject(project({ sr: 'fast' }));
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.message).toMatch(/project\.inputValues\["sr"\]: .*"fast" is not a number/);
  });

  it("the studio's export and figures jobs hand the session's values to the command", () => {
    const sha256 = createHash('sha256').update(fs.readFileSync(modelPath)).digest('hex');
    const model = {
      path: modelPath,
      fileName: 'vad-like.onnx',
      sha256,
      inputs: {},
      inputValues: { sr: '16000' },
    };
    const design = {
      topology: loadTopology(TOPOLOGY_ID),
      placement: {},
      pins: [],
      inputs: { x: '1x64' },
      objective: 'latency',
    };
    const file = path.join(dir, 'job.cutline.json');
    fs.writeFileSync(file, JSON.stringify(exportProject(model, design)));
    const { context } = loadCommandContext(undefined, { input: [], project: file });
    expect(context.analysis.totals.macs).toBe(SR_BRANCH_MACS.khz16);
    // A session analysed without values writes none.
    expect(exportProject({ ...model, inputValues: {} }, design).inputValues).toBeUndefined();
  });

  it('cutline solve --project prints the plan for the saved branch', async () => {
    const solve = async (values: Record<string, string> | undefined) => {
      const file = path.join(dir, `solve-${values?.sr ?? 'none'}.cutline.json`);
      fs.writeFileSync(file, JSON.stringify(project(values)));
      return JSON.parse(await cli('solve', '--project', file, '--json', '-s', 'single-split')) as {
        approximate: boolean;
        project: { computeMsPerTier: Record<string, number> };
      };
    };
    const [khz16, none] = await Promise.all([solve({ sr: '16000' }), solve(undefined)]);
    expect(khz16.approximate).toBe(false);
    expect(none.approximate).toBe(true);
    // The whole design runs on the device: its compute follows the branch's MACs.
    expect(khz16.project.computeMsPerTier.device).toBeLessThan(none.project.computeMsPerTier.device!);
  });
});
