/**
 * The renderer's built files (Vite's output in dist/renderer/), as both hosts serve them: the
 * web host over HTTP, Electron on its custom scheme. Paths that leave the folder — `..`, encoded
 * separators, NULs, symbolic links pointing out — are refused.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { isInside } from '../../core/paths.js';

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

export const HTML_CONTENT_TYPE = CONTENT_TYPES['.html']!;

/** Shown in place of the studio until the renderer has been built. */
export const PLACEHOLDER_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cutline</title></head>
<body><h1>Cutline</h1><p>The studio's page has not been built (dist/renderer/ is missing).
Run <code>cutline studio</code> again, or build the renderer with <code>npm run build:renderer</code>.</p></body></html>
`;

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** The real path of a regular file under `root` named by a URL path; undefined for anything else. */
export async function resolveRendererFile(root: string, pathname: string): Promise<string | undefined> {
  let relative: string;
  try {
    relative = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  // Encoded separators and NULs never name a built asset; refusing them closes path tricks.
  if (relative.includes('\0') || relative.includes('\\')) return undefined;
  const candidate = path.resolve(root, `.${relative}`);
  if (!isInside(path.resolve(root), candidate)) return undefined;
  try {
    const [realRoot, real] = await Promise.all([fs.realpath(root), fs.realpath(candidate)]);
    if (!isInside(realRoot, real)) return undefined;
    return (await fs.stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}
