/**
 * A model whose outputs are large: a stem convolution, `blocks` residual blocks
 * (`Relu(x + Conv1×1(Relu(Conv3×3(x))))`, which grow the activations block after block) and a
 * dense head. At 30 blocks (154 layers) its logits reach about 3e4, so fp32 rounding alone makes a
 * split differ from the whole model by more than 1e-4: the shape of the 1,004-layer "deep1k"
 * model (outputs near 1e29), small enough for a test. Deterministic (weights seeded by the name).
 */
import { residualChainBytes } from './residual-chain-model.js';

export function bigOutputModelBytes(blocks: number): Uint8Array {
  return residualChainBytes({
    seedName: 'big-outputs',
    graphName: 'big-outputs',
    producerName: 'cutline-test',
    blockScopes: Array.from({ length: blocks }, (_, b) => `/block${b}`),
  });
}
