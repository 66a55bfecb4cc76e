/**
 * The dragged nodes drawn where the pointer has taken them, over the canvas, while the real
 * nodes stay where the layout put them, dimmed: the drag never changes React Flow's `nodes`
 * (see drag-ghost-store.ts). Moves are applied to one element's transform, outside React.
 */
import { ViewportPortal } from '@xyflow/react';
import { memo, useEffect, useRef } from 'react';
import { useDragGhost } from './drag-ghost-store.js';
import './drag-ghost.css';

/** The real nodes being dragged, dimmed; CSS.escape keeps odd layer names valid selectors. */
const dimRule = (ids: readonly string[]): string =>
  ids.length === 0
    ? ''
    : `${ids.map((id) => `.react-flow__node[data-id="${CSS.escape(id)}"]`).join(',\n')} { opacity: 0.35; }`;

export const DragGhost = memo(function DragGhost() {
  const boxes = useDragGhost((s) => s.boxes);
  const layerRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const place = (dx: number, dy: number): void => {
      if (layerRef.current) layerRef.current.style.transform = `translate(${dx}px, ${dy}px)`;
    };
    const { dx, dy } = useDragGhost.getState();
    place(dx, dy);
    return useDragGhost.subscribe((s) => place(s.dx, s.dy));
  }, [boxes]);

  if (boxes.length === 0) return null;
  return (
    <ViewportPortal>
      <style>{dimRule(boxes.map((b) => b.id))}</style>
      <div ref={layerRef} className="drag-ghosts" aria-hidden="true">
        {boxes.map((box) => (
          <div
            key={box.id}
            className="drag-ghost"
            data-kind={box.kind}
            style={{ left: box.x, top: box.y, width: box.width, height: box.height }}
          >
            {boxes.length === 1 ? box.id : null}
          </div>
        ))}
      </div>
    </ViewportPortal>
  );
});
