/**
 * What the render benchmark runs inside the studio page. `installPageProbe` is handed to
 * Playwright's `addInitScript`, so it is serialized and run in every new document: it must stay
 * self-contained (no imports, no module-level helpers). It puts `window.__cutlineBench` there,
 * whose methods the benchmark calls through `page.evaluate`.
 *
 * The probe only reads the DOM and sends the events a user's input would (a file chosen, key F,
 * double-clicks, a mouse drag, a wheel turn): the renderer needs no hooks for it. "On screen"
 * means: the opened file's name is the title, no open or layout is in progress, the graph's
 * nodes are in the DOM, the view has been moved to the model's opening view, and the next frame
 * has begun after that.
 */

/** Figures of one open, all from the moment the file input's change event fired. */
export interface OpenTiming {
  /** The host's answer applied: the title shows the file (frame-granular). */
  readonly arrivedMs: number;
  /** The first layout on screen: ready state seen, then the next frame begun. */
  readonly onScreenMs: number;
  /** Graph nodes (layers and blocks) in the DOM at that moment. */
  readonly nodesInDom: number;
}

export interface FrameRecord {
  /** Intervals between consecutive requestAnimationFrame timestamps, in order. */
  readonly intervalsMs: readonly number[];
  /** Graph nodes in the DOM, sampled every tenth frame. */
  readonly nodesInDom: readonly number[];
  /** Farthest the view got from where it started, in screen pixels (0: the drag did not pan). */
  readonly movedPx: number;
  readonly zoom: number;
}

export interface BenchProbe {
  /** Idle until nothing is being opened or laid out, and the view has stopped moving. */
  settle(timeoutMs: number): Promise<void>;
  /** Starts watching for the next file chosen in the file input; `openDone` reports it. */
  armOpen(fileName: string, timeoutMs: number): void;
  openDone(): Promise<OpenTiming>;
  /** rAF intervals with nothing happening: whether frames come at 60 Hz at all. */
  idleFrames(durationMs: number): Promise<FrameRecord>;
  /** Drags the pane by `stepPx` a frame, up (down the graph) for half of `durationMs` then back, recording frame intervals. */
  pan(durationMs: number, stepPx: number): Promise<FrameRecord>;
  /** Fit (key F) and zoom out to the whole graph, then double-click every collapsed block in view; until none is left. */
  expandAll(timeoutMs: number): Promise<{ readonly rounds: number; readonly expanded: number }>;
  /** Wheel-zooms to `zoom` about a node near the middle of those on screen. */
  zoomTo(zoom: number, timeoutMs: number): Promise<number>;
  nodesInDom(): number;
}

/** The few DOM types the probe touches (the bench is compiled without DOM typings). */
interface ProbeElement {
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { left: number; top: number; width: number; height: number };
  dispatchEvent(event: unknown): boolean;
}
interface ProbeWindow {
  __cutlineBench?: BenchProbe;
  readonly document: {
    querySelector(selector: string): ProbeElement | null;
    querySelectorAll(selector: string): { readonly length: number; [index: number]: ProbeElement };
    addEventListener(type: string, listener: () => void, options: { capture: boolean; once: boolean }): void;
  };
  readonly performance: { now(): number };
  requestAnimationFrame(callback: (timeMs: number) => void): number;
  dispatchEvent(event: unknown): boolean;
  readonly MouseEvent: new (type: string, init: Record<string, unknown>) => unknown;
  readonly WheelEvent: new (type: string, init: Record<string, unknown>) => unknown;
  readonly KeyboardEvent: new (type: string, init: Record<string, unknown>) => unknown;
}

/** Defines `window.__cutlineBench`; runs in the page. */
export function installPageProbe(): void {
  const w = globalThis as unknown as ProbeWindow;
  const doc = w.document;
  const NODES = '.react-flow__node-layer, .react-flow__node-block';
  /** GraphCanvas's `minZoom`. */
  const MIN_ZOOM = 0.02;
  const BUSY = '[role="status"][aria-label="Opening"], [role="status"][aria-label="Laying out"]';

  const nextFrame = (): Promise<number> => new Promise((resolve) => w.requestAnimationFrame(resolve));
  const nodesInDom = (): number => doc.querySelectorAll(NODES).length;
  const busy = (): boolean => doc.querySelector(BUSY) !== null;
  const title = (): string => doc.querySelector('h1')?.textContent ?? '';
  const failure = (): string | null => doc.querySelector('[role="alert"]')?.textContent ?? null;
  const transform = (): string => doc.querySelector('.react-flow__viewport')?.getAttribute('style') ?? '';
  /** React Flow's viewport style: `transform: translate(Xpx, Ypx) scale(K)`. */
  const viewport = (): { x: number; y: number; zoom: number } => {
    const match = /translate\((-?[\d.e+-]+)px,\s*(-?[\d.e+-]+)px\)\s*scale\(([\d.e+-]+)\)/.exec(transform());
    return match
      ? { x: Number(match[1]), y: Number(match[2]), zoom: Number(match[3]) }
      : { x: 0, y: 0, zoom: 1 };
  };
  const pane = (): ProbeElement => {
    const element = doc.querySelector('.react-flow__pane');
    if (!element) throw new Error('No graph pane on the page.');
    return element;
  };
  const mouse = (type: string, x: number, y: number, extra: Record<string, unknown> = {}): unknown =>
    new w.MouseEvent(type, {
      bubbles: true,
      cancelable: true,
      view: w,
      clientX: x,
      clientY: y,
      button: 0,
      ...extra,
    });

  const settle = async (timeoutMs: number): Promise<void> => {
    const deadline = w.performance.now() + timeoutMs;
    let last = '';
    let steady = 0;
    // Three frames without a move and without work in progress: fits (200 ms transitions) are over.
    while (steady < 3) {
      await nextFrame();
      if (w.performance.now() > deadline) throw new Error(`The studio was still busy after ${timeoutMs} ms.`);
      const now = transform();
      steady = !busy() && now === last ? steady + 1 : 0;
      last = now;
    }
  };

  let pendingOpen: Promise<OpenTiming> | null = null;
  const armOpen = (fileName: string, timeoutMs: number): void => {
    pendingOpen = new Promise((resolve, reject) => {
      doc.addEventListener(
        'change',
        () => {
          const started = w.performance.now();
          let arrivedMs = Number.NaN;
          const poll = (): void => {
            const elapsedMs = w.performance.now() - started;
            const problem = failure();
            if (problem !== null) return reject(new Error(`The studio reported: ${problem}`));
            if (elapsedMs > timeoutMs) return reject(new Error(`Not on screen after ${timeoutMs} ms.`));
            const arrived = title() === fileName;
            if (arrived && Number.isNaN(arrivedMs)) arrivedMs = elapsedMs;
            // React Flow mounts at (0, 0) × 1; the studio then moves the view to the model's opening
            // view (a fit may wait a frame for React Flow), and only then is the first render complete.
            const placed = !/translate\(0px, 0px\) scale\(1\)/.test(transform());
            if (arrived && !busy() && nodesInDom() > 0 && placed) {
              // This frame's DOM is complete; the next frame's callback runs once it was produced.
              const nodes = nodesInDom();
              w.requestAnimationFrame(() =>
                resolve({ arrivedMs, onScreenMs: w.performance.now() - started, nodesInDom: nodes }),
              );
              return;
            }
            w.requestAnimationFrame(poll);
          };
          w.requestAnimationFrame(poll);
        },
        { capture: true, once: true },
      );
    });
  };

  /** Calls `each` on every frame for `durationMs`, recording frame intervals and node counts. */
  const recordFrames = async (
    durationMs: number,
    each: (elapsedMs: number) => void,
  ): Promise<FrameRecord> => {
    const start = viewport();
    const stamps: number[] = [];
    const counts: number[] = [];
    let movedPx = 0;
    await new Promise<void>((resolve) => {
      const step = (timeMs: number): void => {
        stamps.push(timeMs);
        const now = viewport();
        movedPx = Math.max(movedPx, Math.hypot(now.x - start.x, now.y - start.y));
        if (stamps.length % 10 === 0) counts.push(nodesInDom());
        const elapsedMs = timeMs - stamps[0]!;
        if (elapsedMs >= durationMs) return resolve();
        each(elapsedMs);
        w.requestAnimationFrame(step);
      };
      w.requestAnimationFrame(step);
    });
    return {
      intervalsMs: stamps.slice(1).map((t, i) => t - stamps[i]!),
      nodesInDom: counts,
      movedPx,
      zoom: viewport().zoom,
    };
  };

  const pan = async (durationMs: number, stepPx: number): Promise<FrameRecord> => {
    const box = pane().getBoundingClientRect();
    const x = box.left + box.width / 2;
    let y = box.top + box.height / 2;
    // d3-zoom (React Flow's pan) starts on mousedown in the pane and follows mousemove on the window.
    pane().dispatchEvent(mouse('mousedown', x, y, { buttons: 1 }));
    try {
      // Along the graph (it flows down) and back, so the view ends where it began (later steps
      // expect it there).
      return await recordFrames(durationMs, (elapsedMs) => {
        y += elapsedMs < durationMs / 2 ? -stepPx : stepPx;
        w.dispatchEvent(mouse('mousemove', x, y, { buttons: 1 }));
      });
    } finally {
      w.dispatchEvent(mouse('mouseup', x, y));
    }
  };

  /** Wheel-zooms to `zoom` about a point of the screen (a few events: React Flow clamps each). */
  const wheelTo = async (
    zoom: number,
    at: { clientX: number; clientY: number },
    timeoutMs: number,
  ): Promise<number> => {
    for (let attempt = 0; attempt < 4 && Math.abs(viewport().zoom - zoom) > 0.005; attempt++) {
      // React Flow scales by 2^(−deltaY × 0.002) per wheel event in pixel mode. The wheel alone
      // scrolls along the graph; with Ctrl held (or a trackpad pinch) it zooms.
      const deltaY = -Math.log2(zoom / viewport().zoom) / 0.002;
      pane().dispatchEvent(
        new w.WheelEvent('wheel', {
          bubbles: true,
          cancelable: true,
          view: w,
          deltaY,
          deltaMode: 0,
          ctrlKey: true,
          ...at,
        }),
      );
      await settle(timeoutMs);
    }
    return viewport().zoom;
  };

  /** The box on screen of the elements `selector` finds (lanes: as tall and wide as the graph). */
  const boxOf = (selector: string): { left: number; top: number; right: number; bottom: number } | null => {
    const found = doc.querySelectorAll(selector);
    if (found.length === 0) return null;
    const box = { left: Infinity, top: Infinity, right: -Infinity, bottom: -Infinity };
    for (let i = 0; i < found.length; i++) {
      const r = found[i]!.getBoundingClientRect();
      box.left = Math.min(box.left, r.left);
      box.top = Math.min(box.top, r.top);
      box.right = Math.max(box.right, r.left + r.width);
      box.bottom = Math.max(box.bottom, r.top + r.height);
    }
    return box;
  };
  const lanesBox = (): ReturnType<typeof boxOf> => boxOf('.react-flow__node-lane');

  /**
   * Fit (key F) shows a long model's start at a legible zoom; to reach every block, zoom out
   * from there about the lanes' top-left corner until the lanes fit the pane, as far as React
   * Flow's least zoom allows.
   */
  const showWhole = async (timeoutMs: number): Promise<void> => {
    w.dispatchEvent(new w.KeyboardEvent('keydown', { key: 'f', bubbles: true, cancelable: true }));
    await settle(timeoutMs);
    const lanes = lanesBox();
    if (!lanes) return;
    const box = pane().getBoundingClientRect();
    const scale = Math.min(
      (box.left + box.width - lanes.left) / (lanes.right - lanes.left),
      (box.top + box.height - lanes.top) / (lanes.bottom - lanes.top),
    );
    if (scale >= 1) return;
    await wheelTo(
      Math.max(MIN_ZOOM, viewport().zoom * scale),
      { clientX: lanes.left, clientY: lanes.top },
      timeoutMs,
    );
  };

  const expandAll = async (timeoutMs: number): Promise<{ rounds: number; expanded: number }> => {
    const deadline = w.performance.now() + timeoutMs;
    const left = (): number => Math.max(1, deadline - w.performance.now());
    let expanded = 0;
    for (let round = 0; ; round++) {
      await showWhole(left());
      const blocks = doc.querySelectorAll('.react-flow__node-block');
      if (blocks.length === 0) return { rounds: round, expanded };
      // All double-clicks land before the first layout ends, so the blocks stay where they are.
      for (let i = 0; i < blocks.length; i++)
        blocks[i]!.dispatchEvent(mouse('dblclick', 0, 0, { detail: 2 }));
      expanded += blocks.length;
      await settle(left());
    }
  };

  /**
   * Zooms about the node nearest the middle of those on screen (the middle itself may fall
   * between a chain and its branches, in empty space), so the graph stays in view.
   */
  const zoomTo = async (zoom: number, timeoutMs: number): Promise<number> => {
    const box = pane().getBoundingClientRect();
    const nodes = doc.querySelectorAll(NODES);
    let at = { clientX: box.left + box.width / 2, clientY: box.top + box.height / 2 };
    const around = boxOf(NODES);
    if (around) {
      const middleY = (Math.max(box.top, around.top) + Math.min(box.top + box.height, around.bottom)) / 2;
      let best = Infinity;
      for (let i = 0; i < nodes.length; i++) {
        const r = nodes[i]!.getBoundingClientRect();
        const distance = Math.abs(r.top + r.height / 2 - middleY);
        if (distance < best) {
          best = distance;
          at = { clientX: r.left + r.width / 2, clientY: r.top + r.height / 2 };
        }
      }
    }
    return wheelTo(zoom, at, timeoutMs);
  };

  const idleFrames = (durationMs: number): Promise<FrameRecord> => recordFrames(durationMs, () => undefined);

  w.__cutlineBench = {
    settle,
    armOpen,
    openDone: () => pendingOpen ?? Promise.reject(new Error('armOpen was not called.')),
    idleFrames,
    pan,
    expandAll,
    zoomTo,
    nodesInDom,
  };
}

/**
 * The page's global as `page.evaluate` callbacks see it. Those callbacks are serialized too, so
 * they reach the probe inline: `(globalThis as unknown as ProbeHost).__cutlineBench!`.
 */
export interface ProbeHost {
  readonly __cutlineBench?: BenchProbe;
}
