/**
 * The renderer's files (Vite's build in dist/renderer/). The page gets the launch token in a
 * `<meta name="cutline-token">` so its web client can send it; until the renderer is built a
 * placeholder page says so. Paths that leave the folder — `..`, encoded separators, symbolic
 * links pointing out — are refused.
 */
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { refuse } from './responses.js';

export const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../../../dist/renderer/', import.meta.url));

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
  '.txt': 'text/plain; charset=utf-8',
};

const PLACEHOLDER_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Cutline</title></head>
<body>
<h1>Cutline</h1>
<p>The studio's page has not been built yet (dist/renderer/ is missing). Build the renderer with Vite and reload.</p>
</body>
</html>
`;

export async function serveStatic(
  request: IncomingMessage,
  response: ServerResponse,
  pathname: string,
  root: string,
  token: string,
): Promise<void> {
  if (pathname === '/' || pathname === '/index.html') {
    const page = await readIndexPage(root);
    send(request, response, 200, CONTENT_TYPES['.html']!, Buffer.from(withTokenMeta(page, token)));
    return;
  }
  const file = await resolveInside(root, pathname);
  if (file === undefined) return refuse(response, 404);
  const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  send(request, response, 200, type, await fs.promises.readFile(file));
}

function send(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  type: string,
  body: Buffer,
): void {
  response.statusCode = status;
  response.setHeader('Content-Type', type);
  response.setHeader('Content-Length', String(body.length));
  response.end(request.method === 'HEAD' ? undefined : body);
}

async function readIndexPage(root: string): Promise<string> {
  try {
    return await fs.promises.readFile(path.join(root, 'index.html'), 'utf8');
  } catch {
    return PLACEHOLDER_PAGE;
  }
}

/** The page with the token meta tag first in its head (the token is base64url: HTML-safe). */
export function withTokenMeta(page: string, token: string): string {
  const meta = `<meta name="cutline-token" content="${token}">`;
  const head = /<head[^>]*>/i.exec(page);
  if (!head) return `${meta}\n${page}`;
  const at = head.index + head[0].length;
  return `${page.slice(0, at)}\n${meta}${page.slice(at)}`;
}

/** The real path of a file under `root` named by a URL path, or undefined if there is none. */
async function resolveInside(root: string, pathname: string): Promise<string | undefined> {
  let relative: string;
  try {
    relative = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (relative.includes('\0') || relative.includes('\\')) return undefined;
  const candidate = path.resolve(root, `.${relative}`);
  if (!isInside(path.resolve(root), candidate)) return undefined;
  try {
    const [realRoot, real] = await Promise.all([fs.promises.realpath(root), fs.promises.realpath(candidate)]);
    if (!isInside(realRoot, real)) return undefined;
    return (await fs.promises.stat(real)).isFile() ? real : undefined;
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
