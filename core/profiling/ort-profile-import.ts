/**
 * `cutline profile MODEL --from-ort-profile FILE`: the per-node times of a profile onnxruntime
 * already wrote, in place of running the model, as the same measurement a run gives, so the same
 * table, comparison and calibration follow.
 */
import fs from 'node:fs';
import path from 'node:path';
import { analyzeModel } from '../analyze.js';
import { CutlineError } from '../errors.js';
import type { Shape } from '../graph/types.js';
import { readModelFile } from '../onnx/read.js';
import type { InputValueText } from '../shape/input-values.js';
import { valueBoundShapes } from './feeds.js';
import type { OrtProfile } from './ort-profile.js';
import { matchOrtProfile, type OrtProfileMatch } from './ort-profile-match.js';
import {
  MAX_ORT_PROFILE_BYTES,
  readOrtProfileText,
  tooLarge,
  type OrtProfileTimes,
} from './ort-profile-times.js';

export interface ImportedOrtProfile {
  readonly profile: OrtProfile;
  readonly times: OrtProfileTimes;
  readonly match: OrtProfileMatch;
}

/**
 * Reads `profilePath` (at most MAX_ORT_PROFILE_BYTES, checked before reading) and times the nodes
 * of `modelPath` analysed with `inputs` (the shapes the profiled session was fed; symbolic
 * dimensions not bound count as 1, as in a measured run) and `inputValues` (the values it was fed).
 *
 * @throws CutlineError PROFILING_FAILED when the file is missing, too large, not an ORT trace,
 *   or times none of the model's nodes; the model's own errors as `analyze` does.
 */
export function importOrtProfile(
  modelPath: string,
  profilePath: string,
  inputs: Readonly<Record<string, Shape>> = {},
  inputValues: readonly InputValueText[] = [],
): ImportedOrtProfile {
  const times = readOrtProfileFile(profilePath);
  const file = times.file;
  const model = readModelFile(modelPath);
  // The values the profiled run was fed (the user says which): folded, so an If is costed on its branch.
  const inputShapes = valueBoundShapes(analyzeModel(model).graph, inputs, inputValues);
  const analysis = analyzeModel(model, { inputShapes, inputValues });
  const match = matchOrtProfile(analysis.graph.nodes, times);
  if (match.matched === 0) {
    throw new CutlineError(
      'PROFILING_FAILED',
      `None of the ${times.nodes.length} nodes ${file} times is in ${path.basename(modelPath)}. Import the profile of this model, made with graph optimisation disabled so nodes keep their names.`,
    );
  }
  const nodes = match.nodes.map(({ index, name, opType, medianMs }) => ({ index, name, opType, medianMs }));
  const profile: OrtProfile = {
    analysis,
    measurement: {
      modelPath,
      inputShapes,
      runs: times.runs,
      warmup: 0,
      intraOpThreads: null,
      interOpThreads: null,
      executionMode: 'sequential',
      nodes,
      unmeasured: nodes.filter((n) => n.medianMs === null).map((n) => n.name),
      kernelSumMs: nodes.reduce((sum, n) => sum + (n.medianMs ?? 0), 0),
      profiledRunMs: times.profiledRunMs,
      // Not in the file: it times one session, under the profiler.
      optimisedRunMs: Number.NaN,
      ortVersion: 'unknown (imported profile)',
      importedFrom: profilePath,
    },
  };
  return { profile, times, match };
}

/**
 * An ORT profile file's per-node times; its size is checked before it is read.
 *
 * @throws CutlineError PROFILING_FAILED when it cannot be read, is too large or is not a profile.
 */
export function readOrtProfileFile(profilePath: string): OrtProfileTimes {
  const file = path.basename(profilePath);
  let bytes: number;
  try {
    bytes = fs.statSync(profilePath).size;
  } catch (error) {
    throw new CutlineError(
      'PROFILING_FAILED',
      `The profile ${profilePath} cannot be read (${error instanceof Error ? error.message : String(error)}).`,
      { cause: error },
    );
  }
  if (bytes > MAX_ORT_PROFILE_BYTES) throw tooLarge(file, bytes, MAX_ORT_PROFILE_BYTES);
  return readOrtProfileText(fs.readFileSync(profilePath, 'utf8'), file);
}
