import { useReactFlow, useStore as useFlowStore, ViewportPortal, type ReactFlowState } from '@xyflow/react';
import {
  memo,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type PointerEvent,
} from 'react';
import { reportRefusals } from '../actions/place-selection.js';
import { ancestorBlocks } from '../model/model-index.js';
import { selectCurrentGraph } from '../store/selectors.js';
import { useStudio, type Store } from '../store/store.js';
import { cutGeometry, positionNearest, type CutGeometry } from './drag/cut-geometry.js';
import { startCutPreviews, type CutPreviews } from './drag/cut-previews.js';
import {
  cutDescription,
  cutName,
  cutSummary,
  cutTitle,
  moveCutTo,
  selectCutModel,
  type CutModel,
} from './drag/cut-model.js';
import { GRIP_WIDTH_PX, gripObstacles, gripSpots, type GripArea } from './drag/grip-spots.js';
import { MINIMAP_STYLE } from './viewport.js';
import './cut-lines.css';

const selectIndex = (s: Store) => s.index;
/** Screen pixels kept clear of grips: the lane header, the zoom buttons, the minimap's gutter. */
const CLEAR_PX = { top: 72, bottom: 84, left: 16, right: MINIMAP_STYLE.width + 40 } as const;
const selectArea = (s: ReactFlowState): GripArea => {
  const [tx, ty, zoom] = s.transform;
  const half = GRIP_WIDTH_PX / 2;
  return {
    zoom,
    top: (CLEAR_PX.top - ty) / zoom,
    bottom: (s.height - CLEAR_PX.bottom - ty) / zoom,
    left: (CLEAR_PX.left + half - tx) / zoom,
    right: (s.width - CLEAR_PX.right - half - tx) / zoom,
  };
};
const sameArea = (a: GripArea, b: GripArea): boolean =>
  a.zoom === b.zoom && a.top === b.top && a.bottom === b.bottom && a.left === b.left && a.right === b.right;

/** A line being dragged: where it is now and what that would make of the design. */
interface CutDrag {
  readonly h: number;
  readonly cuts: readonly number[];
  readonly pinnedAcross: number;
}

/** Commits cut `h` at `position` as one undoable step; false if that changes nothing. */
function commitCut(model: CutModel, h: number, position: number): boolean {
  const move = moveCutTo(model, h, position);
  const state = useStudio.getState();
  state.setPreview(null);
  if (move.record === model.design.placement) return false;
  reportRefusals(state.applyPlacement(move.record, `Move the ${cutTitle(model, h)} cut`));
  return true;
}

/**
 * The next position from `from` in direction `step` that changes the placement (a pinned layer
 * the line passes changes nothing, so the keyboard skips it); null at the end.
 */
function nextEffective(model: CutModel, h: number, from: number, step: number): number | null {
  for (let p = from + step; p >= 0 && p <= model.units.length; p += step) {
    if (moveCutTo(model, h, p).record !== model.design.placement) return p;
  }
  return null;
}

/**
 * The cut lines: one handle across every lane per boundary between consecutive tiers, between
 * the last layer above it and the first layer below. Dragging its grip up or down moves the
 * boundary along the data flow (the figures preview it, the drop commits it); focused, the arrows
 * move it one layer at a time and Home/End to the top or the bottom.
 */
export const CutLines = memo(function CutLines() {
  const model = useStudio(selectCutModel);
  const graph = useStudio(selectCurrentGraph);
  const index = useStudio(selectIndex);
  const area = useFlowStore(selectArea, sameArea);
  const flow = useReactFlow();
  const [drag, setDrag] = useState<CutDrag | null>(null);
  const dragRef = useRef<
    | (CutDrag & { readonly model: CutModel; readonly geometry: CutGeometry; readonly previews: CutPreviews })
    | null
  >(null);

  const units = model?.units;
  const tiers = model?.tiers;
  const geometry = useMemo(() => {
    if (!graph || !units || !tiers || !index || graph.lanes.length === 0) return null;
    const onScreen = new Set(graph.nodes.map((node) => node.id));
    // A layer inside a collapsed block is drawn by the outermost collapsed block around it.
    const ownerOf = (id: string): string | null =>
      onScreen.has(id) ? id : (ancestorBlocks(index, id).find((block) => onScreen.has(block)) ?? null);
    return cutGeometry(graph, units, tiers, ownerOf);
  }, [graph, units, tiers, index]);
  // The nodes grips keep off: one layout's, the same on every frame of a drag.
  const obstacles = useMemo(() => (graph ? gripObstacles(graph.nodes) : undefined), [graph]);

  const cancel = useCallback(() => {
    if (!dragRef.current) return;
    dragRef.current.previews.stop();
    dragRef.current = null;
    setDrag(null);
    useStudio.getState().setPreview(null);
  }, []);

  useEffect(() => {
    if (!drag) return;
    const onKeyDown = (event: globalThis.KeyboardEvent): void => {
      if (event.key !== 'Escape') return;
      event.stopPropagation();
      event.preventDefault();
      cancel();
    };
    window.addEventListener('keydown', onKeyDown, { capture: true });
    return () => window.removeEventListener('keydown', onKeyDown, { capture: true });
  }, [drag, cancel]);

  if (!model || !geometry || model.tiers.length < 2) return null;

  const onPointerDown = (h: number) => (event: PointerEvent<HTMLDivElement>) => {
    if (event.button !== 0) return;
    event.stopPropagation();
    event.preventDefault();
    event.currentTarget.focus();
    event.currentTarget.setPointerCapture(event.pointerId);
    const start: CutDrag = { h, cuts: model.cuts, pinnedAcross: 0 };
    dragRef.current = { ...start, model, geometry, previews: startCutPreviews(model, h) };
    setDrag(start);
  };

  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const current = dragRef.current;
    if (!current) return;
    const y = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }).y;
    const position = positionNearest(current.geometry, y, current.cuts[current.h]!);
    const from = current.cuts[current.h]!;
    if (position === from) return;
    const move = current.previews.moveFor(position);
    const next = { h: current.h, cuts: move.cuts, pinnedAcross: move.pinnedAcross };
    dragRef.current = { ...current, ...next };
    setDrag(next);
    const { design, setPreview } = useStudio.getState();
    setPreview(move.record === design?.placement ? null : move.record);
    // The line is likely to go on the way it went: the next position's figures, when idle.
    current.previews.warmNext(position, position - from);
  };

  const onPointerUp = (event: PointerEvent<HTMLDivElement>) => {
    const current = dragRef.current;
    if (!current) return;
    dragRef.current = null;
    current.previews.stop();
    setDrag(null);
    if (event.currentTarget.hasPointerCapture(event.pointerId)) {
      event.currentTarget.releasePointerCapture(event.pointerId);
    }
    commitCut(current.model, current.h, current.cuts[current.h]!);
  };

  const onKeyDown = (h: number) => (event: KeyboardEvent<HTMLDivElement>) => {
    const position = model.cuts[h]!;
    const n = model.units.length;
    let target: number | null;
    switch (event.key) {
      case 'ArrowUp':
        target = nextEffective(model, h, position, -1);
        break;
      case 'ArrowDown':
        target = nextEffective(model, h, position, 1);
        break;
      case 'PageUp':
        target = Math.max(0, position - 10);
        break;
      case 'PageDown':
        target = Math.min(n, position + 10);
        break;
      case 'Home':
        target = 0;
        break;
      case 'End':
        target = n;
        break;
      default:
        return;
    }
    // The window's arrows walk the graph: these keys belong to the line.
    event.preventDefault();
    event.stopPropagation();
    if (target !== null) commitCut(model, h, target);
  };

  const cuts = drag?.cuts ?? model.cuts;
  const scale = 1 / area.zoom;
  const spots = gripSpots(
    cuts.map((position) => geometry.lineY[position]!),
    geometry.gripX,
    area,
    obstacles,
  );
  return (
    <ViewportPortal>
      {cuts.map((position, h) => {
        const dragging = drag?.h === h;
        const pinnedAcross = dragging ? drag.pinnedAcross : 0;
        const description = cutDescription(model, position, pinnedAcross);
        const lineY = geometry.lineY[position]!;
        const spot = spots[h]!;
        const offscreen = spot.offscreen;
        return (
          <div
            key={h}
            className="cut-line"
            data-cut={`${model.tiers[h]}-${model.tiers[h + 1]}`}
            data-dragging={dragging || undefined}
            data-offscreen={offscreen ?? undefined}
            style={{
              left: geometry.left,
              top: lineY,
              width: geometry.right - geometry.left,
              borderTopWidth: 2 * scale,
            }}
          >
            <div
              role="slider"
              tabIndex={0}
              className="cut-grip nodrag nopan nowheel"
              aria-label={cutName(model, h)}
              aria-orientation="vertical"
              aria-valuemin={0}
              aria-valuemax={model.units.length}
              aria-valuenow={position}
              aria-valuetext={description}
              title={`Drag to move the ${cutTitle(model, h)} boundary along the data flow`}
              style={{
                left: spot.x - geometry.left,
                top: spot.y - lineY,
                maxWidth: GRIP_WIDTH_PX,
                transform: `translate(-50%, -50%) scale(${scale})`,
              }}
              onPointerDown={onPointerDown(h)}
              onPointerMove={onPointerMove}
              onPointerUp={onPointerUp}
              onPointerCancel={cancel}
              onKeyDown={onKeyDown(h)}
            >
              <span className="cut-grip-handle" aria-hidden="true">
                {offscreen === 'below' ? '↓' : offscreen === 'above' ? '↑' : '⇕'}
              </span>
              <span className="cut-grip-title">{cutTitle(model, h)}</span>
              <span className="cut-grip-detail">
                {cutSummary(position, pinnedAcross, model.units.length)}
              </span>
            </div>
          </div>
        );
      })}
    </ViewportPortal>
  );
});
