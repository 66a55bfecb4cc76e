/**
 * The renderer's files over HTTP (see ../renderer-files.ts). The page gets the launch token in a
 * `<meta name="cutline-token">` so its web client can send it.
 */
import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { refuse } from './responses.js';
import {
  contentTypeOf,
  HTML_CONTENT_TYPE,
  PLACEHOLDER_PAGE,
  resolveRendererFile,
} from '../renderer-files.js';

export const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../../../dist/renderer/', import.meta.url));

export async function serveStatic(
  request: IncomingMessage,
  response: ServerResponse,
  pathname: string,
  root: string,
  token: string,
): Promise<void> {
  if (pathname === '/' || pathname === '/index.html') {
    const page = await readIndexPage(root);
    send(request, response, 200, HTML_CONTENT_TYPE, Buffer.from(withTokenMeta(page, token)));
    return;
  }
  const file = await resolveRendererFile(root, pathname);
  if (file === undefined) return refuse(response, 404);
  send(request, response, 200, contentTypeOf(file), await fs.promises.readFile(file));
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
