/**
 * One connection's bytes in one direction: read from the sending socket, booked on the shared
 * link, held until they would have arrived, then written to the receiving socket, in order, with
 * the end of stream (half-close) delivered after the last byte.
 *
 * Memory stays bounded by reading in paused mode: the pipe only reads what fits under the link's
 * per-connection queue limit, so when the queue is full the socket's own buffer fills and TCP flow
 * control stops the sender. A receiver that does not keep up stops delivery until it drains.
 *
 * Timing: Node's timers have whole-millisecond granularity, and a millisecond is already 10% of
 * a small tensor over a fast link. Mid-burst, chunks go out on timers (a late one delays nothing
 * after it); for the last couple of milliseconds of what is queued, the pipe polls the clock on
 * each event-loop turn (`setImmediate`), so a message's last byte arrives on time without the
 * proxy spinning for the whole transfer.
 */
import type { Socket } from 'node:net';
import type { LinkDirection } from './link-direction.js';

interface Pending {
  /** The bytes, or null for the end of stream. */
  readonly chunk: Buffer | null;
  readonly arrivesAtMs: number;
}

/** Poll the clock each loop turn once everything queued arrives within this long (timers run late by about 1 ms). */
const TIMER_LEAD_MS = 2;

export class ShapedPipe {
  private readonly pending: Pending[] = [];
  private queuedBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private waitingForDrain = false;
  private stopped = false;

  constructor(
    private readonly source: Socket,
    private readonly destination: Socket,
    private readonly link: LinkDirection,
  ) {
    source.on('readable', () => this.pull());
    source.on('end', () => this.pushEnd());
    destination.on('drain', () => {
      this.waitingForDrain = false;
      this.deliver();
    });
  }

  /** Drops whatever is queued and stops moving bytes (the connection is being torn down). */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    this.changeQueued(-this.queuedBytes);
    this.pending.length = 0;
  }

  /** Reads as much as fits under the queue limit; the rest waits in the socket (and the sender's TCP window). */
  private pull(): void {
    while (!this.stopped) {
      const roomBytes = this.link.queueLimitBytes - this.queuedBytes;
      const available = this.source.readableLength;
      if (roomBytes <= 0) return;
      // read() with no size takes everything buffered; read(n) exactly n bytes, since n ≤ buffered.
      const chunk = (
        available > roomBytes ? this.source.read(roomBytes) : this.source.read()
      ) as Buffer | null;
      if (chunk === null) return;
      this.push(chunk);
    }
  }

  private push(data: Buffer): void {
    const nowMs = performance.now();
    for (let offset = 0; offset < data.length; offset += this.link.chunkBytes) {
      const chunk = data.subarray(offset, offset + this.link.chunkBytes);
      this.pending.push({ chunk, arrivesAtMs: this.link.book(chunk.length, nowMs) });
    }
    this.changeQueued(data.length);
    this.schedule();
  }

  private pushEnd(): void {
    if (this.stopped) return;
    this.pending.push({ chunk: null, arrivesAtMs: this.link.endArrivesAtMs(performance.now()) });
    this.schedule();
  }

  private changeQueued(deltaBytes: number): void {
    this.queuedBytes += deltaBytes;
    this.link.noteQueued(deltaBytes, this.queuedBytes);
  }

  private schedule(): void {
    if (this.stopped || this.waitingForDrain || this.timer || this.immediate) return;
    const head = this.pending[0];
    const tail = this.pending.at(-1);
    if (!head || !tail) return;
    const nowMs = performance.now();
    if (tail.arrivesAtMs - nowMs <= TIMER_LEAD_MS) {
      // The end of what is queued is near: its arrival is when the receiver sees the message
      // complete, so poll the clock each loop turn rather than trust a millisecond timer.
      this.immediate = setImmediate(() => {
        this.immediate = undefined;
        this.deliver();
      });
      return;
    }
    // Mid-burst, a chunk a millisecond late changes nothing: the chunks after it are booked on
    // the link's clock, not on when this one left.
    const waitMs = Math.min(head.arrivesAtMs - nowMs, tail.arrivesAtMs - nowMs - TIMER_LEAD_MS);
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.deliver();
      },
      Math.max(0, waitMs),
    );
  }

  /** Writes every chunk that has arrived by now, stopping early when the receiver is full. */
  private deliver(): void {
    if (this.stopped) return;
    const nowMs = performance.now();
    let deliveredBytes = 0;
    let ended = false;
    this.destination.cork();
    while (!this.waitingForDrain && !ended) {
      const next = this.pending[0];
      if (!next || next.arrivesAtMs > nowMs) break;
      this.pending.shift();
      if (next.chunk === null) {
        this.destination.end();
        ended = true;
      } else {
        deliveredBytes += next.chunk.length;
        this.waitingForDrain = !this.destination.write(next.chunk);
      }
    }
    this.destination.uncork();
    if (deliveredBytes > 0) {
      this.link.noteDelivered(deliveredBytes);
      this.changeQueued(-deliveredBytes);
      this.pull();
    }
    this.schedule();
  }
}
