/** The swimlane layered layout the studio's layout worker runs (pure TypeScript, no Node imports). */
export { layoutGraph } from './layout.js';
export type {
  GraphLayout,
  LaneBand,
  LayoutEdge,
  LayoutInput,
  LayoutNode,
  LayoutOptions,
  PlacedNode,
  Point,
  RoutedEdge,
} from './types.js';
