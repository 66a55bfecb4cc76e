/**
 * The dragged nodes drawn where the pointer has taken them, over the canvas, while the real
 * nodes stay where the layout put them, dimmed: the drag never changes React Flow's `nodes`
 * (see drag-ghost-store.ts). Moves are applied to one element's transform, outside React.
 */
import { ViewportPortal } from '@xyflow/react';
import { memo, useEffect, useRef } from 'react';
import { useDragGhost } from './drag-ghost-store.js';
import './drag-ghost.css';

/**
 * Marks the real nodes being dragged (dimmed by drag-ghost.css) and returns the unmarking. An
 * attribute set on React Flow's node elements, not a <style> rule: the web host's CSP allows no
 * inline stylesheet, and a store field read by every node would be one more selector per node.
 */
function markSources(ids: readonly string[]): () => void {
  if (ids.length === 0) return () => undefined;
  const wanted = new Set(ids);
  // Only the nodes on screen exist as elements; one pass over them, however many are dragged.
  const marked = [...document.querySelectorAll('.react-flow__node')].filter((element) =>
    wanted.has(element.getAttribute('data-id') ?? ''),
  );
  for (const element of marked) element.setAttribute('data-drag-source', '');
  return () => marked.forEach((element) => element.removeAttribute('data-drag-source'));
}

export const DragGhost = memo(function DragGhost() {
  const boxes = useDragGhost((s) => s.boxes);
  const layerRef = useRef<HTMLDivElement>(null);

  useEffect(() => markSources(boxes.map((box) => box.id)), [boxes]);

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
