/**
 * A tier's Open Inference Protocol server (KServe v2 REST with the binary tensor extension) on
 * node:http. Every route but liveness needs `Authorization: Bearer <token>`; every failure is
 * answered with an OIP error object and the server goes on serving. Connections are kept alive
 * between requests; `close()` stops accepting, lets requests in flight finish, then resolves.
 *
 * A tier faces peers it does not control, so every resource a connection can tie up is bounded:
 * connections (`maxConnections`), a connection's silence before its first request and between
 * requests (`headersTimeoutMs`, `keepAliveTimeoutMs`), a request's arrival (`requestTimeoutMs`),
 * a body's rate of arrival (`minBodyBytesPerS`), the bytes of all bodies being received at once
 * (`maxBodyBytesInFlight`, reserved as they arrive, not as declared), and the requests queued
 * for each model (`maxWaitingPerModel`); past a bound the peer gets a 503 to retry, or its
 * connection is closed. Requests whose client has gone are not run.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { bearerCheck } from '../bearer.js';
import { lingerOnClose } from '../linger.js';
import { createSlots, type Slots } from '../slots.js';
import { createBodyBudget } from './body-budget.js';
import { answerClientError } from './client-error.js';
import { OipError, oipErrorBody } from './errors.js';
import { CLIENT_GONE_STATUS, declaredLength, handleInfer } from './infer-route.js';
import { modelMetadataJson } from './model.js';
import { modelConfigJson } from './model-config.js';
import { sendJson } from './respond.js';
import { findModel, matchRoute } from './routes.js';
import type { TierServer, TierServerOptions } from './server-options.js';

export type { TierServer, TierServerOptions, TierServerStats } from './server-options.js';

const MIB = 1024 * 1024;
/**
 * The protocol extensions `GET /v2` names, as Triton spells them (clients check before using one),
 * and Cutline's own: `cutline_relay`, the parameters that make a request one step of a split
 * inference (`TierModel.relay`); a request without them is a plain OIP inference.
 */
const SUPPORTED_EXTENSIONS: readonly string[] = [
  'binary_tensor_data',
  'model_configuration',
  'cutline_relay',
];
/**
 * The least default queue per model: one peer's client keeps up to 16 requests in flight, so a
 * model that runs one at a time must let a couple of peers queue without 503s. Queued requests
 * still hold their bodies within `maxBodyBytesInFlight`, which bounds their memory.
 */
const MIN_WAITING = 32;
/**
 * The share of the body budget one remote address may hold by default. Half, not less: the tiers of
 * a deployment on one machine (the harness, emulated links) all reach each other from 127.0.0.1,
 * and a device's client keeps up to 16 requests in flight; half still leaves the other half to
 * everyone else when one peer, stalled or hostile, fills its share.
 */
const CLIENT_SHARE = 1 / 2;
/**
 * The least rate a body must arrive at by default. Stalled senders must not hold their share of the
 * body budget (nor a connection) until the 60 s request timeout, yet every real link must pass,
 * including a link profile a user made slow: 16 KiB/s is about 131 kb/s, a fortieth of the slowest
 * shipped profile (LTE uplink, 6 Mb/s ≈ 750 KB/s). A stalled body is cut after one window whatever
 * the rate; a slow one at this rate holds at most about 2 MiB by the request timeout.
 */
const MIN_BODY_BYTES_PER_S = 16 * 1024;
/**
 * The window that rate is measured over by default: long enough to ride out a TCP stall or a
 * retransmission on a lossy link, short enough that a stalled body frees its bytes within seconds.
 */
const BODY_RATE_WINDOW_MS = 2_000;
/** How long a refused upload's connection is kept open after the answer so the peer can read it. */
const LINGER_MS = 2_000;

/** Starts a tier server and resolves once it listens. */
export async function createTierServer(options: TierServerOptions): Promise<TierServer> {
  const host = options.host ?? '127.0.0.1';
  const maxRequestBytes = options.maxRequestBytes ?? 64 * MIB;
  const drainTimeoutMs = options.drainTimeoutMs ?? 10_000;
  const authorized = bearerCheck(options.token);
  const slots = new Map<string, Slots>(
    [...options.models].map(([name, model]) => {
      const limit = model.maxConcurrency ?? 1;
      return [name, createSlots(limit, options.maxWaitingPerModel ?? Math.max(MIN_WAITING, 4 * limit))];
    }),
  );
  const budgetBytes = options.maxBodyBytesInFlight ?? 4 * maxRequestBytes;
  const bodyBudget = createBodyBudget(
    budgetBytes,
    options.maxBodyBytesPerClient ??
      Math.min(budgetBytes, Math.max(maxRequestBytes, Math.floor(budgetBytes * CLIENT_SHARE))),
  );
  if (bodyBudget.limitBytes < maxRequestBytes) {
    throw new Error(
      `maxBodyBytesInFlight (${bodyBudget.limitBytes}) must be at least maxRequestBytes (${maxRequestBytes}), or the largest request could never be served.`,
    );
  }
  const keepAliveTimeout = options.keepAliveTimeoutMs ?? 30_000;
  const requestTimeout = options.requestTimeoutMs ?? 60_000;
  // Node requires headersTimeout ≤ requestTimeout when the latter is set (0: no limit).
  const headersTimeoutWanted = options.headersTimeoutMs ?? 20_000;
  const headersTimeout =
    requestTimeout > 0 ? Math.min(headersTimeoutWanted, requestTimeout) : headersTimeoutWanted;
  // https.Server takes http.createServer's options too, so both serve alike.
  const serverOptions: http.ServerOptions = {
    keepAlive: true,
    keepAliveTimeout,
    requestTimeout,
    headersTimeout,
    // Node enforces both timeouts only when it checks, every 30 s by default, so a 20 s limit
    // could hold a silent or dribbling connection up to 50 s. The check walks only connections
    // awaiting a request's bytes (not idle kept-alive ones, nor requests being answered): cheap.
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headersTimeout / 4))),
  };
  const server = options.tls
    ? https.createServer({
        ...serverOptions,
        cert: options.tls.cert,
        key: options.tls.key,
        // A handshake that does not finish is cut as soon as silent headers would be, not after
        // TLS's default 120 s: otherwise idle connections could hold every slot of maxConnections.
        handshakeTimeout: headersTimeout,
      })
    : http.createServer(serverOptions);
  // server.timeout (socket inactivity) stays 0: it would also cut an inference that runs longer.
  server.maxConnections = options.maxConnections ?? 1024;
  let closing = false;
  let connectionsOpened = 0;
  let connectionsRefused = 0;
  let requests = 0;
  const errors: Record<number, number> = {};
  const count = (status: number): void => {
    errors[status] = (errors[status] ?? 0) + 1;
  };

  server.on('drop', () => connectionsRefused++);
  server.on('connection', (socket: Socket) => {
    connectionsOpened++;
    socket.setNoDelay(true);
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    answerClientError(error, socket as Socket, {
      headersTimeout,
      requestTimeout,
      lingerMs: LINGER_MS,
      count,
    });
  });

  const fail = (req: IncomingMessage, res: ServerResponse, error: unknown): void => {
    const status = error instanceof OipError ? error.status : 500;
    count(status);
    if (status === CLIENT_GONE_STATUS || res.headersSent) {
      res.destroy();
      return;
    }
    if (!req.complete && !canDrain(req, status, maxRequestBytes)) {
      // The rest of the body is not read: close rather than drain it for the next request.
      res.setHeader('Connection', 'close');
      lingerOnClose(req.socket, LINGER_MS);
    }
    if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    sendJson(res, status, oipErrorBody(error));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const receivedAt = performance.now();
    requests++;
    if (closing) res.setHeader('Connection', 'close');
    const route = matchRoute(req.method ?? 'GET', req.url ?? '/');
    if (route.kind === 'live') return sendJson(res, 200, { live: true });
    if (!authorized(req.headers.authorization)) {
      throw new OipError(
        req.headers.authorization === undefined
          ? 'This tier needs an Authorization: Bearer <token> header with the deployment’s shared token.'
          : 'The bearer token does not match this tier’s shared token.',
        401,
      );
    }
    if (route.kind === 'server-metadata') {
      return sendJson(res, 200, {
        name: options.serverName ?? 'cutline-tier',
        version: options.serverVersion ?? '1',
        extensions:
          options.relay === false
            ? SUPPORTED_EXTENSIONS.filter((name) => name !== 'cutline_relay')
            : SUPPORTED_EXTENSIONS,
      });
    }
    if (route.kind === 'ready') {
      const ready = [...options.models.values()].every((m) => m.isReady?.() ?? true);
      return sendJson(res, ready ? 200 : 503, { ready });
    }
    const model = findModel(options.models, route.model, route.version);
    // An entry that exists only for the relay answers a relay request and nothing else.
    if (route.kind !== 'infer' && model.relayOnly !== undefined) throw new OipError(model.relayOnly, 404);
    if (route.kind === 'model-metadata') return sendJson(res, 200, modelMetadataJson(route.model, model));
    if (route.kind === 'model-config') return sendJson(res, 200, modelConfigJson(route.model, model));
    if (route.kind === 'model-ready') {
      const ready = model.isReady?.() ?? true;
      return sendJson(res, ready ? 200 : 503, { name: route.model, ready });
    }
    await handleInfer(req, res, {
      modelName: route.model,
      model,
      slots: slots.get(route.model)!,
      maxRequestBytes,
      bodyBudget,
      minBodyRate: {
        bytesPerS: options.minBodyBytesPerS ?? MIN_BODY_BYTES_PER_S,
        windowMs: options.bodyRateWindowMs ?? BODY_RATE_WINDOW_MS,
      },
      receivedAt,
    });
  };

  const inFlight = new Set<ServerResponse>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    inFlight.add(res);
    res.on('close', () => {
      inFlight.delete(res);
      // While closing, a connection whose last answer just went out is idle: close it now.
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
    handle(req, res).catch((error: unknown) => fail(req, res, error));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `${options.tls ? 'https' : 'http'}://${urlHost}:${port}`,
    host,
    port,
    stats: () => ({
      connectionsOpened,
      connectionsRefused,
      requests,
      errors: { ...errors },
      bodyBytesInFlight: bodyBudget.heldBytes,
      waiting: Object.fromEntries([...slots].map(([name, s]) => [name, s.waiting])),
    }),
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
        const force = setTimeout(() => server.closeAllConnections(), drainTimeoutMs);
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

/**
 * Whether Node may read and discard the unread rest of a body to keep the connection: only small,
 * declared ones, and not for a peer without the token (401: nothing it sends is wanted), a body
 * too large (413), one too slow to wait for (408) or a tier too busy to read it (503).
 */
function canDrain(req: IncomingMessage, status: number, maxRequestBytes: number): boolean {
  if (status === 401 || status === 408 || status === 413 || status === 503) return false;
  const declared = declaredLength(req);
  return declared !== null && declared <= maxRequestBytes;
}
