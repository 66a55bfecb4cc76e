import { Background, Controls, ReactFlow, type NodeMouseHandler } from '@xyflow/react';
import { memo, useMemo } from 'react';
import { selectCurrentGraph } from '../store/selectors.js';
import { useStudio, type Store } from '../store/store.js';
import { BlockNode } from './BlockNode.js';
import { CutLines } from './CutLines.js';
import { useBoxSelection } from './drag/use-box-selection.js';
import { DragGhost } from './drag/DragGhost.js';
import { useNodeDrag } from './drag/use-node-drag.js';
import { EmptyCanvas } from './EmptyCanvas.js';
import { toFlowElements, type StudioFlowNode } from './flow-elements.js';
import { LaneBackground } from './LaneBackground.js';
import { LayerNode } from './LayerNode.js';
import { TensorEdge } from './TensorEdge.js';
import { LaneHeader } from './LaneHeader.js';
import { OverviewMap } from './overview/OverviewMap.js';
import { useViewportFollow } from './use-viewport-follow.js';

const nodeTypes = { layer: LayerNode, block: BlockNode, lane: LaneBackground };
const edgeTypes = { tensor: TensorEdge };
const ZOOM_KEYS = ['Control', 'Meta'];
const PRO_OPTIONS = { hideAttribution: true };

const selectHasModel = (s: Store): boolean => s.opened !== null;

const onNodeClick: NodeMouseHandler<StudioFlowNode> = (event, node) => {
  if (node.type === 'lane') return;
  // Shift+click (Ctrl/Cmd+click too) adds the node to the selection or takes it out.
  if (event.shiftKey || event.ctrlKey || event.metaKey) useStudio.getState().toggleInSelection(node.id);
  else useStudio.getState().select(node.id);
};
const onNodeDoubleClick: NodeMouseHandler<StudioFlowNode> = (_event, node) => {
  if (node.type === 'block') useStudio.getState().toggleBlock(node.id);
};
const onPaneClick = (): void => useStudio.getState().select(null);

/** The layer graph: swimlanes, layers, collapsed blocks and tensor edges, with minimap and controls. */
export const GraphCanvas = memo(function GraphCanvas() {
  const graph = useStudio(selectCurrentGraph);
  const hasModel = useStudio(selectHasModel);
  const elements = useMemo(() => (graph ? toFlowElements(graph) : { nodes: [], edges: [] }), [graph]);
  // A drag never changes `nodes` (a new 5,000-node array a frame was the drag's main cost):
  // DragGhost draws the dragged nodes under the pointer.
  const { onNodeDragStart, onNodeDrag, onNodeDragStop } = useNodeDrag();
  const { onSelectionEnd } = useBoxSelection();
  useViewportFollow();
  if (!hasModel) return <EmptyCanvas />;
  return (
    <div className="canvas" role="region" aria-label="Layer graph">
      <ReactFlow<StudioFlowNode>
        nodes={elements.nodes}
        edges={elements.edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onlyRenderVisibleElements
        // Dragging a node moves it into another lane (never pans); the empty pane pans.
        nodesDraggable
        selectNodesOnDrag={false}
        nodeDragThreshold={4}
        onNodeDragStart={onNodeDragStart}
        onNodeDrag={onNodeDrag}
        onNodeDragStop={onNodeDragStop}
        nodesConnectable={false}
        // Selectable only for Shift+drag's selection box: the selection itself lives in the store.
        elementsSelectable
        onSelectionEnd={onSelectionEnd}
        deleteKeyCode={null}
        onNodeClick={onNodeClick}
        onNodeDoubleClick={onNodeDoubleClick}
        onPaneClick={onPaneClick}
        zoomOnDoubleClick={false}
        // The graph flows down: the wheel scrolls along it (as in a document, and as Netron
        // does), Ctrl+wheel or a pinch zooms.
        panOnScroll
        zoomActivationKeyCode={ZOOM_KEYS}
        minZoom={0.02}
        maxZoom={2.5}
        proOptions={PRO_OPTIONS}
      >
        <Background gap={24} size={1} />
        {/* Not React Flow's <MiniMap>: one store subscription per node made every pan frame run
            thousands of selectors at 5,000 nodes. */}
        <OverviewMap />
        {/* Fit is the toolbar's (and F's): lanes fitted to the width, from the model's start. */}
        <Controls showInteractive={false} showFitView={false} />
        <LaneHeader />
        <CutLines />
        <DragGhost />
      </ReactFlow>
    </div>
  );
});
