/**
 * Moves the viewport when the store asks: show a newly opened model once its first layout
 * arrives (whole if legible, else its start, lanes fitted to the width), again when its lanes
 * change, and pan to a node a search or a shortcut revealed once it is laid out. Also tells
 * viewport.ts the pane's size, so Fit from the toolbar, a shortcut or a host command computes
 * the same view.
 */
import { useReactFlow, useStoreApi } from '@xyflow/react';
import { useEffect, useRef } from 'react';
import { selectCurrentLayout } from '../store/selectors.js';
import { useStudio, type Store } from '../store/store.js';
import { centreNode, fitGraph, keepNodeInView, setPaneSizeSource } from './viewport.js';

export { MINIMAP_STYLE } from './viewport.js';

const selectFocus = (s: Store) => s.focusRequest;

export function useViewportFollow(): void {
  const flow = useReactFlow();
  const flowStore = useStoreApi();
  const layout = useStudio(selectCurrentLayout);
  const focus = useStudio(selectFocus);
  const fittedModel = useRef<string | null>(null);

  useEffect(() => {
    setPaneSizeSource(() => {
      const { width, height } = flowStore.getState();
      return { width, height };
    });
  }, [flowStore]);

  useEffect(() => {
    // A new model, or new lanes (a topology with other tiers: the lanes' width changed), gets
    // the first view again.
    const key = `${layout?.inputs.modelKey}|${layout?.inputs.tiers.join(',')}`;
    if (!layout || fittedModel.current === key) return;
    fittedModel.current = key;
    // A pending focus (search before the first layout) wins over the first view.
    if (!useStudio.getState().focusRequest) fitGraph(flow, layout.graph);
  }, [flow, flowStore, layout]);

  useEffect(() => {
    if (!focus || !layout || useStudio.getState().layoutJob) return;
    const node = layout.graph.nodes.find((n) => n.id === focus.id);
    if (!node) return;
    if (focus.mode === 'centre') centreNode(flow, node);
    else {
      const { width, height } = flowStore.getState();
      keepNodeInView(flow, node, { width, height });
    }
    useStudio.getState().focusDone(focus.nonce);
  }, [flow, flowStore, layout, focus]);
}
