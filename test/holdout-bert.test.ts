/**
 * The prediction bench's held-out BERT-like is the transformer-encoder sample's generator at other
 * sizes (samples/models/transformer-encoder.ts `encoderGraph`). The bench compares its figures with
 * earlier runs, so the model must stay the one those runs measured: its bytes are pinned here, and
 * onnxruntime runs it at the bound sequence length.
 */
import { createHash } from 'node:crypto';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModelProto } from '../core/onnx/codec.js';
import { BERT_SEQUENCE, bertLike } from '../bench/holdout/bert.js';

/** SHA-256 of bert-like-s128.onnx as the bench generated it before the generator was shared. */
const MEASURED_SHA256 = 'f9022e02c3df4d70ec398ec3a6d3df38b36901c1139739d8578585aabd1b137a';

describe('held-out BERT-like from the sample encoder generator', () => {
  const proto = bertLike.build();
  const bytes = encodeModelProto(proto);

  it('is byte for byte the model earlier bench runs measured', () => {
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(MEASURED_SHA256);
  });

  it('has its sizes and both layer-norm forms, and runs at 1 × 128 tokens', async () => {
    const ops = (type: string): number => proto.graph!.node!.filter((n) => n.opType === type).length;
    // Embeddings and layers 0–1 fused (1 + 2 × 2), layers 2–3 decomposed (2 × 2 norms, 2 means each).
    expect(ops('LayerNormalization')).toBe(5);
    expect(ops('ReduceMean')).toBe(8);
    const initializers = new Map(proto.graph!.initializer!.map((t) => [t.name, t.dims!.map(Number)]));
    expect(initializers.get('embeddings.word_embeddings.weight')).toEqual([4096, 256]);
    expect(initializers.get('embeddings.position_embeddings.weight')).toEqual([512, 256]);
    expect(initializers.get('encoder.layer.3.intermediate.dense.weight')).toBeDefined();

    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
    try {
      const ids = BigInt64Array.from({ length: BERT_SEQUENCE }, (_, i) => BigInt((i * 37) % 4096));
      const out = await session.run({ input_ids: new ort.Tensor('int64', ids, [1, BERT_SEQUENCE]) });
      const hidden = out['last_hidden_state']!;
      expect(hidden.dims).toEqual([1, BERT_SEQUENCE, 256]);
      // Two normalisation forms, Erf and Softmax over 128 tokens: nothing overflowed to NaN or ∞.
      expect((hidden.data as Float32Array).every(Number.isFinite)).toBe(true);
    } finally {
      await session.release();
    }
  });
});
