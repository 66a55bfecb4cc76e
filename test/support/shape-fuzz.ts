/**
 * A seeded, structure-aware fuzzer of the analyser's shape rules (issue 13): each case takes one
 * model (a sample, or a hostile one-node model) and sets one integer it holds (an integer
 * attribute, an entry of a small int32/int64 initializer or Constant, a declared dim) to a
 * boundary value, then analyses the re-encoded bytes. A case either analyses or throws a
 * CutlineError; anything else (another error type, a hang, a crash) is a failure.
 *
 * Cases are pure functions of (seed, index), so a failing case can be replayed alone.
 */
import { readFileSync } from 'node:fs';
import { analyzeBytes } from '../../core/analyze.js';
import { isCutlineError } from '../../core/errors.js';
import {
  decodeModelProto,
  encodeModelProto,
  type GraphProto,
  type TensorProto,
} from '../../core/onnx/codec.js';
import { DataType } from '../../core/onnx/dtype.js';
import { HOSTILE_SHAPE_MODELS, HUGE_BUT_CHEAP_MODELS } from './hostile-shape-models.js';
import { unsafeMessage } from './safe-message.js';

/** The values the fuzzer writes: the ones that broke the rules, and the ones next to them. */
export const BOUNDARY_VALUES: readonly bigint[] = [0n, -1n, 2n ** 31n - 1n, 2n ** 63n - 1n];

const SAMPLES = [
  'edge-prune-vehicle',
  'mobilenetv2-mini',
  'ocr-det-mini',
  'resnet-mini',
  'transformer-encoder',
];

/** Initializers with at most this many entries are shape-like (shapes, axes, repeats, splits). */
const SMALL_TENSOR = 64;

export interface FuzzSource {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** The models every case starts from: the samples and the hostile one-node models. */
export function fuzzSources(): FuzzSource[] {
  return [
    ...SAMPLES.map((name) => ({
      name,
      bytes: new Uint8Array(readFileSync(new URL(`../../samples/${name}.onnx`, import.meta.url))),
    })),
    ...HOSTILE_SHAPE_MODELS.map((m) => ({ name: `hostile-${m.op}`, bytes: m.bytes })),
    ...HUGE_BUT_CHEAP_MODELS.map((m) => ({ name: `huge-${m.op}`, bytes: m.bytes })),
  ];
}

/** mulberry32: a small seeded PRNG, enough to pick cases reproducibly (both fuzzers use it). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One place in a decoded model that holds an integer, and how to overwrite it. */
export interface Site {
  readonly label: string;
  readonly write: (value: bigint) => void;
}

/** 64-bit values as JS numbers, as the codec decodes them (2⁶³−1 rounds to 2⁶³ and wraps). */
const asNumber = (value: bigint): number => Number(value);

function tensorSites(tensor: TensorProto, where: string, sites: Site[]): void {
  const type = tensor.dataType;
  if (type !== DataType.INT64 && type !== DataType.INT32) return;
  const size = type === DataType.INT64 ? 8 : 4;
  const raw = tensor.rawData;
  if (raw && raw.length > 0 && raw.length / size <= SMALL_TENSOR) {
    for (let k = 0; k < raw.length / size; k++) {
      sites.push({
        label: `${where}[${k}]`,
        write: (value) => {
          // Decoded raw data is a view into the source bytes: copy before writing.
          const copy = Uint8Array.from(tensor.rawData ?? []);
          const view = new DataView(copy.buffer);
          if (size === 8) view.setBigInt64(k * 8, BigInt.asIntN(64, value), true);
          else view.setInt32(k * 4, Number(BigInt.asIntN(32, value)), true);
          tensor.rawData = copy;
        },
      });
    }
  }
  const ints = type === DataType.INT64 ? tensor.int64Data : tensor.int32Data;
  if (ints && ints.length <= SMALL_TENSOR) {
    ints.forEach((_, k) =>
      sites.push({
        label: `${where}.data[${k}]`,
        write: (value) => {
          ints[k] = type === DataType.INT64 ? asNumber(value) : Number(BigInt.asIntN(32, value));
        },
      }),
    );
  }
  (tensor.dims ?? []).forEach((_, k) =>
    sites.push({
      label: `${where}.dims[${k}]`,
      write: (value) => {
        if (tensor.dims) tensor.dims[k] = asNumber(value);
      },
    }),
  );
}

/** Every integer of `graph` and its sub-graphs the fuzzers may overwrite, appended to `sites`. */
export function graphSites(graph: GraphProto, sites: Site[]): void {
  for (const tensor of graph.initializer ?? [])
    tensorSites(tensor, `initializer "${tensor.name ?? ''}"`, sites);
  for (const node of graph.node ?? []) {
    for (const a of node.attribute ?? []) {
      const where = `${node.opType ?? ''} "${node.name ?? ''}" attribute ${a.name ?? ''}`;
      if (a.type === 2) sites.push({ label: where, write: (v) => void (a.i = asNumber(v)) });
      const ints = a.ints;
      if (ints && ints.length > 0)
        ints.forEach((_, k) =>
          sites.push({ label: `${where}[${k}]`, write: (v) => void (ints[k] = asNumber(v)) }),
        );
      if (a.t) tensorSites(a.t, where, sites);
      if (a.g) graphSites(a.g, sites);
    }
  }
  for (const info of [...(graph.input ?? []), ...(graph.valueInfo ?? []), ...(graph.output ?? [])]) {
    (info.type?.tensorType?.shape?.dim ?? []).forEach((dim, k) => {
      if (dim.dimValue !== undefined && dim.dimValue !== null)
        sites.push({
          label: `value "${info.name ?? ''}" dim ${k}`,
          write: (v) => void (dim.dimValue = asNumber(v)),
        });
    });
  }
}

export interface FuzzCase {
  readonly index: number;
  /** "source: site = value", enough to replay it by hand. */
  readonly label: string;
  readonly bytes: Uint8Array;
}

/** Case `index` of run `seed`: one integer of one source model set to one boundary value. */
export function fuzzCase(sources: readonly FuzzSource[], seed: number, index: number): FuzzCase {
  const random = prng(seed * 1_000_003 + index);
  const source = sources[Math.floor(random() * sources.length)] ?? sources[0];
  if (!source) throw new Error('shape fuzz: no source models');
  const proto = decodeModelProto(source.bytes);
  const sites: Site[] = [];
  if (proto.graph) graphSites(proto.graph, sites);
  const site = sites[Math.floor(random() * sites.length)];
  const value = BOUNDARY_VALUES[Math.floor(random() * BOUNDARY_VALUES.length)] ?? 0n;
  site?.write(value);
  return {
    index,
    label: `${source.name}: ${site?.label ?? '(nothing to mutate)'} = ${value}`,
    bytes: encodeModelProto(proto),
  };
}

export type FuzzOutcome =
  | { readonly kind: 'analysed' }
  | { readonly kind: 'named-error'; readonly code: string }
  | { readonly kind: 'unsafe-message'; readonly code: string; readonly message: string }
  | { readonly kind: 'other-error'; readonly message: string };

/** Analyses a case's bytes and classifies what happened (a hang or crash is seen by the driver). */
export function runFuzzCase(bytes: Uint8Array): FuzzOutcome {
  try {
    analyzeBytes(bytes);
    return { kind: 'analysed' };
  } catch (error) {
    if (isCutlineError(error)) {
      const unsafe = unsafeMessage(error.message);
      return unsafe
        ? { kind: 'unsafe-message', code: error.code, message: unsafe }
        : { kind: 'named-error', code: error.code };
    }
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { kind: 'other-error', message: message.slice(0, 300) };
  }
}
