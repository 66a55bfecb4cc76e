/**
 * Shift+drag on the canvas draws React Flow's selection box; on release, the layers and blocks
 * wholly inside it become the selection. React Flow keeps the box only while it is drawn (and the
 * canvas does not hand it node selection to keep), so the box's last extent is followed here.
 */
import { useStoreApi } from '@xyflow/react';
import { useCallback, useEffect, useRef } from 'react';
import { selectCurrentGraph } from '../../store/selectors.js';
import { useStudio } from '../../store/store.js';
import { nodesInRect, type FlowRect } from './selection.js';

export function useBoxSelection(): { onSelectionEnd: () => void } {
  const flowStore = useStoreApi();
  const lastBox = useRef<FlowRect | null>(null);

  useEffect(
    () =>
      flowStore.subscribe((state) => {
        const rect = state.userSelectionRect;
        if (!rect || !state.userSelectionActive) return;
        // The box is in pixels of the canvas; the nodes are in flow coordinates.
        const [tx, ty, zoom] = state.transform;
        lastBox.current = {
          x: (rect.x - tx) / zoom,
          y: (rect.y - ty) / zoom,
          width: rect.width / zoom,
          height: rect.height / zoom,
        };
      }),
    [flowStore],
  );

  const onSelectionEnd = useCallback(() => {
    const box = lastBox.current;
    lastBox.current = null;
    const state = useStudio.getState();
    const graph = selectCurrentGraph(state);
    if (box && graph) state.selectMany(nodesInRect(graph.nodes, box));
  }, []);

  return { onSelectionEnd };
}
