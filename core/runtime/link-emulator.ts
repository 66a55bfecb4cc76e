/**
 * Link emulation on loopback: a TCP proxy between two tier processes that makes the connection
 * behave like the link of the topology, per direction: one-way propagation delay (rtt/2) and a
 * serialisation rate, so that S bytes sent one way take `rtt/2 + S·8 / (Mbps·10⁶)` (DOMAIN.md's
 * transfer cost, `core/predict/transfer.ts`). Byte order is kept, half-closes cross after the data
 * before them, a reset or error on one side resets the other, memory stays bounded (see
 * `ShapedPipe`), and every connection shares the link's bandwidth.
 *
 * Not emulated: the TCP handshake's round trip (the tier runtime keeps connections alive, and the
 * cost model charges none), loss, and a measured link's fitted curve (the emulator follows the
 * formula with the profile's Mb/s and RTT).
 */
import net from 'node:net';
import type { LinkProfile } from '../profiles/types.js';
import {
  checkLinkDirection,
  LinkDirection,
  type LinkDirectionSpec,
  type LinkDirectionStats,
} from './link-direction.js';
import { ShapedPipe } from './shaped-pipe.js';

export type { LinkDirectionSpec, LinkDirectionStats } from './link-direction.js';

export interface LinkEmulatorOptions {
  /** Address the proxy listens on; 127.0.0.1 by default. */
  readonly listenHost?: string;
  /** 0 (the default) picks a free port; read it from `LinkEmulator.port`. */
  readonly listenPort?: number;
  /** Where connections are forwarded: the receiving tier's server. */
  readonly targetHost: string;
  readonly targetPort: number;
  /** Client → target (the lower tier towards the higher, as `Direction` 'up' in the cost model). */
  readonly up: LinkDirectionSpec;
  /** Target → client. */
  readonly down: LinkDirectionSpec;
  /**
   * Most bytes one connection may have read but not yet delivered, per direction. By default
   * 1 MiB plus the bytes in flight over the delay.
   */
  readonly queueLimitBytes?: number;
}

export interface LinkEmulatorStats {
  readonly up: LinkDirectionStats;
  readonly down: LinkDirectionStats;
  readonly connections: { readonly open: number; readonly total: number };
}

export interface LinkEmulator {
  /** The port the proxy listens on: point the client here instead of at the target. */
  readonly port: number;
  stats(): LinkEmulatorStats;
  /** Stops listening and resets every connection still open. */
  close(): Promise<void>;
}

/**
 * Starts a TCP proxy on `listenHost:listenPort` that forwards to `targetHost:targetPort` through
 * an emulated link: transferring S bytes one way takes `delayMs + S·8 / (mbps·10⁶) · 1000` ms,
 * paced in chunks of about a millisecond of link time from the link's own clock.
 * Throws BAD_PROFILE for a rate ≤ 0 or a negative delay.
 */
export async function startLinkEmulator(options: LinkEmulatorOptions): Promise<LinkEmulator> {
  checkLinkDirection(options.up, 'up');
  checkLinkDirection(options.down, 'down');
  const up = new LinkDirection(options.up, options.queueLimitBytes);
  const down = new LinkDirection(options.down, options.queueLimitBytes);
  const open = new Set<() => void>();
  let total = 0;

  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    total += 1;
    const abort = relay(client, options, up, down, () => open.delete(abort));
    open.add(abort);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listenPort ?? 0, options.listenHost ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as net.AddressInfo;

  return {
    port: address.port,
    stats: () => ({
      up: up.stats(),
      down: down.stats(),
      connections: { open: open.size, total },
    }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const abort of [...open]) abort();
      }),
  };
}

/**
 * Connects one client to the target through the two shaped directions. Returns the function that
 * tears the pair down; `onClosed` runs once both sockets have closed.
 */
function relay(
  client: net.Socket,
  options: LinkEmulatorOptions,
  upLink: LinkDirection,
  downLink: LinkDirection,
  onClosed: () => void,
): () => void {
  const target = net.connect({
    host: options.targetHost,
    port: options.targetPort,
    allowHalfOpen: true,
    noDelay: true,
  });
  const upPipe = new ShapedPipe(client, target, upLink);
  const downPipe = new ShapedPipe(target, client, downLink);
  let aborted = false;
  let closed = 0;

  // An error or an abrupt close on one side becomes a reset on the other, as a real link would
  // show a dead peer: the client of a refused or crashed target sees ECONNRESET, never a hang.
  const abort = (): void => {
    if (aborted) return;
    aborted = true;
    upPipe.stop();
    downPipe.stop();
    for (const socket of [client, target]) {
      if (socket.destroyed) continue;
      if (socket.connecting) socket.destroy();
      else socket.resetAndDestroy();
    }
  };
  for (const socket of [client, target]) {
    socket.on('error', abort);
    socket.on('close', () => {
      // A graceful close has both halves finished: we got its FIN and our pipe delivered ours.
      if (!(socket.readableEnded && socket.writableFinished)) abort();
      closed += 1;
      if (closed === 2) onClosed();
    });
  }
  return abort;
}

/**
 * The two directions of a link profile as the emulator takes them: the profile's up- and
 * downlink Mb/s, each with half the round-trip time as its one-way delay.
 */
export function linkDirections(link: LinkProfile): { up: LinkDirectionSpec; down: LinkDirectionSpec } {
  const delayMs = link.rttMs / 2;
  return { up: { mbps: link.uplinkMbps, delayMs }, down: { mbps: link.downlinkMbps, delayMs } };
}
