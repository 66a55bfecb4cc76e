/** Static per-node costs (MACs, FLOPs, parameters, activation bytes) and model totals. */
export { nodeCost, nodeCostInScope, graphCosts } from './node-cost.js';
export { modelCostTotals } from './totals.js';
export { TRANSCENDENTAL_FLOPS } from './ops/elementwise.js';
export { SOFTMAX_FLOPS_PER_ELEMENT } from './ops/normalization.js';
export type { CostExactness, CostTotals, NodeCost, ParamTensor } from './types.js';
export { findDataDependence, type DataDependence } from './data-dependent.js';
