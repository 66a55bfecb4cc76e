/**
 * The real command line, spawned as a user runs it (`node bin/cutline.js … --json`), for the e2e
 * steps that compare what the studio shows or writes with what the CLI says for the same design.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const CLI = path.resolve('bin/cutline.js');
const run = promisify(execFile);

/** Runs `cutline ARGS` and parses its stdout as one JSON object; a failure throws with its stderr. */
export async function cutlineJson<T>(args: readonly string[]): Promise<T> {
  const { stdout } = await run(process.execPath, [CLI, ...args], {
    maxBuffer: 64 * 1024 ** 2,
    env: { ...process.env, ORT_DISABLE_TELEMETRY: '1' },
  });
  return JSON.parse(stdout) as T;
}

/** What the steps read of `cutline solve --json`: each plan's and front point's figures and placement. */
export interface SolvePlanJson {
  readonly solver: string;
  readonly exact: boolean;
  readonly latencyMs: number;
  readonly deviceEnergyMj: number;
  readonly deviceLayersBeforeLeaving: number | null;
  /** Node name → tier, every node (device ones too). */
  readonly placement: Readonly<Record<string, string>>;
}

export interface SolveJson {
  readonly plans: readonly SolvePlanJson[];
  readonly infeasible: readonly { readonly solver: string; readonly message: string }[];
  readonly pareto: { readonly points: readonly SolvePlanJson[] } | null;
}

/** `cutline sweep --json`. */
export interface SweepJson {
  readonly link: { readonly id: string; readonly tiers: string; readonly rttMs: number };
  readonly server: string;
  readonly points: readonly Readonly<Record<string, number | string>>[];
  readonly changes: readonly number[];
}
