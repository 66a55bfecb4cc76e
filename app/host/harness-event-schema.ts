/**
 * The shape of a harness event the host streams to the page (core/bundle/harness-types.ts): the
 * `cutline harness --json` output is another process's text, so a line that merely looks like an
 * event (a JSON object with a string `event`) is checked before the page draws it.
 */
import { z } from 'zod';
import type { HarnessEvent } from '../shared/studio-api.js';

type StreamedHarnessEvent = Exclude<HarnessEvent, { event: 'summary' }>;

const count = z.number().int().nonnegative();
const ms = z.number().finite();

const streamedEvent = z.discriminatedUnion('event', [
  z.object({ event: z.literal('tier'), tier: z.string(), url: z.string(), pid: z.number().int() }),
  z.object({
    event: z.literal('link'),
    hop: count,
    from: z.string(),
    to: z.string(),
    uplinkMbps: z.number(),
    downlinkMbps: z.number(),
    rttMs: z.number(),
    emulated: z.boolean(),
  }),
  z.object({
    event: z.literal('request'),
    index: z.number().int(),
    phase: z.enum(['latency', 'stream']),
    ok: z.boolean(),
    latencyMs: ms,
    deviceMs: ms.optional(),
    deviceLessLinksMs: ms.optional(),
    computeMsPerTier: z.array(ms).optional(),
    hopMs: z.array(ms).optional(),
    maxAbsDiff: z.number().nullable(),
    tolerance: z.number().optional(),
    output: z.string().optional(),
    element: z.number().int().optional(),
    fallback: z.boolean(),
    error: z.string().optional(),
  }),
  z.object({ event: z.literal('calibrated'), peakGflops: z.number(), nodes: count }),
  z.object({
    event: z.literal('predicted'),
    tiers: z.array(z.string()),
    planLatencyMs: ms,
    planComputeMsPerTier: z.array(ms),
    planHopMs: z.array(ms),
    hostLatencyMs: ms.nullable(),
    hostComputeMsPerTier: z.array(ms).nullable(),
    dataDependentPerTier: z.array(z.string().nullable()).optional(),
  }),
  z.object({ event: z.literal('error'), message: z.string() }),
]);

/**
 * The event a harness stdout line carries, with only its declared fields; null when the line is
 * not one of the streamed events (`summary` is the job's result, read separately).
 */
export function streamedHarnessEvent(value: unknown): StreamedHarnessEvent | null {
  const parsed = streamedEvent.safeParse(value);
  // zod types an optional field as `T | undefined`; it leaves a missing one out, as HarnessEvent says.
  return parsed.success ? (parsed.data as StreamedHarnessEvent) : null;
}
