import { decoderGraph, type DecoderConfig } from './kv-decoder.js';
import { sampleModelProto, type DimBindings, type SampleModel } from './sample.js';

const MINI: DecoderConfig = {
  layers: 2,
  hidden: 64,
  heads: 4,
  intermediate: 192,
  vocab: 1000,
  maxPositions: 128,
};

/**
 * A Llama-style decoder with a KV cache: 2 blocks, hidden 64 (4 heads of 16), SwiGLU MLP 192,
 * vocabulary 1000, 128 learned positions: the graph of `decoderGraph` (kv-decoder.ts).
 *
 * Hand count of parameters (elements of float tensors of rank ≥ 1):
 * ```
 * token embeddings      1000 × 64                          64,000
 * position embeddings   128 × 64                            8,192
 * per block:
 *   two RMSNorm gains   2 × 64                                128
 *   q, k, v, o          4 × 64 × 64                        16,384
 *   gate, up, down      3 × 64 × 192                       36,864
 *   block total                                            53,376
 * 2 blocks                                                106,752
 * final RMSNorm gain    64                                     64
 * LM head               64 × 1000                          64,000
 * total                                                   243,008
 * ```
 * Hand count of MACs for B sequences of S new tokens after P cached ones (T = P + S):
 * ```
 * per block, per token:  q, k, v, o 4 × 64² = 16,384; gate, up, down 3 × 64 × 192 = 36,864
 * LM head, per token:    64 × 1000 = 64,000              → (2 × 53,248 + 64,000) × B × S
 * per block, attention:  Q·Kᵀ and A·V, S × T × 64 each   → 128 × B × S × T
 * total:                 MACs = B × (170,496 × S + 256 × S × T)
 * ```
 */
export const kvDecoderMini: SampleModel = {
  name: 'kv-decoder-mini',
  description:
    'LLM decoder with a KV cache: Llama-style, 2 blocks, hidden 64, 4 heads, SwiGLU 192, vocabulary 1000; input_ids and past_key_values → logits and present',
  params: 243_008,
  macs: (dims: DimBindings) => {
    const batch = dims['batch'] ?? 1;
    const sequence = dims['sequence_length'] ?? 1;
    const total = (dims['past_sequence_length'] ?? 1) + sequence;
    return batch * (170_496 * sequence + 256 * sequence * total);
  },
  build() {
    return sampleModelProto(kvDecoderMini.description, decoderGraph(MINI, { kind: 'inline' }).graph);
  },
};
