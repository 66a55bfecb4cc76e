import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { useStudio } from '../store/store.js';
import { clampDockHeight, dockHeightForKey, dockHeightRange } from './dock-size.js';

interface DockSize {
  readonly heightPx: number;
  /** What the canvas and the dock share: from the top of the element above the dock to its bottom. */
  readonly roomPx: number;
}

function measure(dock: HTMLElement): DockSize {
  const box = dock.getBoundingClientRect();
  const top = dock.previousElementSibling?.getBoundingClientRect().top ?? 0;
  return { heightPx: Math.round(box.height), roomPx: box.bottom - top };
}

interface Drag {
  readonly dock: HTMLElement;
  readonly startY: number;
  readonly from: DockSize;
  heightPx: number;
}

/**
 * The handle on the open dock's top edge (the first child of the dock's element): drag it, or
 * focus it and press ArrowUp/ArrowDown (PageUp/PageDown, Home, End), to give the canvas or the tab
 * more room; a double-click goes back to the default height. While dragging only the element's
 * style changes (the tab's content is not re-rendered per pointer move); the height lands in the
 * store on release.
 */
export function DockResizer() {
  const handle = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState<DockSize | null>(null);
  const drag = useRef<Drag | null>(null);

  // The dock and the workspace above it change size with the window and the handle: measured
  // for the separator's values, and a height set on a taller window clamped to the new room so
  // it cannot squeeze the canvas.
  useEffect(() => {
    const dock = handle.current?.parentElement;
    if (!dock) return;
    const observer = new ResizeObserver(() => {
      const now = measure(dock);
      const stored = useStudio.getState().dockHeightPx;
      if (stored !== null && drag.current === null)
        useStudio.getState().setDockHeight(clampDockHeight(stored, now.roomPx));
      setSize(now);
    });
    observer.observe(dock);
    if (dock.previousElementSibling) observer.observe(dock.previousElementSibling);
    return () => observer.disconnect();
  }, []);

  const onPointerDown = (event: PointerEvent<HTMLDivElement>): void => {
    const dock = event.currentTarget.parentElement;
    if (event.button !== 0 || !dock) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    const from = measure(dock);
    drag.current = { dock, startY: event.clientY, from, heightPx: from.heightPx };
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>): void => {
    const current = drag.current;
    if (!current) return;
    current.heightPx = clampDockHeight(
      current.from.heightPx + current.startY - event.clientY,
      current.from.roomPx,
    );
    current.dock.style.height = `${current.heightPx}px`;
  };
  const onPointerEnd = (): void => {
    const current = drag.current;
    drag.current = null;
    if (!current) return;
    // Back to the style React last rendered, so its next render (or none) leaves no stray height.
    const stored = useStudio.getState().dockHeightPx;
    current.dock.style.height = stored === null ? '' : `${stored}px`;
    if (current.heightPx !== current.from.heightPx) useStudio.getState().setDockHeight(current.heightPx);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    const dock = event.currentTarget.parentElement;
    if (!dock) return;
    const now = measure(dock);
    const next = dockHeightForKey(event.key, now.heightPx, now.roomPx);
    if (next === null) return;
    event.preventDefault();
    useStudio.getState().setDockHeight(next);
  };

  const range = size ? dockHeightRange(size.roomPx) : null;
  return (
    <div
      ref={handle}
      className="dock-resizer"
      role="separator"
      aria-orientation="horizontal"
      aria-label="Resize the tools"
      aria-valuemin={range?.minPx}
      aria-valuemax={range?.maxPx}
      aria-valuenow={size?.heightPx}
      aria-valuetext={size ? `Tools ${size.heightPx} px tall` : undefined}
      tabIndex={0}
      title="Drag to resize the tools (or focus it and press Up or Down); double-click for the default height"
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerEnd}
      onPointerCancel={onPointerEnd}
      onDoubleClick={() => useStudio.getState().setDockHeight(null)}
      onKeyDown={onKeyDown}
    />
  );
}
