/**
 * Main-thread work per frame, read from a Chrome trace of the studio page.
 *
 * Why a trace and not timers in the page: a requestAnimationFrame interval says when frames
 * came, not how much of each the page spent working (a 3 ms frame and a 15 ms frame both give a
 * 16.7 ms interval), and the Long Animation Frames API only reports frames over 50 ms. The
 * trace has every task the renderer's main thread ran (`ThreadControllerImpl::RunTask`, category
 * `toplevel`: input dispatch, React's renders, the evaluator, style, layout, paint, GC inside a
 * task) and marks where each frame's rendering began (`BeginMainThreadFrame`). A frame's work is
 * then the time the main thread spent in tasks from the start of that frame's rendering task up
 * to the start of the next one's: the rendering itself plus everything run between the two
 * (pointer events, the store's updates, React's commits). Idle time counts for nothing, so the
 * figure is what a slower machine would have to fit into 16.7 ms.
 */

/** The fields of a Chrome trace event this file reads. */
export interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly cat?: string;
  readonly pid: number;
  readonly tid: number;
  /** Microseconds. */
  readonly ts: number;
  readonly dur?: number;
  readonly args?: {
    readonly name?: string;
    readonly data?: { readonly type?: string; readonly message?: string };
  };
}

export interface FrameWork {
  /** Start of the frame's rendering task, ms on the trace clock. */
  readonly startMs: number;
  /** Main-thread busy time from this frame's rendering task to the next one's, ms. */
  readonly workMs: number;
  /** Whether a `console.timeStamp(mark)` of the page fell within the frame. */
  readonly marked: boolean;
}

const TASK = 'ThreadControllerImpl::RunTask';
const FRAME = 'BeginMainThreadFrame';

interface Span {
  readonly start: number;
  readonly end: number;
}

/** The renderer main thread of the page: the `CrRendererMain` thread that began the most frames. */
function pageMainThread(events: readonly TraceEvent[]): string {
  const mains = new Set<string>();
  for (const e of events)
    if (e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      mains.add(`${e.pid}:${e.tid}`);
  const frames = new Map<string, number>();
  for (const e of events) {
    const key = `${e.pid}:${e.tid}`;
    if (e.name === FRAME && mains.has(key)) frames.set(key, (frames.get(key) ?? 0) + 1);
  }
  const [best] = [...frames.entries()].sort((a, b) => b[1] - a[1]);
  if (!best) throw new Error('The trace has no frames of a renderer main thread.');
  return best[0];
}

/** Top-level tasks of one thread, outermost only (a nested run loop's tasks are inside another). */
function tasksOf(events: readonly TraceEvent[], thread: string): Span[] {
  const spans = events
    .filter((e) => e.name === TASK && e.ph === 'X' && `${e.pid}:${e.tid}` === thread)
    .map((e) => ({ start: e.ts, end: e.ts + (e.dur ?? 0) }))
    .sort((a, b) => a.start - b.start);
  const outer: Span[] = [];
  for (const span of spans) {
    const last = outer[outer.length - 1];
    if (last && span.start < last.end) continue;
    outer.push(span);
  }
  return outer;
}

/** The timestamps (µs) of the given DOM events dispatched on the thread, in order. */
export function eventDispatches(events: readonly TraceEvent[], type: string): number[] {
  return events
    .filter((e) => e.name === 'EventDispatch' && e.args?.data?.type === type)
    .map((e) => e.ts)
    .sort((a, b) => a - b);
}

/**
 * Work of every frame whose rendering task started within [fromUs, toUs), in order. Each
 * frame's work runs to the next frame's rendering task (or `toUs` for the last). A frame is
 * `marked` when the page called `console.timeStamp(mark)` within it.
 */
export function framesWork(
  events: readonly TraceEvent[],
  fromUs: number,
  toUs: number,
  mark: string,
): FrameWork[] {
  const thread = pageMainThread(events);
  const tasks = tasksOf(events, thread);
  const frameTimes = events
    .filter((e) => e.name === FRAME && `${e.pid}:${e.tid}` === thread)
    .map((e) => e.ts)
    .sort((a, b) => a - b);
  // A frame begins where the task holding its BeginMainThreadFrame began.
  const starts: number[] = [];
  let t = 0;
  for (const at of frameTimes) {
    while (t < tasks.length && tasks[t]!.end < at) t++;
    const task = tasks[t];
    const start = task && task.start <= at ? task.start : at;
    if (start >= fromUs && start < toUs && start !== starts[starts.length - 1]) starts.push(start);
  }
  const marks = events
    .filter((e) => e.name === 'TimeStamp' && e.args?.data?.message === mark)
    .map((e) => e.ts);
  const frames: FrameWork[] = [];
  for (let i = 0; i < starts.length; i++) {
    const from = starts[i]!;
    const to = starts[i + 1] ?? toUs;
    let busyUs = 0;
    for (const task of tasks) {
      if (task.end <= from) continue;
      if (task.start >= to) break;
      busyUs += Math.min(task.end, to) - Math.max(task.start, from);
    }
    const marked = marks.some((at) => at >= from && at < to);
    frames.push({ startMs: from / 1000, workMs: busyUs / 1000, marked });
  }
  return frames;
}
