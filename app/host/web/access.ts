/**
 * Who may talk to the local web host. It listens on 127.0.0.1 only, yet other local programs and
 * any web page the user visits can reach that address, so every request must prove it comes
 * from the page the studio printed the URL of:
 * - the Host header must name this server (`127.0.0.1:PORT` or `localhost:PORT`), which defeats
 *   DNS rebinding (a hostile domain re-pointed at 127.0.0.1 sends its own name);
 * - page and asset requests carry the per-launch token, in the URL once (`/?token=…`) and then in
 *   an HttpOnly, SameSite=Strict cookie;
 * - API requests carry it in the `X-Cutline-Token` header, which a cross-origin page cannot set
 *   without a CORS preflight that this server never grants; an Origin header, when sent, must be
 *   this server's.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_HEADER = 'x-cutline-token';
export const TOKEN_COOKIE = 'cutline_token';
export const TOKEN_QUERY = 'token';

/** 32 random bytes, URL-safe: the per-launch secret. */
export function newLaunchToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sameSecret(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The host names (with port) the server answers to. */
export function allowedHosts(port: number): readonly string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function hostIsAllowed(request: IncomingMessage, port: number): boolean {
  const host = request.headers.host?.toLowerCase();
  return host !== undefined && allowedHosts(port).includes(host);
}

/** True when there is no Origin header (same-origin GETs, non-browser clients) or it is ours. */
export function originIsAllowed(request: IncomingMessage, port: number): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  return allowedHosts(port).some((host) => origin.toLowerCase() === `http://${host}`);
}

export function headerToken(request: IncomingMessage): string | undefined {
  const value = request.headers[TOKEN_HEADER];
  return typeof value === 'string' ? value : undefined;
}

export function cookieToken(request: IncomingMessage): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === TOKEN_COOKIE) return rest.join('=');
  }
  return undefined;
}

export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}
