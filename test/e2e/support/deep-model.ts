/**
 * A 1,004-layer model for the "big models stay usable" checks, built in the test rather than
 * shipped: stem conv, 4 stages × 50 residual blocks of 5 layers
 * (`Relu(x + Conv1×1(Relu(Conv3×3(x))))`), then pool, flatten and a dense head. Exporter-style
 * scopes (`/stage2/block17/conv1/Conv`) give the studio a two-level hierarchy to collapse.
 */
import { residualChainBytes } from '../../support/residual-chain-model.js';

export const STAGES = 4;
export const BLOCKS_PER_STAGE = 50;
export const DEEP_LAYER_COUNT = 1 + STAGES * BLOCKS_PER_STAGE * 5 + 3;

export function deepModelBytes(): Uint8Array {
  return residualChainBytes({
    seedName: 'e2e-deep1k',
    graphName: 'deep1k',
    producerName: 'cutline-e2e',
    blockScopes: Array.from({ length: STAGES * BLOCKS_PER_STAGE }, (_, i) => {
      const s = Math.floor(i / BLOCKS_PER_STAGE);
      return `/stage${s}/block${i % BLOCKS_PER_STAGE}`;
    }),
  });
}
