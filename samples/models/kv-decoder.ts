/**
 * A decoder-only transformer with a KV cache (issue 13): the graph a Llama-style model takes when
 * exported for generation with past key/values, built deterministically in code. The sample
 * `kv-decoder-mini` is one small instance; test/support/decoder-model.ts writes any size, up to
 * LLM-sized models whose weights live in a sparse external data file.
 *
 * Per block `i` (scope `/model/layers.i`): RMSNorm → Q, K, V projections → heads → K and V
 * appended to `past_key_values.i.key/value` (these are the block's `present.i.key/value`
 * outputs) → causal attention (Q·Kᵀ·√d⁻¹ + mask, Softmax, ·V) → output projection → residual →
 * RMSNorm → SwiGLU MLP (down(SiLU(gate(x)) × up(x))) → residual. Before the blocks: token and
 * learned position embeddings (positions past … past + sequence − 1, so a cached step sees the
 * positions it would have in one long pass); after them: the final RMSNorm and the LM head.
 *
 * Inputs: `input_ids` int64 [batch, sequence_length] and per block `past_key_values.i.key` and
 * `.value` float [batch, heads, past_sequence_length, head_dim]. Outputs: `logits` float
 * [batch, sequence_length, vocab] and per block `present.i.key/value`
 * [batch, heads, past_sequence_length + sequence_length, head_dim]. ai.onnx opset 17.
 *
 * Two storages: weights inline (pseudo-random values seeded by each tensor's name), or every
 * initializer external in one data file, of which only some values are real (see `RealValues`):
 * the writer leaves the rest as holes, so a model with gigabytes of weights costs neither disk
 * nor time to make.
 */
import type { TensorProto } from '../../core/onnx/codec.js';
import { attr, scalarFloat32, tensorFromInt64, valueInfo, type GraphSpec } from '../../core/onnx/builder.js';
import { DataType } from '../../core/onnx/dtype.js';
import { createRandom, seedFromText } from '../../core/onnx/random.js';
import { NetworkBuilder } from './network-builder.js';

export interface DecoderConfig {
  /** Transformer blocks. */
  readonly layers: number;
  readonly hidden: number;
  readonly heads: number;
  /** Width of the MLP (gate and up projections). */
  readonly intermediate: number;
  readonly vocab: number;
  /** Rows of the learned position table: past + sequence must stay below it. */
  readonly maxPositions: number;
}

/**
 * A config from the few sizes a user picks: heads of 64 (at least one; 4 below hidden 256), a
 * SwiGLU MLP of about 8/3 × hidden rounded up to a multiple of 64 (as Llama sizes it), 2048
 * positions.
 */
export function decoderConfig(sizes: { layers: number; hidden: number; vocab: number }): DecoderConfig {
  const { layers, hidden, vocab } = sizes;
  const heads = hidden >= 256 ? Math.max(1, Math.floor(hidden / 64)) : 4;
  const config = {
    layers,
    hidden,
    heads,
    intermediate: Math.ceil((hidden * 8) / 3 / 64) * 64,
    vocab,
    maxPositions: 2048,
  };
  checkConfig(config);
  return config;
}

function checkConfig(c: DecoderConfig): void {
  const positive = Object.entries(c).find(([, v]) => !Number.isSafeInteger(v) || v < 1);
  if (positive) throw new RangeError(`decoder ${positive[0]} must be a positive integer, not ${positive[1]}`);
  if (c.hidden % c.heads !== 0)
    throw new RangeError(`decoder hidden ${c.hidden} is not a multiple of its ${c.heads} heads`);
}

export const headDim = (c: DecoderConfig): number => c.hidden / c.heads;

/**
 * Weight elements (the initializers):
 * ```
 * token embeddings      vocab × hidden
 * position embeddings   maxPositions × hidden
 * per block             hidden (input norm) + 4 · hidden² (q, k, v, o)
 *                       + hidden (post-attention norm) + 3 · hidden · intermediate (gate, up, down)
 * final norm            hidden
 * LM head               hidden × vocab
 * ```
 */
export function decoderWeightElements(c: DecoderConfig): number {
  const block = 2 * c.hidden + 4 * c.hidden * c.hidden + 3 * c.hidden * c.intermediate;
  return c.vocab * c.hidden + c.maxPositions * c.hidden + c.layers * block + c.hidden + c.hidden * c.vocab;
}

/**
 * Float scalar constants the graph stores, which a tier holds (Cutline's paramBytes) but which
 * are not parameters (core/costs/params.ts): per RMSNorm its exponent 2 and ε, per block the
 * attention scale; the mask's two values (−10⁹ and 0) once.
 */
export function decoderScalarConstants(c: DecoderConfig): number {
  const norms = 2 * c.layers + 1;
  return 2 * norms + c.layers + 2;
}

/** Parameters as Cutline (and `sum(p.numel())`) counts them: the weight elements, no scalars. */
export const decoderParams = (c: DecoderConfig): number => decoderWeightElements(c);

/** Bytes of every stored float constant a tier holds (Cutline's paramBytes): weights and scalars. */
export const decoderParamBytes = (c: DecoderConfig): number =>
  4 * (decoderWeightElements(c) + decoderScalarConstants(c));

/** The weight bytes (float32). */
export const decoderWeightBytes = (c: DecoderConfig): number => 4 * decoderWeightElements(c);

/**
 * Which values of an external data file are written; the rest are holes, read as zeros:
 * - `first-page` (the default): each tensor's first 4 KiB, so every weight holds some real values;
 * - `gains`: only the RMSNorm gains (a few KiB each), every matrix a hole — a copier that skips
 *   all-zero chunks (even coarse ones, 8 MiB) then writes next to nothing;
 * - `all`: every value (a dense file, the same numbers as inline storage).
 */
export type RealValues = 'first-page' | 'gains' | 'all';

/** Where the weights go: inline in the model, or external in one file beside it. */
export type DecoderStorage =
  | { readonly kind: 'inline' }
  | {
      readonly kind: 'external';
      readonly location: string;
      readonly realValues?: RealValues;
    };

interface WeightSpec {
  readonly name: string;
  readonly dims: readonly number[];
  /** How its values are drawn: uniform ±bound, or uniform in [0.8, 1.2) for norm gains. */
  readonly init: { readonly bound: number } | 'gain';
}

/** A weight's place in the external data file. */
export interface ExternalWeight {
  readonly name: string;
  readonly offset: number;
  readonly bytes: number;
  /** The bytes actually written (its first values, maybe none); the rest of its range is a hole. */
  readonly written: Uint8Array;
}

export interface DecoderGraph {
  readonly graph: GraphSpec;
  /** With external storage: every weight's range, and the data file's size. */
  readonly external?: { readonly weights: readonly ExternalWeight[]; readonly fileBytes: number };
}

/** External tensors start on a page boundary, so a reader can map each one on its own. */
const PAGE = 4096;

const EXTERNAL = 1;
const RMS_EPSILON = 1e-5;
const MASKED = -1e9;

function weightValues(spec: WeightSpec, count: number): Float32Array {
  const random = createRandom(seedFromText(spec.name));
  if (spec.init === 'gain') return random.uniformFloat32(count, 0.8, 1.2);
  return random.uniformFloat32(count, -spec.init.bound, spec.init.bound);
}

/** How many of a tensor's first values an external data file holds for real. */
function writtenCount(spec: WeightSpec, count: number, real: RealValues): number {
  if (real === 'all') return count;
  if (real === 'gains') return spec.init === 'gain' ? count : 0;
  return Math.min(count, PAGE / 4);
}

function float32Bytes(values: Float32Array): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return bytes;
}

/** The decoder's graph (and, for external storage, where each weight lies in the data file). */
export function decoderGraph(config: DecoderConfig, storage: DecoderStorage): DecoderGraph {
  checkConfig(config);
  const c = config;
  const net = new NetworkBuilder('decoder');
  const externalWeights: ExternalWeight[] = [];
  let dataBytes = 0;

  const weight = (spec: WeightSpec): string => {
    const count = spec.dims.reduce((n, d) => n * d, 1);
    if (storage.kind === 'inline') {
      const raw = float32Bytes(weightValues(spec, count));
      return net.initializer({
        name: spec.name,
        dims: [...spec.dims],
        dataType: DataType.FLOAT,
        rawData: raw,
      });
    }
    const offset = Math.ceil(dataBytes / PAGE) * PAGE;
    const bytes = count * 4;
    dataBytes = offset + bytes;
    externalWeights.push({
      name: spec.name,
      offset,
      bytes,
      written: float32Bytes(
        weightValues(spec, writtenCount(spec, count, storage.realValues ?? 'first-page')),
      ),
    });
    const tensor: TensorProto = {
      name: spec.name,
      dims: [...spec.dims],
      dataType: DataType.FLOAT,
      dataLocation: EXTERNAL,
      externalData: [
        { key: 'location', value: storage.location },
        { key: 'offset', value: String(offset) },
        { key: 'length', value: String(bytes) },
      ],
    };
    return net.initializer(tensor);
  };
  // Uniform ±√(3 / fan-in) has variance 1 / fan-in: activations keep their scale through a block.
  const matrix = (name: string, rows: number, cols: number): string =>
    weight({ name, dims: [rows, cols], init: { bound: Math.sqrt(3 / rows) } });
  const scalar = (scope: string, value: number): string => net.constant(scope, scalarFloat32('', value));
  const int64s = (scope: string, values: readonly number[]): string =>
    net.constant(scope, tensorFromInt64('', [values.length], values));
  const int64 = (scope: string, value: number): string =>
    net.constant(scope, tensorFromInt64('', [], [value]));

  /** LlamaRMSNorm as torch.onnx writes it: w · x / √(mean(x²) + ε). */
  const rmsNorm = (scope: string, x: string, prefix: string): string => {
    const gain = weight({ name: `${prefix}.weight`, dims: [c.hidden], init: 'gain' });
    const squared = net.op1(scope, 'Pow', [x, scalar(scope, 2)]);
    const mean = net.op1(scope, 'ReduceMean', [squared], [attr.ints('axes', [-1]), attr.int('keepdims', 1)]);
    const root = net.op1(scope, 'Sqrt', [net.op1(scope, 'Add', [mean, scalar(scope, RMS_EPSILON)])]);
    return net.op1(scope, 'Mul', [gain, net.op1(scope, 'Div', [x, root])]);
  };
  const linear = (scope: string, x: string, prefix: string, inF: number, outF: number): string =>
    net.op1(scope, 'MatMul', [x, matrix(`${prefix}.weight`, inF, outF)]);

  // Positions past … past + sequence − 1, from the runtime shapes of the ids and the cache.
  const top = '/model';
  const pastLength = net.op1(
    top,
    'Gather',
    [net.op1(top, 'Shape', ['past_key_values.0.key']), int64(top, 2)],
    [attr.int('axis', 0)],
  );
  const sequenceLength = net.op1(
    top,
    'Gather',
    [net.op1(top, 'Shape', ['input_ids']), int64(top, 1)],
    [attr.int('axis', 0)],
  );
  const totalLength = net.op1(top, 'Add', [pastLength, sequenceLength]);
  const positions = net.op1(top, 'Range', [pastLength, totalLength, int64(top, 1)]);
  const tokens = net.op1('/model/embed_tokens', 'Gather', [
    weight({ name: 'model.embed_tokens.weight', dims: [c.vocab, c.hidden], init: { bound: 1 } }),
    'input_ids',
  ]);
  const placed = net.op1('/model/embed_positions', 'Gather', [
    weight({ name: 'model.embed_positions.weight', dims: [c.maxPositions, c.hidden], init: { bound: 0.1 } }),
    positions,
  ]);
  let x = net.op1(top, 'Add', [tokens, placed]);

  // The causal mask, [sequence, past + sequence]: query at position p sees keys 0 … p.
  const maskScope = '/model/causal_mask';
  const keyPositions = net.op1(maskScope, 'Range', [int64(maskScope, 0), totalLength, int64(maskScope, 1)]);
  const queryColumn = net.op1(maskScope, 'Unsqueeze', [positions, int64s(maskScope, [1])]);
  const future = net.op1(maskScope, 'Greater', [keyPositions, queryColumn]);
  const mask = net.op1(maskScope, 'Where', [future, scalar(maskScope, MASKED), scalar(maskScope, 0)]);

  const d = headDim(c);
  for (let i = 0; i < c.layers; i++) {
    const scope = `/model/layers.${i}`;
    const prefix = `model.layers.${i}`;
    const attn = `${scope}/self_attn`;
    const normed = rmsNorm(`${scope}/input_layernorm`, x, `${prefix}.input_layernorm`);
    const splitHeads = int64s(attn, [0, 0, c.heads, d]);
    const heads = (name: string): string => {
      const projected = linear(`${attn}/${name}`, normed, `${prefix}.self_attn.${name}`, c.hidden, c.hidden);
      const split = net.op1(attn, 'Reshape', [projected, splitHeads]);
      return net.op1(attn, 'Transpose', [split], [attr.ints('perm', [0, 2, 1, 3])]); // [b, h, s, d]
    };
    const query = heads('q_proj');
    const key = net.op1(
      attn,
      'Concat',
      [`past_key_values.${i}.key`, heads('k_proj')],
      [attr.int('axis', 2)],
      `present.${i}.key`,
    );
    const value = net.op1(
      attn,
      'Concat',
      [`past_key_values.${i}.value`, heads('v_proj')],
      [attr.int('axis', 2)],
      `present.${i}.value`,
    );
    const keyT = net.op1(attn, 'Transpose', [key], [attr.ints('perm', [0, 1, 3, 2])]);
    const scores = net.op1(attn, 'Mul', [
      net.op1(attn, 'MatMul', [query, keyT]),
      scalar(attn, 1 / Math.sqrt(d)),
    ]);
    const probs = net.op1(attn, 'Softmax', [net.op1(attn, 'Add', [scores, mask])], [attr.int('axis', -1)]);
    const context = net.op1(
      attn,
      'Transpose',
      [net.op1(attn, 'MatMul', [probs, value])],
      [attr.ints('perm', [0, 2, 1, 3])],
    );
    const merged = net.op1(attn, 'Reshape', [context, int64s(attn, [0, 0, c.hidden])]);
    x = net.op1(scope, 'Add', [
      x,
      linear(`${attn}/o_proj`, merged, `${prefix}.self_attn.o_proj`, c.hidden, c.hidden),
    ]);

    const mlp = `${scope}/mlp`;
    const normed2 = rmsNorm(`${scope}/post_attention_layernorm`, x, `${prefix}.post_attention_layernorm`);
    const gate = linear(`${mlp}/gate_proj`, normed2, `${prefix}.mlp.gate_proj`, c.hidden, c.intermediate);
    const silu = net.op1(`${mlp}/act_fn`, 'Mul', [gate, net.op1(`${mlp}/act_fn`, 'Sigmoid', [gate])]);
    const up = linear(`${mlp}/up_proj`, normed2, `${prefix}.mlp.up_proj`, c.hidden, c.intermediate);
    const product = net.op1(mlp, 'Mul', [silu, up]);
    x = net.op1(scope, 'Add', [
      x,
      linear(`${mlp}/down_proj`, product, `${prefix}.mlp.down_proj`, c.intermediate, c.hidden),
    ]);
  }
  x = rmsNorm('/model/norm', x, 'model.norm');
  net.op1('/lm_head', 'MatMul', [x, matrix('lm_head.weight', c.hidden, c.vocab)], [], 'logits');

  const cache = (kind: 'past_key_values' | 'present', i: number, part: 'key' | 'value') =>
    valueInfo(`${kind}.${i}.${part}`, DataType.FLOAT, [
      'batch',
      c.heads,
      kind === 'past_key_values' ? 'past_sequence_length' : 'total_sequence_length',
      d,
    ]);
  const blocks = Array.from({ length: c.layers }, (_, i) => i);
  const spec: GraphSpec = {
    name: 'decoder_with_past',
    nodes: net.nodes,
    initializers: net.initializers,
    inputs: [
      valueInfo('input_ids', DataType.INT64, ['batch', 'sequence_length']),
      ...blocks.flatMap((i) => [cache('past_key_values', i, 'key'), cache('past_key_values', i, 'value')]),
    ],
    outputs: [
      valueInfo('logits', DataType.FLOAT, ['batch', 'sequence_length', c.vocab]),
      ...blocks.flatMap((i) => [cache('present', i, 'key'), cache('present', i, 'value')]),
    ],
  };
  return storage.kind === 'inline'
    ? { graph: spec }
    : { graph: spec, external: { weights: externalWeights, fileBytes: dataBytes } };
}
