/**
 * Serves the renderer's built files (dist/renderer/) on the studio's custom scheme, with the
 * same Content-Security-Policy the web host sends: one page, one policy, whichever host shows
 * it. Written against the web platform's Request/Response so it runs, and is tested, in Node.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../host/web/responses.js';
import { STUDIO_HOST, STUDIO_SCHEME } from './security.js';
import {
  contentTypeOf,
  HTML_CONTENT_TYPE,
  PLACEHOLDER_PAGE,
  resolveRendererFile,
} from '../host/renderer-files.js';

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export type RendererResponder = (request: Request) => Promise<Response>;

/** Answers `cutline-app://studio/<path>` requests with files from `rendererDir`, and 404 otherwise. */
export function createRendererResponder(rendererDir: string): RendererResponder {
  const root = path.resolve(rendererDir);
  return async (request) => {
    const url = new URL(request.url);
    if (url.protocol !== `${STUDIO_SCHEME}:` || url.host !== STUDIO_HOST) return status(404);
    if (request.method !== 'GET' && request.method !== 'HEAD') return status(405);
    const pathname = url.pathname === '/' ? '/index.html' : url.pathname;
    const file = await resolveRendererFile(root, pathname);
    if (file === undefined) {
      return pathname === '/index.html'
        ? respond(request, HTML_CONTENT_TYPE, Buffer.from(PLACEHOLDER_PAGE))
        : status(404);
    }
    return respond(request, contentTypeOf(file), await fs.readFile(file));
  };
}

function respond(request: Request, contentType: string, body: Buffer): Response {
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
    status: 200,
    headers: { ...SECURITY_HEADERS, 'Content-Type': contentType, 'Content-Length': String(body.length) },
  });
}

function status(code: 404 | 405): Response {
  return new Response(null, { status: code, headers: SECURITY_HEADERS });
}
