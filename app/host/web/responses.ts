/** Response helpers of the web host: security headers on everything, JSON and bare refusals. */
import type { ServerResponse } from 'node:http';
import type { StudioError } from '../../shared/studio-api.js';

/**
 * The page's Content-Security-Policy: scripts, styles, workers and connections from this server
 * only; no inline scripts. React and React Flow set styles through the CSSOM (element.style),
 * which CSP does not govern, so `style-src 'self'` is enough; images may be data: URLs
 * (exported thumbnails).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function setSecurityHeaders(response: ServerResponse): void {
  response.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  response.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  response.setHeader('Cache-Control', 'no-store');
}

/** 401/403/404/405 without a body: a refusal says nothing about why. */
export function refuse(response: ServerResponse, status: 401 | 403 | 404 | 405): void {
  response.statusCode = status;
  response.setHeader('Content-Length', '0');
  response.end();
}

export function sendJson(response: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value) ?? 'null');
  response.statusCode = status;
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.setHeader('Content-Length', String(body.length));
  response.end(body);
}

export function sendError(response: ServerResponse, status: number, error: StudioError): void {
  sendJson(response, status, { ok: false, error });
}
