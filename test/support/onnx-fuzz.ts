/**
 * The seeded fuzzer of the ONNX reader and analyser (issue 13, point 6). Each case takes one
 * source model (a sample, a hostile shape model, or a fixed few models of the ONNX backend test
 * suite when it is installed) and applies one byte-level mutation (onnx-fuzz-wire.ts) or one
 * structure-aware one (onnx-fuzz-structure.ts), then analyses the bytes in a folder holding a
 * small external-data file. A case must analyse or end in a CutlineError whose message is one
 * safe line; anything else is a failure (see onnx-fuzz-driver.ts for hangs, memory and crashes).
 *
 * Cases are pure functions of (seed, index), so a failing case replays alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { analyzeBytes, analyzeFile } from '../../core/analyze.js';
import { isCutlineError } from '../../core/errors.js';
import { findTestdata } from '../../scripts/onnx-testdata.js';
import { HOSTILE_SHAPE_MODELS, HUGE_BUT_CHEAP_MODELS } from './hostile-shape-models.js';
import { execFileSync } from 'node:child_process';
import {
  FUZZ_DATA_BYTES,
  FUZZ_DATA_FILE,
  FUZZ_HOSTILE_FILES,
  mutateStructure,
} from './onnx-fuzz-structure.js';
import { mutateBytes } from './onnx-fuzz-wire.js';
import { prng } from './shape-fuzz.js';
import { unsafeMessage } from './safe-message.js';

const SAMPLES = [
  'edge-prune-vehicle',
  'mobilenetv2-mini',
  'ocr-det-mini',
  'resnet-mini',
  'transformer-encoder',
];

/** A fixed subset of the backend test suite: control flow, shape arguments, recurrent and resize. */
const TESTDATA_MODELS = [
  'test_if',
  'test_loop11',
  'test_scan9_sum',
  'test_range_float_type_positive_delta_expanded',
  'test_reshape_negative_dim',
  'test_lstm_defaults',
  'test_einsum_batch_matmul',
  'test_resize_downsample_scales_cubic',
  'test_top_k',
  'test_constantofshape_int_zeros',
  'test_tile',
  'test_expand_dim_changed',
  'test_gather_0',
  'test_convtranspose_output_shape',
  'test_slice',
  'test_unsqueeze_two_axes',
];

export interface FuzzSource {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** The models cases start from; the backend suite's ones only when the suite is installed. */
export function onnxFuzzSources(): FuzzSource[] {
  const read = (file: string | URL) => new Uint8Array(fs.readFileSync(file));
  const sources: FuzzSource[] = [
    ...SAMPLES.map((name) => ({ name, bytes: read(new URL(`../../samples/${name}.onnx`, import.meta.url)) })),
    ...HOSTILE_SHAPE_MODELS.map((m) => ({ name: `hostile-${m.op}`, bytes: m.bytes })),
    ...HUGE_BUT_CHEAP_MODELS.map((m) => ({ name: `huge-${m.op}`, bytes: m.bytes })),
  ];
  const testdata = findTestdata();
  if (testdata.ok) {
    for (const name of TESTDATA_MODELS) {
      const file = path.join(testdata.path, 'node', name, 'model.onnx');
      if (fs.existsSync(file)) sources.push({ name, bytes: read(file) });
    }
  }
  return sources;
}

export interface OnnxFuzzCase {
  readonly index: number;
  /** "source: family: what changed", enough to replay and read it. */
  readonly label: string;
  readonly bytes: Uint8Array;
}

/** Case `index` of run `seed`: one mutation of one source, byte-level or structural at even odds. */
export function onnxFuzzCase(sources: readonly FuzzSource[], seed: number, index: number): OnnxFuzzCase {
  const random = prng(Math.imul(seed, 1_000_003) + index * 7919);
  const source = sources[Math.floor(random() * sources.length)] ?? sources[0];
  if (!source) throw new Error('onnx fuzz: no source models');
  const structural = random() < 0.5 ? mutateStructure(source.bytes, random) : undefined;
  const mutation = structural ?? mutateBytes(source.bytes, random);
  return { index, label: `${source.name}: ${mutation.label}`, bytes: mutation.bytes };
}

/** The folder a fuzz child analyses in: it holds FUZZ_DATA_FILE for external data to point into. */
export function fuzzWorkDir(root: string): string {
  fs.mkdirSync(root, { recursive: true });
  const data = Uint8Array.from({ length: FUZZ_DATA_BYTES }, (_, i) => i);
  fs.writeFileSync(path.join(root, FUZZ_DATA_FILE), data);
  const at = (name: string) => path.join(root, name);
  fs.writeFileSync(at(FUZZ_HOSTILE_FILES.empty), new Uint8Array());
  fs.mkdirSync(at(FUZZ_HOSTILE_FILES.folder), { recursive: true });
  if (!fs.existsSync(at(FUZZ_HOSTILE_FILES.link))) fs.symlinkSync('/etc/passwd', at(FUZZ_HOSTILE_FILES.link));
  // mkfifo exists on Linux and macOS; elsewhere the FIFO case is a missing file.
  if (process.platform !== 'win32' && !fs.existsSync(at(FUZZ_HOSTILE_FILES.fifo)))
    execFileSync('mkfifo', [at(FUZZ_HOSTILE_FILES.fifo)]);
  return root;
}

export type OnnxFuzzOutcome =
  | { readonly kind: 'analysed' }
  | { readonly kind: 'named-error'; readonly code: string }
  | { readonly kind: 'unsafe-message'; readonly code: string; readonly message: string }
  | { readonly kind: 'other-error'; readonly message: string };

/**
 * Analyses a case in `baseDir` and classifies what happened: from bytes (as the studio opens an
 * upload) or, with `fromFile`, written there as fuzz.onnx and opened by path (as `cutline
 * analyze` does, through the file reader's own checks).
 */
export function runOnnxFuzzCase(bytes: Uint8Array, baseDir: string, fromFile = false): OnnxFuzzOutcome {
  try {
    if (fromFile) {
      const file = path.join(baseDir, 'fuzz.onnx');
      fs.writeFileSync(file, bytes);
      analyzeFile(file);
    } else analyzeBytes(bytes, { baseDir, displayName: 'fuzz.onnx' });
    return { kind: 'analysed' };
  } catch (error) {
    if (isCutlineError(error)) {
      const unsafe = unsafeMessage(error.message);
      return unsafe
        ? {
            kind: 'unsafe-message',
            code: error.code,
            message: `${unsafe}: ${JSON.stringify(error.message.slice(0, 200))}`,
          }
        : { kind: 'named-error', code: error.code };
    }
    const message =
      error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : String(error);
    return { kind: 'other-error', message: message.slice(0, 1500) };
  }
}
