/**
 * Serves the renderer's built files (dist/renderer/) on the studio's custom scheme, with the
 * same Content-Security-Policy the web host sends: one page, one policy, whichever host shows
 * it. Written against the web platform's Request/Response so it runs, and is tested, in Node.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../host/web/responses.js';
import { STUDIO_HOST, STUDIO_SCHEME } from './security.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const PLACEHOLDER_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cutline</title></head>
<body><h1>Cutline</h1><p>The studio's page has not been built (dist/renderer/ is missing).
Run <code>cutline studio</code> again, or build the renderer with Vite.</p></body></html>
`;

export type RendererResponder = (request: Request) => Promise<Response>;

/** Answers `cutline-app://studio/<path>` requests with files from `rendererDir`, and 404 otherwise. */
export function createRendererResponder(rendererDir: string): RendererResponder {
  const root = path.resolve(rendererDir);
  return async (request) => {
    const url = new URL(request.url);
    if (url.protocol !== `${STUDIO_SCHEME}:` || url.host !== STUDIO_HOST) return status(404);
    if (request.method !== 'GET' && request.method !== 'HEAD') return status(405);
    const pathname = url.pathname === '/' ? '/index.html' : url.pathname;
    const file = await resolveInside(root, pathname);
    if (file === undefined) {
      return pathname === '/index.html'
        ? respond(request, 'text/html; charset=utf-8', Buffer.from(PLACEHOLDER_PAGE))
        : status(404);
    }
    const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    return respond(request, type, await fs.readFile(file));
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

/** The real path of a regular file under `root` named by a URL path; undefined for anything else. */
async function resolveInside(root: string, pathname: string): Promise<string | undefined> {
  let relative: string;
  try {
    relative = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  // Encoded separators and NULs never name a built asset; refusing them closes path tricks.
  if (relative.includes('\0') || relative.includes('\\')) return undefined;
  const candidate = path.resolve(root, `.${relative}`);
  if (!isInside(root, candidate)) return undefined;
  try {
    const [realRoot, real] = await Promise.all([fs.realpath(root), fs.realpath(candidate)]);
    if (!isInside(realRoot, real)) return undefined;
    return (await fs.stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

function isInside(folder: string, candidate: string): boolean {
  const relative = path.relative(folder, candidate);
  return (
    relative !== '' &&
    relative !== '..' &&
    !relative.startsWith(`..${path.sep}`) &&
    !path.isAbsolute(relative)
  );
}
