/**
 * A live harness run as the page keeps it: the events the `harness` job streams folded into one
 * immutable record (tiers started, links, what the figures are held against, every request), and
 * the figures drawn from it while it runs. Pure: the store and the tab only call these.
 */
import type {
  ExportArgs,
  HarnessArgs,
  HarnessEvent,
  HarnessSummary,
  StudioError,
} from '../../shared/studio-api.js';
import { median } from '../../../core/profiling/stats.js';
import {
  DEFAULT_TOLERANCE,
  formatTolerance,
  LEGACY_TOLERANCE,
  toleranceWords,
  withinTolerance,
  worstCheck,
} from '../../../core/export/tolerance.js';
import { checkWords, elementWords, formatDifference } from '../../../core/export/verification-words.js';

type RequestEvent = Extract<HarnessEvent, { event: 'request' }>;
type LinkEvent = Extract<HarnessEvent, { event: 'link' }>;
type PredictedEvent = Extract<HarnessEvent, { event: 'predicted' }>;

/** One timed request, in the order it was answered (`seq` from 1; warm-up requests are left out). */
export interface RequestPoint {
  readonly seq: number;
  readonly index: number;
  readonly phase: 'latency' | 'stream';
  readonly ok: boolean;
  readonly fallback: boolean;
  readonly latencyMs: number;
  readonly maxAbsDiff: number | null;
  /** What `maxAbsDiff` is held to: its element's `atol + rtol · |whole|` (core/export/tolerance.ts). */
  readonly tolerance: number;
  /** The output and element of `maxAbsDiff`; null when no element differs. */
  readonly output: string | null;
  readonly element: number | null;
  readonly computeMsPerTier: readonly number[] | null;
  readonly hopMs: readonly number[] | null;
  readonly error: string | null;
}

export type RunStatus = 'running' | 'done' | 'failed' | 'stopped';

export interface HarnessRun {
  /** Which run this is: events of an older one are ignored. */
  readonly id: number;
  readonly sessionId: string;
  readonly args: HarnessArgs;
  /** The design the bundle was exported from (where its layers run), for the measured overlay. */
  readonly design: Pick<ExportArgs, 'topology' | 'placement'> & { readonly inputs?: ExportArgs['inputs'] };
  readonly status: RunStatus;
  readonly jobId: string | null;
  readonly fraction: number;
  readonly message: string;
  readonly tiers: readonly { readonly tier: string; readonly pid: number }[];
  readonly links: readonly LinkEvent[];
  readonly calibrated: { readonly peakGflops: number; readonly nodes: number } | null;
  readonly predicted: PredictedEvent | null;
  readonly requests: readonly RequestPoint[];
  /** Warm-up requests answered (untimed, before the first timed one). */
  readonly warmups: number;
  /** Problems the harness reported as events (not the job's own failure, which is `error`). */
  readonly problems: readonly string[];
  readonly summary: HarnessSummary | null;
  readonly error: StudioError | null;
}

export function startedRun(
  id: number,
  sessionId: string,
  args: HarnessArgs,
  design: HarnessRun['design'],
): HarnessRun {
  return {
    id,
    sessionId,
    args,
    design,
    status: 'running',
    jobId: null,
    fraction: 0,
    message: 'Starting the tiers…',
    tiers: [],
    links: [],
    calibrated: null,
    predicted: null,
    requests: [],
    warmups: 0,
    problems: [],
    summary: null,
    error: null,
  };
}

function pointOf(event: RequestEvent, seq: number): RequestPoint {
  return {
    seq,
    index: event.index,
    phase: event.phase,
    ok: event.ok,
    fallback: event.fallback,
    latencyMs: event.latencyMs,
    maxAbsDiff: event.maxAbsDiff,
    tolerance: event.tolerance ?? LEGACY_TOLERANCE,
    output: event.output ?? null,
    element: event.element ?? null,
    computeMsPerTier: event.computeMsPerTier ?? null,
    hopMs: event.hopMs ?? null,
    error: event.error ?? null,
  };
}

/**
 * `run` with `events` folded in, in order; the same object when none changes it. Requests are
 * appended in one copy per batch (the stream answers hundreds a second, the page draws a batch).
 */
export function withEvents(run: HarnessRun, events: readonly HarnessEvent[]): HarnessRun {
  if (events.length === 0) return run;
  let next = run;
  const added: RequestPoint[] = [];
  let warmups = run.warmups;
  for (const event of events) {
    switch (event.event) {
      case 'tier':
        next = { ...next, tiers: [...next.tiers, { tier: event.tier, pid: event.pid }] };
        break;
      case 'link':
        next = { ...next, links: [...next.links, event] };
        break;
      case 'calibrated':
        next = { ...next, calibrated: { peakGflops: event.peakGflops, nodes: event.nodes } };
        break;
      case 'predicted':
        next = { ...next, predicted: event };
        break;
      case 'request':
        // The harness numbers its warm-up requests below zero and does not time them.
        if (event.index < 0) warmups++;
        else added.push(pointOf(event, run.requests.length + added.length + 1));
        break;
      case 'summary':
        next = { ...next, summary: event.summary };
        break;
      case 'error':
        next = { ...next, problems: [...next.problems, event.message] };
        break;
    }
  }
  if (added.length > 0) next = { ...next, requests: [...run.requests, ...added] };
  if (warmups !== run.warmups) next = { ...next, warmups };
  return next;
}

/** Counts and medians over what has arrived so far; the summary's figures once it is there. */
export interface RunFigures {
  readonly timed: number;
  /** Answered through the split (not failed, not a fallback): the only ones measured or compared. */
  readonly answered: number;
  readonly failed: number;
  readonly fallbacks: number;
  /**
   * |split − whole| of the answered requests' element furthest off relative to its allowance;
   * null before any was answered.
   */
  readonly maxAbsDiff: number | null;
  /** That element's allowance; null before any answer. */
  readonly tolerance: number | null;
  /** That element's output and flat index; null when none differs. */
  readonly output: string | null;
  readonly element: number | null;
  readonly medianLatencyMs: number | null;
  /** Per tier (manifest order): the median of the answered sequential requests' compute; null before any. */
  readonly computeMsPerTier: readonly (number | null)[];
  /** Per hop: the median of the answered sequential requests' transfer time; null before any. */
  readonly hopMs: readonly (number | null)[];
}

const answeredOf = (requests: readonly RequestPoint[]): RequestPoint[] =>
  requests.filter((r) => r.ok && !r.fallback);

/** Median of each position of `rows` (rows may be shorter), over the rows that have it. */
function medianPerPosition(rows: readonly (readonly number[])[], count: number): (number | null)[] {
  return Array.from({ length: count }, (_, i) => {
    const values = rows.flatMap((row) => (row[i] === undefined ? [] : [row[i]]));
    return values.length > 0 ? median(values) : null;
  });
}

/**
 * The figures so far. Compute and link medians use the sequential requests only, as the
 * harness's summary does: in the stream several requests share the tiers, so one request's time
 * on a tier includes waiting for the others.
 */
export function runFigures(run: HarnessRun): RunFigures {
  const answered = answeredOf(run.requests);
  const sequential = answered.filter((r) => r.phase === 'latency');
  const tierCount = run.predicted?.tiers.length ?? run.tiers.length;
  const hopCount = run.links.length;
  const worst = worstCheck(
    answered.flatMap((r) =>
      r.maxAbsDiff === null
        ? []
        : [{ maxAbsDiff: r.maxAbsDiff, tolerance: r.tolerance, output: r.output, element: r.element }],
    ),
  );
  return {
    timed: run.requests.length,
    answered: answered.length,
    failed: run.requests.filter((r) => !r.ok).length,
    fallbacks: run.requests.filter((r) => r.ok && r.fallback).length,
    maxAbsDiff: worst?.maxAbsDiff ?? null,
    tolerance: worst?.tolerance ?? null,
    output: worst?.output ?? null,
    element: worst?.element ?? null,
    medianLatencyMs: sequential.length > 0 ? median(sequential.map((r) => r.latencyMs)) : null,
    computeMsPerTier: medianPerPosition(
      sequential.flatMap((r) => (r.computeMsPerTier ? [r.computeMsPerTier] : [])),
      tierCount,
    ),
    hopMs: medianPerPosition(
      sequential.flatMap((r) => (r.hopMs ? [r.hopMs] : [])),
      hopCount,
    ),
  };
}

/**
 * The element furthest off relative to its allowance and the rule ("rtol 1e-4 + atol …"; null for
 * a summary from before the rule was reported), as the Run tab's line says them.
 */
export interface VerificationCheck {
  readonly maxAbsDiff: number;
  readonly tolerance: number;
  readonly output: string | null;
  readonly element: number | null;
  readonly rule: string | null;
}

export type Verification =
  | { readonly state: 'waiting' }
  | ({ readonly state: 'so-far' } & VerificationCheck)
  | ({ readonly state: 'verified' } & VerificationCheck)
  | ({ readonly state: 'differs' } & VerificationCheck)
  | { readonly state: 'not-verified'; readonly reason: string };

/** The studio's runs take the default rule (the harness job passes no --rtol or --atol). */
const DEFAULT_RULE = toleranceWords(DEFAULT_TOLERANCE.rtol, DEFAULT_TOLERANCE.atol);

/** " within rtol 1e-4 + atol …", or nothing for a summary from before the rule was reported. */
export const withinRule = (c: VerificationCheck): string => (c.rule === null ? '' : ` within ${c.rule}`);

/**
 * A failed check in words, naming the element: "output logits, element 189 differs from the whole
 * model's by 6.0e+0, above its allowance 1e-5 (rtol 0 + atol 1e-5)".
 */
export function differsText(c: VerificationCheck): string {
  const what =
    c.output === null
      ? "the outputs differ from the whole model's"
      : `${elementWords({ output: c.output, element: c.element ?? -1, diff: c.maxAbsDiff, relDiff: 0 })} differs from the whole model's`;
  const by = Number.isFinite(c.maxAbsDiff)
    ? ` by ${formatDifference(c.maxAbsDiff)}`
    : ' (shape, type, NaN or infinity)';
  return `${what}${by}, above its allowance ${formatTolerance(c.tolerance)}${c.rule === null ? '' : ` (${c.rule})`}`;
}

/** "furthest off: 6.0e+0 where 3.1e+2 is allowed, output logits, element 189". */
export const checkText = (c: VerificationCheck): string =>
  checkWords(c.maxAbsDiff, c.tolerance, c.output, c.element);

/**
 * What can be said about the answers: the summary's verdict once the run ended, before that
 * whether the answers so far equal the whole model's. Failures or fallbacks mean the split was
 * not verified, whatever the answered requests say.
 */
export function verificationOf(run: HarnessRun, figures: RunFigures): Verification {
  const { summary } = run;
  if (summary) {
    // A summary from before tolerances were reported was held to 1e-4 absolute.
    const tolerance = summary.tolerance ?? LEGACY_TOLERANCE;
    const where = {
      output: summary.output ?? null,
      element: summary.element ?? null,
      rule: summary.rtol === undefined ? null : toleranceWords(summary.rtol, summary.atol ?? null),
    };
    if (summary.verified)
      return { state: 'verified', maxAbsDiff: summary.maxAbsDiff ?? 0, tolerance, ...where };
    if (summary.maxAbsDiff !== null && !withinTolerance(summary.maxAbsDiff, tolerance))
      return { state: 'differs', maxAbsDiff: summary.maxAbsDiff, tolerance, ...where };
    return {
      state: 'not-verified',
      reason: notVerifiedReason(summary.answered, summary.failed, summary.fallbacks),
    };
  }
  const tolerance = figures.tolerance ?? LEGACY_TOLERANCE;
  const where = { output: figures.output, element: figures.element, rule: DEFAULT_RULE };
  if (figures.maxAbsDiff !== null && !withinTolerance(figures.maxAbsDiff, tolerance))
    return { state: 'differs', maxAbsDiff: figures.maxAbsDiff, tolerance, ...where };
  if (figures.failed > 0 || figures.fallbacks > 0)
    return {
      state: 'not-verified',
      reason: notVerifiedReason(figures.answered, figures.failed, figures.fallbacks),
    };
  if (run.status !== 'running') {
    const ended = run.status === 'stopped' ? 'stopped before the end' : 'the run ended without its summary';
    const soFar =
      figures.maxAbsDiff === null
        ? ''
        : ` (the ${figures.answered} answers equal the whole model's within ${DEFAULT_RULE}; ${checkText({ maxAbsDiff: figures.maxAbsDiff, tolerance, ...where })})`;
    return { state: 'not-verified', reason: ended + soFar };
  }
  return figures.maxAbsDiff === null
    ? { state: 'waiting' }
    : { state: 'so-far', maxAbsDiff: figures.maxAbsDiff, tolerance, ...where };
}

function notVerifiedReason(answered: number, failed: number, fallbacks: number): string {
  const parts: string[] = [];
  if (failed > 0) parts.push(`${failed} failed`);
  if (fallbacks > 0) parts.push(`${fallbacks} answered by the device alone`);
  if (answered === 0) parts.push('none answered through the split');
  return parts.join(', ') || 'not every answer was compared';
}

/** The run's tier names in manifest order, as far as they are known yet. */
export function runTierNames(run: HarnessRun): readonly string[] {
  return run.summary?.tiers ?? run.predicted?.tiers ?? run.tiers.map((t) => t.tier);
}

/** The run as the job ended it: done with its summary, stopped, or failed with the host's error. */
export function endedRun(
  run: HarnessRun,
  outcome:
    | { readonly ok: true; readonly value: HarnessSummary }
    | { readonly ok: false; readonly error: StudioError },
): HarnessRun {
  if (outcome.ok) return { ...run, status: 'done', summary: outcome.value, fraction: 1, message: 'Done' };
  if (outcome.error.code === 'CANCELLED') return { ...run, status: 'stopped', message: 'Stopped' };
  return { ...run, status: 'failed', error: outcome.error };
}
