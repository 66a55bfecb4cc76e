/**
 * Dragging layers and collapsed blocks between lanes, on React Flow's own node drag (XYDrag:
 * threshold, no panning, the callbacks below; nothing is committed until the drop). React Flow's
 * `nodes` stay as laid out during the drag: a ghost of the dragged nodes follows the pointer
 * (DragGhost.tsx) and the real ones are dimmed. While the pointer moves, the
 * lane under it decides the preview (`setPreview`: the figures show it, the history and the
 * layout do not); the drop commits one `moveLayers` step and the relayout that follows puts the
 * nodes in their new lanes. Escape, or a drop back in the lane the drag started in, leaves the
 * design as it was.
 */
import { useReactFlow, type OnNodeDrag, type XYPosition } from '@xyflow/react';
import { useCallback, useEffect, useRef } from 'react';
import type { TierName } from '../../../../core/profiles/types.js';
import { reportRefusals } from '../../actions/place-selection.js';
import { selectCurrentGraph } from '../../store/selectors.js';
import { useStudio } from '../../store/store.js';
import type { StudioFlowNode } from '../flow-elements.js';
import { draggedNodes, movableNodes } from './drag-set.js';
import { startLanePreviews, type LanePreviews } from './lane-previews.js';
import { hideGhost, moveGhost, showGhost, type GhostBox } from './drag-ghost-store.js';
import { laneAt } from './lanes.js';

interface DragSession {
  readonly nodes: readonly string[];
  /** The dragged nodes drawn following the pointer: all but pinned layers, which stay put. */
  readonly following: ReadonlySet<string>;
  /** The lane the grabbed node started in: dropping there moves nothing. */
  readonly fromTier: TierName;
  /** Pointer at the start, flow coordinates. */
  readonly start: XYPosition;
  /** The lane under the pointer now. */
  target: TierName;
  cancelled: boolean;
  /** Each other lane's preview, worked out ahead in idle time. */
  readonly previews: LanePreviews;
}

const clientPoint = (event: MouseEvent | TouchEvent): { x: number; y: number } => {
  const point = 'touches' in event ? (event.touches[0] ?? event.changedTouches[0]) : event;
  return { x: point?.clientX ?? 0, y: point?.clientY ?? 0 };
};

/** The lane under a point, as a tier; the grabbed node's own lane when there are no lanes. */
function tierAt(x: number, fallback: TierName): TierName {
  const graph = selectCurrentGraph(useStudio.getState());
  return (graph ? laneAt(graph.lanes, x)?.tier : undefined) ?? fallback;
}

/** Sets the preview for the dragged nodes over `tier`'s lane (none over their own lane). */
function preview(session: DragSession): void {
  const { design, setPreview } = useStudio.getState();
  const placement =
    session.target === session.fromTier ? null : session.previews.placementFor(session.target);
  setPreview(!design || placement === null || placement === design.placement ? null : placement);
}

/** Where the layout put the nodes that follow the pointer, for the drag's ghost. */
function ghostBoxes(following: ReadonlySet<string>): GhostBox[] {
  const graph = selectCurrentGraph(useStudio.getState());
  return graph ? graph.nodes.filter((node) => following.has(node.id)) : [];
}

export function useNodeDrag(): {
  onNodeDragStart: OnNodeDrag<StudioFlowNode>;
  onNodeDrag: OnNodeDrag<StudioFlowNode>;
  onNodeDragStop: OnNodeDrag<StudioFlowNode>;
} {
  const flow = useReactFlow<StudioFlowNode>();
  const session = useRef<DragSession | null>(null);
  // Where the button went down: React Flow starts a drag only past its threshold, by when a fast
  // hand is tens of pixels further, and a ghost offset from there would trail the pointer.
  const pressedAt = useRef<{ x: number; y: number } | null>(null);
  useEffect(() => {
    const onPointerDown = (event: PointerEvent): void => {
      pressedAt.current = { x: event.clientX, y: event.clientY };
    };
    window.addEventListener('pointerdown', onPointerDown, { capture: true });
    return () => window.removeEventListener('pointerdown', onPointerDown, { capture: true });
  }, []);

  const cancel = useCallback(() => {
    if (!session.current) return;
    session.current.cancelled = true;
    session.current.previews.stop();
    useStudio.getState().setPreview(null);
    hideGhost();
  }, []);

  // Escape cancels a drag in progress before the window's keyboard sees it (it would clear the
  // selection as well).
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.key !== 'Escape' || !session.current || session.current.cancelled) return;
      event.stopPropagation();
      event.preventDefault();
      cancel();
    };
    window.addEventListener('keydown', onKeyDown, { capture: true });
    return () => window.removeEventListener('keydown', onKeyDown, { capture: true });
  }, [cancel]);

  const onNodeDragStart = useCallback<OnNodeDrag<StudioFlowNode>>(
    (event, node) => {
      if (node.type === 'lane') return;
      const start = flow.screenToFlowPosition(pressedAt.current ?? clientPoint(event));
      const { selection, design } = useStudio.getState();
      const nodes = draggedNodes(node.id, selection);
      const following = movableNodes(nodes, design?.pins ?? []);
      showGhost(ghostBoxes(following));
      session.current = {
        nodes,
        following,
        fromTier: node.data.tier,
        start,
        target: node.data.tier,
        cancelled: false,
        previews: startLanePreviews(nodes, node.data.tier),
      };
    },
    [flow],
  );

  const onNodeDrag = useCallback<OnNodeDrag<StudioFlowNode>>(
    (event) => {
      const current = session.current;
      if (!current || current.cancelled) return;
      const at = flow.screenToFlowPosition(clientPoint(event));
      moveGhost(at.x - current.start.x, at.y - current.start.y);
      const target = tierAt(at.x, current.fromTier);
      if (target !== current.target) {
        current.target = target;
        preview(current);
      }
    },
    [flow],
  );

  const onNodeDragStop = useCallback<OnNodeDrag<StudioFlowNode>>(
    (event) => {
      const current = session.current;
      session.current = null;
      current?.previews.stop();
      hideGhost();
      if (!current || current.cancelled) return;
      const at = flow.screenToFlowPosition(clientPoint(event));
      const target = tierAt(at.x, current.fromTier);
      const state = useStudio.getState();
      if (target === current.fromTier) {
        state.setPreview(null);
        return;
      }
      // One undoable step (none if nothing moved); the preview goes either way.
      const outcome = state.moveLayers(current.nodes, target);
      state.setPreview(null);
      reportRefusals(outcome);
    },
    [flow],
  );

  return { onNodeDragStart, onNodeDrag, onNodeDragStop };
}
