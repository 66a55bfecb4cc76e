/**
 * One direction of an emulated link: its clock and its counters. Every connection through the
 * emulator shares it, as flows share one physical link, so two transfers at once each get part of
 * the bandwidth rather than the whole of it.
 *
 * Model (DOMAIN.md, `core/predict/transfer.ts`): S bytes sent one way arrive after
 * `delayMs + S·8 / (Mbps·10⁶) · 1000` ms, with `delayMs` the one-way propagation delay (rtt/2).
 * The link serialises one chunk at a time: a chunk starts when it is handed over or when the link
 * frees, whichever is later, and reaches the far end `delayMs` after its last bit left. The send
 * times come from this clock, never from when a timer happened to fire, so timer lateness delays a
 * delivery but never accumulates into the rate.
 */
import { CutlineError } from '../errors.js';

/** Bandwidth and one-way delay of one direction. */
export interface LinkDirectionSpec {
  /** Serialisation rate, Mb/s (10⁶ bits per second). */
  readonly mbps: number;
  /** One-way propagation delay, ms (rtt/2 for a symmetric link). */
  readonly delayMs: number;
}

/** What one direction has carried, for `LinkEmulator.stats()`. */
export interface LinkDirectionStats {
  readonly mbps: number;
  readonly delayMs: number;
  /** Bytes delivered to the far end. */
  readonly bytes: number;
  /** Time the link spent serialising those bytes, ms (bytes·8 / rate). */
  readonly busyMs: number;
  /** Bytes read from senders but not yet delivered, over all connections, now. */
  readonly queuedBytes: number;
  /** The most bytes any one connection ever had queued in this direction. */
  readonly maxQueuedBytes: number;
  /** The bound on a connection's queue: past it the emulator stops reading from the sender. */
  readonly queueLimitBytes: number;
}

const BITS_PER_BYTE = 8;
/** Aim for chunks of about this much link time, so a message is paced rather than sent in one go. */
const CHUNK_MS = 1;
const MIN_CHUNK_BYTES = 1024;
const MAX_CHUNK_BYTES = 16 * 1024;
/**
 * Queue headroom on top of the bytes in flight over the delay, as link time and at least 1 MiB:
 * the link stays busy while the event loop is held up (GC, a busy CPU) for up to this long.
 */
const QUEUE_HEADROOM_MS = 25;
const MIN_QUEUE_HEADROOM_BYTES = 1024 * 1024;

export class LinkDirection {
  readonly bytesPerMs: number;
  readonly chunkBytes: number;
  readonly queueLimitBytes: number;
  private freeAtMs = 0;
  private bytes = 0;
  private busyMs = 0;
  private queuedBytes = 0;
  private maxQueuedBytes = 0;

  constructor(
    readonly spec: LinkDirectionSpec,
    queueLimitBytes?: number,
  ) {
    this.bytesPerMs = (spec.mbps * 1e6) / BITS_PER_BYTE / 1000;
    this.chunkBytes = Math.round(
      Math.min(MAX_CHUNK_BYTES, Math.max(MIN_CHUNK_BYTES, this.bytesPerMs * CHUNK_MS)),
    );
    // The queue holds chunks until they arrive, so it must hold the bytes in flight over the
    // delay (the bandwidth-delay product) or the link could never run at its full rate.
    const headroomBytes = Math.max(MIN_QUEUE_HEADROOM_BYTES, this.bytesPerMs * QUEUE_HEADROOM_MS);
    this.queueLimitBytes = queueLimitBytes ?? Math.ceil(headroomBytes + this.bytesPerMs * spec.delayMs);
  }

  /** Time the link needs to serialise `bytes`, ms. */
  serialiseMs(bytes: number): number {
    return bytes / this.bytesPerMs;
  }

  /**
   * Books the link for a chunk handed over at `nowMs` and returns when its last byte reaches
   * the far end: `max(now, link free) + bytes/rate + delay`.
   */
  book(bytes: number, nowMs: number): number {
    this.freeAtMs = Math.max(nowMs, this.freeAtMs) + this.serialiseMs(bytes);
    return this.freeAtMs + this.spec.delayMs;
  }

  /** When an end of stream sent at `nowMs` reaches the far end: after every byte booked before it. */
  endArrivesAtMs(nowMs: number): number {
    return Math.max(nowMs, this.freeAtMs) + this.spec.delayMs;
  }

  /** A connection's queue changed by `deltaBytes` and now holds `connectionQueuedBytes`. */
  noteQueued(deltaBytes: number, connectionQueuedBytes: number): void {
    this.queuedBytes += deltaBytes;
    this.maxQueuedBytes = Math.max(this.maxQueuedBytes, connectionQueuedBytes);
  }

  noteDelivered(bytes: number): void {
    this.bytes += bytes;
    this.busyMs += this.serialiseMs(bytes);
  }

  stats(): LinkDirectionStats {
    return {
      mbps: this.spec.mbps,
      delayMs: this.spec.delayMs,
      bytes: this.bytes,
      busyMs: this.busyMs,
      queuedBytes: this.queuedBytes,
      maxQueuedBytes: this.maxQueuedBytes,
      queueLimitBytes: this.queueLimitBytes,
    };
  }
}

/** Throws BAD_PROFILE unless the direction has a positive finite rate and a finite delay ≥ 0. */
export function checkLinkDirection(spec: LinkDirectionSpec, label: string): void {
  if (
    !(spec.mbps > 0) ||
    !Number.isFinite(spec.mbps) ||
    !(spec.delayMs >= 0) ||
    !Number.isFinite(spec.delayMs)
  ) {
    throw new CutlineError(
      'BAD_PROFILE',
      `Link emulation needs a bandwidth above 0 Mb/s and a delay of 0 ms or more, but the ${label} direction has ${spec.mbps} Mb/s and ${spec.delayMs} ms; fix the link profile.`,
    );
  }
}
