/** Blocks of layers (name scopes, control-flow sub-graphs, sections), their roll-ups, and initial expansion. */
export { buildHierarchy, MAX_BLOCK_CHILDREN } from './build.js';
export type { Hierarchy, HierarchyLayer, HierarchyOptions } from './build.js';
export { initialExpansion, visibleItemCount, READABLE_ITEM_BUDGET } from './expansion.js';
export type { ExpandableTree } from './expansion.js';
export {
  layerScopes,
  parsePythonStringList,
  scopesFromName,
  scopesFromTorchMetadata,
  TORCH_NAME_SCOPES_KEY,
} from './scopes.js';
export type { ScopeStep } from './scopes.js';
