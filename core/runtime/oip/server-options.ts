/**
 * What a tier's Open Inference Protocol server takes and gives (server.ts starts it): its options,
 * with every bound a peer could otherwise exhaust, its stats and its handle.
 */
import type { TierModel } from './model.js';
import type { ServerTls } from './tls.js';

export interface TierServerOptions {
  /** Default 127.0.0.1; `0.0.0.0` to serve other machines. */
  readonly host?: string;
  /** Default 0: any free port (read it from `TierServer.port`). */
  readonly port?: number;
  /** The shared token peers send as `Authorization: Bearer <token>`; must not be empty. */
  readonly token: string;
  /** Largest request body accepted, bytes; larger ones get a 413 without being read. Default 64 MiB. */
  readonly maxRequestBytes?: number;
  readonly models: ReadonlyMap<string, TierModel>;
  /** Time to receive a whole request (headers and body), ms; answered 408 after it. Default 60 s. */
  readonly requestTimeoutMs?: number;
  /**
   * Time to receive a request's headers, ms, counted from the connection's opening for its first
   * request (so a connection that sends nothing is closed after it) and from the first byte for
   * later ones; answered 408 after it. Default 20 s, at most `requestTimeoutMs`.
   */
  readonly headersTimeoutMs?: number;
  /**
   * How long an idle kept-alive connection stays open after an answer, ms (Node waits 1 s more, so
   * a peer that honours the `Keep-Alive: timeout=…` it announces closes first). Default 30 s.
   */
  readonly keepAliveTimeoutMs?: number;
  /** Connections open at once; more are closed as soon as they are accepted. Default 1024. */
  readonly maxConnections?: number;
  /**
   * Bytes all request bodies being received (or still held by their request) may take at once;
   * a body that does not fit is answered 503. Default 4 × `maxRequestBytes`; at least `maxRequestBytes`.
   */
  readonly maxBodyBytesInFlight?: number;
  /**
   * Bytes the bodies from one remote address may hold at once within `maxBodyBytesInFlight`; more
   * are answered 503. Default half of it, at least `maxRequestBytes`.
   */
  readonly maxBodyBytesPerClient?: number;
  /**
   * The least rate a request body must keep arriving at, bytes/s, measured over each
   * `bodyRateWindowMs`; a slower body is answered 408 and its connection closed, freeing its share
   * of `maxBodyBytesInFlight`. Default 16 KiB/s.
   */
  readonly minBodyBytesPerS?: number;
  /** The window `minBodyBytesPerS` is measured over, and the grace before the first bytes, ms. Default 2 s. */
  readonly bodyRateWindowMs?: number;
  /**
   * Infer requests that may wait for each model's slots; more are answered 503. Default
   * 4 × the model's `maxConcurrency`, at least 32 (two peers' default connection pools).
   */
  readonly maxWaitingPerModel?: number;
  /** How long `close()` waits for requests in flight before cutting their connections, ms. Default 10 s. */
  readonly drainTimeoutMs?: number;
  /** Serve HTTPS with this certificate and key (read and checked by tls.ts `readServerTls`). */
  readonly tls?: ServerTls;
  /**
   * Whether the tier takes Cutline's relay steps (default true); false for a plain server (a stock
   * bundle's tier), whose `GET /v2` then does not offer `cutline_relay`.
   */
  readonly relay?: boolean;
  /** Reported by `GET /v2` (server metadata). */
  readonly serverName?: string;
  readonly serverVersion?: string;
}

export interface TierServerStats {
  readonly connectionsOpened: number;
  /** Connections closed on arrival because `maxConnections` were open. */
  readonly connectionsRefused: number;
  readonly requests: number;
  /** Answers with a status of 400 or more, by status (499: the client left before its answer). */
  readonly errors: Readonly<Record<number, number>>;
  /** Bytes request bodies hold now (see `maxBodyBytesInFlight`). */
  readonly bodyBytesInFlight: number;
  /** Infer requests waiting for a slot now, by model. */
  readonly waiting: Readonly<Record<string, number>>;
}

export interface TierServer {
  /** `http://host:port` (`https://` with TLS), with the port actually bound. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  stats(): TierServerStats;
  /** Stops accepting, finishes requests in flight (cutting them after `drainTimeoutMs`), then resolves. */
  close(): Promise<void>;
}
