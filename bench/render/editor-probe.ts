/**
 * What the editor benchmark runs inside the studio page, installed with `page.evaluate` after
 * the page is up (so it must stay self-contained: no imports, no module-level helpers). It puts
 * `window.__cutlineEditorBench` there. Like the render probe it only watches the DOM and the
 * user's input events; the renderer needs no hooks for it.
 *
 * Both timings start at the `timeStamp` of the trusted input event that made the edit (the
 * browser stamps it when the input arrived) and end when the frame showing the result has been
 * rendered: the result seen in the DOM, then the next animation frame, then a task after it
 * (which runs once that frame's style, layout and paint are done).
 */

export interface EditTiming {
  /** From the edit's input event to the frame that shows its result, ms. */
  readonly editToShownMs: number;
  /**
   * From the event to the result in the DOM, ms: the work, without the wait for the next frame
   * (up to one frame interval, depending on when in the frame the input came).
   */
  readonly editToDomMs: number;
  /** The figure's or layout's state before and after, for the report to check. */
  readonly before: string;
  readonly after: string;
}

export interface EditorProbe {
  /**
   * Starts watching figure `key` of the figures bar (its `data-value`); `figureDone` resolves once
   * it shows another value, timed from the last `input`, `change` or `keydown` event before that.
   */
  armFigure(key: string, timeoutMs: number): void;
  figureDone(): Promise<EditTiming>;
  /**
   * Starts watching for a relayout: `relayoutDone` resolves once a layout started after the next
   * `mouseup` or `click` has finished and is drawn, timed from that event.
   */
  armRelayout(timeoutMs: number): void;
  relayoutDone(): Promise<EditTiming>;
  /**
   * From now on, calls `console.timeStamp(mark)` whenever a figure of the figures bar changes,
   * so a trace tells the frames that re-evaluated the design (a drag's preview) from the rest.
   */
  markFigureChanges(mark: string): void;
}

interface ProbeEvent {
  readonly timeStamp: number;
  readonly isTrusted: boolean;
}
interface ProbeNode {
  closest?(selector: string): unknown;
}
interface ProbeWindow {
  __cutlineEditorBench?: EditorProbe;
  readonly document: {
    readonly body: unknown;
    querySelector(selector: string): { getAttribute(name: string): string | null } | null;
    querySelectorAll(selector: string): {
      readonly length: number;
      [index: number]: { getAttribute(name: string): string | null };
    };
  };
  readonly performance: { now(): number };
  requestAnimationFrame(callback: () => void): number;
  addEventListener(type: string, listener: (event: ProbeEvent) => void, capture: boolean): void;
  removeEventListener(type: string, listener: (event: ProbeEvent) => void, capture: boolean): void;
  setTimeout(callback: () => void, ms: number): number;
  clearTimeout(handle: number): void;
  readonly MessageChannel: new () => {
    port1: { onmessage: (() => void) | null };
    port2: { postMessage(value: unknown): void };
  };
  readonly console: { timeStamp(label: string): void };
  readonly MutationObserver: new (callback: (records: readonly { readonly target: ProbeNode }[]) => void) => {
    observe(target: unknown, options: Record<string, boolean | readonly string[]>): void;
    disconnect(): void;
  };
}

/** Defines `window.__cutlineEditorBench`; runs in the page. */
export function installEditorProbe(): void {
  const w = globalThis as unknown as ProbeWindow;
  const doc = w.document;
  const LAYING_OUT = '[role="status"][aria-label="Laying out"]';

  /** Resolves once the frame after now has been rendered: next rAF, then a task after it. */
  const afterNextFrame = (): Promise<number> =>
    new Promise((resolve) =>
      w.requestAnimationFrame(() => {
        const channel = new w.MessageChannel();
        channel.port1.onmessage = () => resolve(w.performance.now());
        channel.port2.postMessage(null);
      }),
    );

  /** Node positions, to tell that a layout changed the graph. */
  const positions = (): string => {
    const nodes = doc.querySelectorAll('.react-flow__node-layer, .react-flow__node-block');
    const parts: string[] = [];
    for (let i = 0; i < nodes.length; i++)
      parts.push(`${nodes[i]!.getAttribute('data-id')}@${nodes[i]!.getAttribute('style') ?? ''}`);
    return parts.sort().join('|');
  };

  /**
   * Watches the DOM from an input event of `types` on; when `check` (run after every mutation)
   * says done, waits for the next frame and resolves with the time from the last such event.
   */
  const watch = (
    types: readonly string[],
    timeoutMs: number,
    start: () => string,
    check: (sawEvent: boolean) => string | null,
  ): Promise<EditTiming> =>
    new Promise((resolve, reject) => {
      let lastEventMs: number | null = null;
      const before = start();
      const onEvent = (event: ProbeEvent): void => {
        if (event.isTrusted) lastEventMs = event.timeStamp;
      };
      const finish = (): void => {
        observer.disconnect();
        w.clearTimeout(timer);
        for (const type of types) w.removeEventListener(type, onEvent, true);
      };
      const observer = new w.MutationObserver(() => {
        if (lastEventMs === null) return;
        const after = check(true);
        if (after === null) return;
        const eventMs = lastEventMs;
        const editToDomMs = w.performance.now() - eventMs;
        finish();
        void afterNextFrame().then((shownMs) =>
          resolve({ editToShownMs: shownMs - eventMs, editToDomMs, before, after }),
        );
      });
      const timer = w.setTimeout(() => {
        finish();
        reject(new Error(`Nothing changed within ${timeoutMs} ms of the edit.`));
      }, timeoutMs);
      for (const type of types) w.addEventListener(type, onEvent, true);
      observer.observe(doc.body, { childList: true, subtree: true, attributes: true, characterData: true });
    });

  let pendingFigure: Promise<EditTiming> | null = null;
  let pendingRelayout: Promise<EditTiming> | null = null;

  const armFigure = (key: string, timeoutMs: number): void => {
    const value = (): string =>
      doc.querySelector(`[aria-label="Design figures"] [data-key="${key}"] dd`)?.getAttribute('data-value') ??
      '';
    let before = '';
    pendingFigure = watch(
      ['input', 'change', 'keydown'],
      timeoutMs,
      () => (before = value()),
      () => {
        const now = value();
        return now !== before && now !== '' ? now : null;
      },
    );
    pendingFigure.catch(() => undefined);
  };

  const armRelayout = (timeoutMs: number): void => {
    let sawLayout = false;
    let beforeDrop = '';
    pendingRelayout = watch(
      ['mouseup', 'pointerup', 'click'],
      timeoutMs,
      () => {
        beforeDrop = positions();
        return `${doc.querySelectorAll('.react-flow__node').length} nodes in the DOM`;
      },
      () => {
        const busy = doc.querySelector(LAYING_OUT) !== null;
        sawLayout ||= busy;
        if (!sawLayout || busy) return null;
        const now = positions();
        return now === beforeDrop
          ? null
          : `${doc.querySelectorAll('.react-flow__node').length} nodes in the DOM`;
      },
    );
    pendingRelayout.catch(() => undefined);
  };

  let marking: { disconnect(): void } | null = null;
  const markFigureChanges = (mark: string): void => {
    marking?.disconnect();
    const observer = new w.MutationObserver((records) => {
      if (records.some((r) => r.target.closest?.('[aria-label="Design figures"]'))) w.console.timeStamp(mark);
    });
    observer.observe(doc.body, { subtree: true, attributes: true, attributeFilter: ['data-value'] });
    marking = observer;
  };

  w.__cutlineEditorBench = {
    markFigureChanges,
    armFigure,
    figureDone: () => pendingFigure ?? Promise.reject(new Error('armFigure was not called.')),
    armRelayout,
    relayoutDone: () => pendingRelayout ?? Promise.reject(new Error('armRelayout was not called.')),
  };
}

/** The page's global as `page.evaluate` callbacks see it. */
export interface EditorProbeHost {
  readonly __cutlineEditorBench?: EditorProbe;
}
