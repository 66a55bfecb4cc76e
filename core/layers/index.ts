/** The layer view: layers, the data edges between them, and the plumbing they hide. */
export { buildLayerView } from './build.js';
export { findPlumbing, METADATA_OPS } from './plumbing.js';
export type { Layer, LayerEdge, LayerView } from './types.js';
