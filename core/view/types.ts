/**
 * The studio's serializable view of an analysed model: what the host sends the renderer. Plain
 * JSON (no Maps, no typed arrays), so it crosses IPC and HTTP unchanged. Layers are identified
 * by their node name, which is unique within the graph and stable across opens of one file; a
 * layer of a control-flow node's sub-graph by `<parent layer id>/<attribute>/<node name>`.
 */
import type { Shape } from '../graph/types.js';
import { TIER_NAMES, type TierName } from '../tiers.js';

/** The view's name for a tier: the one vocabulary of core/tiers.ts. */
export type Tier = TierName;
export const TIERS: readonly Tier[] = TIER_NAMES;

export interface TensorSummaryView {
  readonly name: string;
  readonly dtype: string;
  readonly shape: Shape | null;
  readonly bytes: number;
}

/** Per-layer figures; every metric the graph can be coloured by is a number here. */
export interface LayerCostView {
  readonly macs: number;
  readonly flops: number;
  readonly params: number;
  readonly paramBytes: number;
  readonly inputBytes: number;
  readonly outputBytes: number;
}

export interface LayerView {
  /**
   * The node name: unique, stable. For a layer of a sub-graph (see `within`),
   * `<parent layer id>/<attribute>/<node name>`, e.g. `Loop_0/body/Add_3`.
   */
  readonly id: string;
  readonly op: string;
  readonly domain: string;
  readonly inputs: readonly TensorSummaryView[];
  readonly outputs: readonly TensorSummaryView[];
  readonly attributes: readonly { readonly name: string; readonly value: string }[];
  readonly cost: LayerCostView;
  readonly exact: { readonly compute: boolean; readonly params: boolean; readonly activations: boolean };
  /** Plumbing nodes folded into this layer. */
  readonly hiddenNodes: number;
  /** Innermost block containing the layer (see `blocks`); null at top level. */
  readonly block: string | null;
  /** Position in the topological order of layers. */
  readonly order: number;
  /**
   * Set on the layers of a control-flow node's sub-graphs (If's `then_branch`/`else_branch`,
   * Loop's and Scan's `body`): the id of the If/Loop/Scan layer whose sub-graph holds this layer.
   * Such layers are view-only: they show what the node runs, with shapes and costs for one run of
   * the sub-graph, but the control-flow layer is the unit of placement (a body cannot run on
   * another tier than its node), and its cost already includes its bodies'. They follow their
   * parent layer in `layers`, depth first. Absent on every layer of the main graph.
   */
  readonly within?: string;
  /**
   * On an If layer whose condition is known exactly (a constant, or folded from an input value
   * such as `sr = 16000`): the branch that runs, the one its cost is. The other branch's layers
   * are drawn but never run. Absent on other layers and on an If whose branch depends on data.
   */
  readonly branchTaken?: 'then_branch' | 'else_branch';
}

/**
 * A tensor flowing between layers. Inside a sub-graph, only edges between the sub-graph's own
 * layers are listed: what enters from the body's inputs or from enclosing graphs reaches the
 * body through its control-flow layer, whose input edges already carry it.
 */
export interface EdgeView {
  /**
   * Unique: the tensor name, or `<tensor>#shape` for the shape-only edge of a tensor that also
   * flows as data; inside a sub-graph, prefixed with `<parent layer id>/<attribute>/` (tensor
   * names of different graphs may clash).
   */
  readonly id: string;
  /** The tensor the edge carries. */
  readonly tensor: string;
  readonly kind: 'data' | 'shape';
  /** Producing layer id; null for a graph input. */
  readonly from: string | null;
  readonly to: readonly string[];
  readonly bytes: number;
  readonly exact: boolean;
  readonly isGraphOutput: boolean;
}

/**
 * A group of layers from the exporter's name scopes (`/layer1/layer1.0/conv1/Conv` sits in
 * blocks `/layer1` and `/layer1/layer1.0`) or from a control-flow node's sub-graphs, or a
 * section of a block too large to read at once.
 */
export interface BlockView {
  readonly id: string;
  /** Display name: the last scope component (`layer1.0`) or `section 2 of 5`. */
  readonly name: string;
  readonly kind: 'scope' | 'subgraph' | 'section';
  readonly parent: string | null;
  /** Child block ids, in order of their first layer. */
  readonly blocks: readonly string[];
  /** Layers directly in this block (not in a child block), in order. */
  readonly layers: readonly string[];
  /**
   * Sums over the block's top-level layers, at any depth: every layer inside except those within
   * (see `LayerView.within`) a control-flow layer that is itself inside the block, whose cost
   * already includes its sub-graphs'. So a scope block holding a Loop counts the Loop once, and
   * the Loop's `body` block sums one run of the body.
   */
  readonly cost: LayerCostView;
  /** Every layer inside, at any depth, view-only ones included: what expanding the block shows. */
  readonly layerCount: number;
}

export interface ModelSummaryView {
  readonly name: string;
  readonly fileBytes: number;
  readonly irVersion: number;
  readonly opset: number;
  readonly producer: string;
  readonly graphName: string;
  /** Graph inputs with the shapes the analysis used (bound ones where inputs were bound). */
  readonly inputs: readonly TensorSummaryView[];
  /**
   * Each graph input's shape as the file declares it, before any binding: which dimensions are
   * symbolic (and under which names), so a model opened already bound still offers them.
   */
  readonly declaredInputShapes: Readonly<Record<string, Shape | null>>;
  readonly outputs: readonly TensorSummaryView[];
  readonly nodeCount: number;
  /** Layers of the main graph: `layers` less the view-only sub-graph layers. */
  readonly layerCount: number;
  readonly totals: LayerCostView & { readonly exact: boolean };
  readonly unknownOperators: readonly string[];
  readonly shapeErrors: readonly { readonly node: string; readonly message: string }[];
  /** If nodes whose condition depends on data: costed on their larger branch (approximate). */
  readonly undecidedBranches?: readonly string[];
}

export interface ModelView {
  readonly summary: ModelSummaryView;
  /** In topological order. */
  readonly layers: readonly LayerView[];
  readonly edges: readonly EdgeView[];
  /** Every block; top-level ones have parent null. */
  readonly blocks: readonly BlockView[];
  /** Top-level block ids and layer ids, in order. */
  readonly roots: { readonly blocks: readonly string[]; readonly layers: readonly string[] };
}
