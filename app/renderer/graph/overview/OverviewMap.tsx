/**
 * The canvas's minimap, drawn cheaply. React Flow's <MiniMap> gives every node its own store
 * subscription: at 5,000 nodes a pan or drag frame ran ~5,000 selectors for a picture that had
 * not changed. Here the laid-out graph is painted once per layout (and theme) onto a <canvas>,
 * lanes as bands and nodes as rects tinted by tier; a pan moves only the viewport rectangle, set
 * straight on its element from React Flow's store without a React render. A click or drag on
 * the map centres the canvas there.
 */
import { Panel, useReactFlow, useStoreApi, type ReactFlowState } from '@xyflow/react';
import { memo, useCallback, useEffect, useRef, useState, type PointerEvent } from 'react';
import type { Tier } from '../../../../core/view/types.js';
import type { LaidOutGraph } from '../../layout/layout-types.js';
import { selectCurrentGraph } from '../../store/selectors.js';
import { useStudio } from '../../store/store.js';
import { MINIMAP_STYLE } from '../viewport.js';
import { fromMap, graphBounds, mapFrame, toMap, visibleRect, type MapFrame } from './overview-geometry.js';
import './overview-map.css';

const TIER_COLOURS: Record<Tier, { lane: string; node: string }> = {
  device: { lane: '--lane-device', node: '--overview-device' },
  edge: { lane: '--lane-edge', node: '--overview-edge' },
  cloud: { lane: '--lane-cloud', node: '--overview-cloud' },
};

/** Bumps when the theme changes (the user's choice on <html>, or the OS's when there is none). */
function useThemeTick(): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const bump = (): void => setTick((t) => t + 1);
    const observer = new MutationObserver(bump);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    media.addEventListener('change', bump);
    return () => {
      observer.disconnect();
      media.removeEventListener('change', bump);
    };
  }, []);
  return tick;
}

/** Paints the lanes and nodes; colours come from the theme's CSS variables on `host`. */
function paint(canvas: HTMLCanvasElement, host: HTMLElement, graph: LaidOutGraph, frame: MapFrame): void {
  const { width, height } = MINIMAP_STYLE;
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const context = canvas.getContext('2d');
  if (!context) return;
  const style = getComputedStyle(host);
  const colour = (name: string): string => style.getPropertyValue(name).trim() || 'transparent';
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);
  for (const lane of graph.lanes) {
    const r = toMap(frame, lane);
    context.fillStyle = colour(TIER_COLOURS[lane.tier].lane);
    context.fillRect(r.x, r.y, r.width, r.height);
  }
  // One fill per tier and kind: blocks drawn solid, layers lighter.
  for (const tier of Object.keys(TIER_COLOURS) as Tier[]) {
    context.fillStyle = colour(TIER_COLOURS[tier].node);
    for (const kind of ['layer', 'block'] as const) {
      context.globalAlpha = kind === 'block' ? 1 : 0.7;
      context.beginPath();
      for (const node of graph.nodes) {
        if (node.tier !== tier || node.kind !== kind) continue;
        const r = toMap(frame, node);
        // At least a pixel high, so a long model's nodes do not vanish.
        context.rect(r.x, r.y, Math.max(r.width, 1), Math.max(r.height, 0.75));
      }
      context.fill();
    }
  }
  context.globalAlpha = 1;
}

const selectView = (s: ReactFlowState) => ({ transform: s.transform, width: s.width, height: s.height });

export const OverviewMap = memo(function OverviewMap() {
  const graph = useStudio(selectCurrentGraph);
  const flow = useReactFlow();
  const flowStore = useStoreApi();
  const themeTick = useThemeTick();
  const hostRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const windowRef = useRef<HTMLDivElement>(null);
  const frameRef = useRef<MapFrame | null>(null);

  // The picture: once per layout and theme.
  useEffect(() => {
    const bounds = graph ? graphBounds(graph) : null;
    frameRef.current = bounds ? mapFrame(bounds, MINIMAP_STYLE.width, MINIMAP_STYLE.height) : null;
    const canvas = canvasRef.current;
    const host = hostRef.current;
    if (!canvas || !host) return;
    if (graph && frameRef.current) paint(canvas, host, graph, frameRef.current);
    else canvas.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
  }, [graph, themeTick]);

  // The viewport rectangle: follows every pan and zoom, outside React's render.
  useEffect(() => {
    const place = (view: ReturnType<typeof selectView>): void => {
      const element = windowRef.current;
      const frame = frameRef.current;
      if (!element) return;
      if (!frame || view.width <= 0) {
        element.style.display = 'none';
        return;
      }
      const r = toMap(frame, visibleRect(view.transform, view));
      element.style.display = '';
      element.style.transform = `translate(${r.x}px, ${r.y}px)`;
      element.style.width = `${r.width}px`;
      element.style.height = `${r.height}px`;
    };
    let last = selectView(flowStore.getState());
    place(last);
    return flowStore.subscribe((state) => {
      if (state.transform === last.transform && state.width === last.width && state.height === last.height)
        return;
      last = selectView(state);
      place(last);
    });
  }, [flowStore, graph]);

  const panTo = useCallback(
    (event: PointerEvent<HTMLDivElement>) => {
      const frame = frameRef.current;
      const host = hostRef.current;
      if (!frame || !host) return;
      const box = host.getBoundingClientRect();
      const at = fromMap(frame, event.clientX - box.left, event.clientY - box.top);
      void flow.setCenter(at.x, at.y, { zoom: flow.getZoom() });
    },
    [flow],
  );
  const onPointerDown = useCallback(
    (event: PointerEvent<HTMLDivElement>) => {
      if (event.button !== 0) return;
      event.currentTarget.setPointerCapture(event.pointerId);
      panTo(event);
    },
    [panTo],
  );
  const onPointerMove = useCallback(
    (event: PointerEvent<HTMLDivElement>) => {
      if (event.currentTarget.hasPointerCapture(event.pointerId)) panTo(event);
    },
    [panTo],
  );

  return (
    <Panel position="bottom-right" className="overview-map-panel">
      <div
        ref={hostRef}
        className="overview-map nopan nodrag nowheel"
        role="img"
        aria-label="Minimap"
        style={MINIMAP_STYLE}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
      >
        <canvas ref={canvasRef} className="overview-map-graph" style={MINIMAP_STYLE} />
        <div ref={windowRef} className="overview-map-window" />
      </div>
    </Panel>
  );
});
