/**
 * The nodes a layer drag carries, as the canvas draws them under the pointer (DragGhost.tsx).
 * Kept apart from React Flow's `nodes`: handing React Flow a moved copy of a 5,000-node array
 * on every pointer move made it re-walk every node and re-run every node's selectors (~3–4 ms a
 * frame). The boxes are set once when the drag starts; a move only changes the offset.
 */
import { create } from 'zustand';

export interface GhostBox {
  readonly id: string;
  readonly kind: 'layer' | 'block';
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

interface GhostState {
  /** The dragged nodes that follow the pointer, where the layout put them; empty when no drag. */
  readonly boxes: readonly GhostBox[];
  /** How far the pointer has moved since the drag started, in flow units. */
  readonly dx: number;
  readonly dy: number;
}

export const useDragGhost = create<GhostState>()(() => ({ boxes: [], dx: 0, dy: 0 }));

export const showGhost = (boxes: readonly GhostBox[]): void => useDragGhost.setState({ boxes, dx: 0, dy: 0 });
export const moveGhost = (dx: number, dy: number): void => useDragGhost.setState({ dx, dy });
export const hideGhost = (): void => {
  if (useDragGhost.getState().boxes.length > 0) useDragGhost.setState({ boxes: [], dx: 0, dy: 0 });
};
