/**
 * What the live harness reports, as plain JSON: the events it streams while it runs (the CLI
 * prints them as JSON lines, the studio draws them as they arrive) and its summary. No imports,
 * so the studio's renderer can use these types without Node's.
 */
export type HarnessEvent =
  | { event: 'tier'; tier: string; url: string; pid: number }
  | {
      event: 'link';
      hop: number;
      from: string;
      to: string;
      uplinkMbps: number;
      downlinkMbps: number;
      rttMs: number;
      emulated: boolean;
    }
  | {
      event: 'request';
      index: number;
      phase: 'latency' | 'stream';
      ok: boolean;
      latencyMs: number;
      /** The device's own time, and that less its time on the links (see `HarnessSummary`); when ok. */
      deviceMs?: number;
      deviceLessLinksMs?: number;
      /** Per tier (manifest order): the time it spent running its segments for this request; when ok. */
      computeMsPerTier?: number[];
      /** Per hop: the time this request's transfers across it took (see `HopFigures.measuredMs`); when ok. */
      hopMs?: number[];
      /**
       * |split − whole| of the element furthest off relative to its allowance, over every output
       * (core/export/tolerance.ts); null when not ok.
       */
      maxAbsDiff: number | null;
      /** That element's allowance, `atol + rtol · |whole|`; when ok. */
      tolerance?: number;
      /** The output and flat element index of that element; when some element differs. */
      output?: string;
      element?: number;
      fallback: boolean;
      error?: string;
    }
  | { event: 'calibrated'; peakGflops: number; nodes: number }
  /**
   * Before the first request: what the figures are held against, per tier and per hop, so a
   * chart can draw predicted next to measured as requests arrive (the summary repeats them).
   */
  | {
      event: 'predicted';
      tiers: string[];
      /** The bundle's plan (the topology's profiles). */
      planLatencyMs: number;
      planComputeMsPerTier: number[];
      planHopMs: number[];
      /** With this machine's profile on every tier; null without one (see `HarnessSummary`). */
      hostLatencyMs: number | null;
      hostComputeMsPerTier: number[] | null;
      /** Per tier: why its predicted compute is only a lower bound (see `HarnessSummary`), or null. */
      dataDependentPerTier?: (string | null)[];
    }
  | { event: 'summary'; summary: HarnessSummary }
  | { event: 'error'; message: string };

export interface HopFigures {
  readonly from: string;
  readonly to: string;
  /** Measured time of the hop's transfers per inference (both ways), ms, median. */
  readonly measuredMs: number;
  /**
   * What the emulated link should take: per message and direction, rtt/2 + bytes·8/bandwidth;
   * null when the run did not emulate links (the tiers talked over loopback).
   */
  readonly emulatedMs: number | null;
  /** The cost model's figure for the same transfers (rtt/2 per tensor), ms. */
  readonly predictedMs: number;
  readonly bytes: number;
}

export interface HarnessSummary {
  readonly requests: number;
  /** Requests answered through the split (not failed, not a fallback): the only ones measured or compared. */
  readonly answered: number;
  readonly failed: number;
  /**
   * Requests the device answered by running the whole model itself (a tier was unreachable and
   * the bundle says `onUnreachable: 'local'`): answered, but the split was not exercised, so they
   * are left out of every timing and the run is not `verified`.
   */
  readonly fallbacks: number;
  /** Every request answered through the split, with outputs equal to the whole model's (and at least one was). */
  readonly verified: boolean;
  /**
   * |split − whole| of the answered requests' element furthest off relative to its allowance;
   * null when none was answered (nothing compared).
   */
  readonly maxAbsDiff: number | null;
  /**
   * That element's allowance, `atol + rtol · |whole|` (core/export/tolerance.ts); null when
   * nothing was compared.
   */
  readonly tolerance: number | null;
  /** The output and flat element index of that element; absent when no element differs. */
  readonly output?: string;
  readonly element?: number;
  /** The rule the answers were held to (absent in summaries from before it was reported). */
  readonly rtol?: number;
  /** Absolute; null for the default, which scales with each output's largest |value|. */
  readonly atol?: number | null;
  /** Medians over the answered requests only (0 when none was: `answered` says so). */
  readonly measured: {
    readonly latencyMs: number;
    /** The device's own time per inference (without the client's exchange with the device), median. */
    readonly deviceMs: number;
    /**
     * The device's time less its requests' time on the links (see `HopFigures.measuredMs`), per
     * request, median: the split's compute plus the runtime's own costs. The median of the
     * differences, not the difference of the medians, which skewed link times would bias.
     */
    readonly deviceLessLinksMs: number;
    readonly latencyP90Ms: number;
    /** Answered stream requests per second; null without a stream or when none of it was answered. */
    readonly throughputPerS: number | null;
    readonly computeMsPerTier: readonly number[];
  };
  readonly predicted: {
    /** From the bundle's plan (the topology's profiles). */
    readonly planLatencyMs: number;
    readonly planComputeMsPerTier: readonly number[];
    /**
     * With this machine's profile on every tier, costed as the bundle is served, plus the links'
     * time only when they were emulated; null without a profile.
     */
    readonly hostLatencyMs: number | null;
    readonly hostComputeMsPerTier: readonly number[] | null;
    /**
     * Per tier: why its predicted compute (and so the end-to-end figure) is only a lower bound,
     * `<layer>: <reason>` of a data-dependent layer it runs (core/costs/data-dependent.ts), or
     * null when its figure is a prediction; absent in summaries from before it was reported.
     */
    readonly dataDependentPerTier?: readonly (string | null)[];
  };
  readonly hops: readonly HopFigures[];
  readonly tiers: readonly string[];
}
