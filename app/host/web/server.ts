/**
 * The local web host: the studio in a browser. An HTTP server on 127.0.0.1 at a random port
 * serving the renderer's page and the StudioApi over HTTP + server-sent events, with a
 * per-launch token required on every request (see access.ts).
 *
 *     const web = await startWebHost({ studio: { configDir } });
 *     console.log(`Open ${web.url}`);   // http://127.0.0.1:PORT/?token=…
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_MODEL_UPLOAD_BYTES, type HostCommand } from '../../shared/studio-api.js';
import { studioError } from '../host-errors.js';
import { createStudioHost, type StudioHost, type StudioHostOptions } from '../studio-host.js';
import {
  TOKEN_QUERY,
  cookieToken,
  headerToken,
  hostIsAllowed,
  newLaunchToken,
  originIsAllowed,
  sameSecret,
  tokenCookie,
} from './access.js';
import { MAX_JSON_BODY_BYTES, handleApi } from './api-routes.js';
import { createEventHub } from './event-stream.js';
import { createBodyBudget } from './request-body.js';
import { refuse, sendError, setSecurityHeaders } from './responses.js';
import { DEFAULT_STATIC_DIR, serveStatic } from './static-files.js';

export interface WebHostOptions {
  readonly studio: StudioHostOptions;
  /** The renderer's built files (default dist/renderer/). */
  readonly staticDir?: string;
  /** Default 0: a free port chosen by the OS. */
  readonly port?: number;
  /** Largest model upload (default MAX_MODEL_UPLOAD_BYTES). */
  readonly maxUploadBytes?: number;
  /**
   * What the request bodies in flight may hold in memory together; a body that would pass it is
   * answered 503 BUSY. Default: the upload limit plus a JSON body's, so one largest upload does
   * not stop the page's other calls but a second one at once is refused.
   */
  readonly bodyBudgetBytes?: number;
}

export interface WebHost {
  /** What to open in a browser: `http://127.0.0.1:PORT/?token=…`. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly host: StudioHost;
  /** Bytes the request bodies in flight hold now (their buffers, not what they declared). */
  readonly bodyBytesHeld: number;
  /** Sends a command (menu item, shortcut) to every connected page. */
  sendCommand(command: HostCommand): void;
  /** Stops the server, its event streams and the host's workers. */
  close(): Promise<void>;
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = newLaunchToken();
  const host = createStudioHost(options.studio);
  const events = createEventHub();
  const unsubscribeProgress = host.onProgress((event) => events.progress(event));
  const unsubscribeJobs = host.onJob((event) => events.job(event));
  const staticDir = options.staticDir ?? DEFAULT_STATIC_DIR;
  const maxUploadBytes = options.maxUploadBytes ?? MAX_MODEL_UPLOAD_BYTES;
  const bodyBudget = createBodyBudget(options.bodyBudgetBytes ?? maxUploadBytes + MAX_JSON_BODY_BYTES);
  let port = 0;

  const server = http.createServer((request, response) => {
    setSecurityHeaders(response);
    route(request, response).catch(() => {
      if (!response.headersSent)
        sendError(response, 500, studioError('INTERNAL', 'The host failed to answer.'));
      else response.destroy();
    });
  });

  async function route(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    if (!hostIsAllowed(request, port)) return refuse(response, 403);
    const url = new URL(request.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname.startsWith('/api/')) {
      if (!originIsAllowed(request, port)) return refuse(response, 403);
      if (!sameSecret(headerToken(request), token)) return refuse(response, 401);
      return handleApi(request, response, url, {
        host,
        configDir: options.studio.configDir,
        events,
        maxUploadBytes,
        bodyBudget,
      });
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(response, 405);
    const fromQuery = url.searchParams.get(TOKEN_QUERY) ?? undefined;
    if (sameSecret(fromQuery, token)) response.setHeader('Set-Cookie', tokenCookie(token));
    else if (!sameSecret(cookieToken(request), token)) return refuse(response, 401);
    return serveStatic(request, response, url.pathname, staticDir, token);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/?${TOKEN_QUERY}=${token}`,
    port,
    token,
    host,
    get bodyBytesHeld() {
      return bodyBudget.heldBytes;
    },
    sendCommand: (command) => events.command(command),
    async close() {
      unsubscribeProgress();
      unsubscribeJobs();
      events.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await Promise.all([closed, host.close()]);
    },
  };
}
