/**
 * Checking a peer's `Authorization: Bearer <token>` against the shared token in constant time:
 * both sides are hashed first, so `timingSafeEqual` compares equal-length digests and neither the
 * token's length nor its content leaks through response times.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** A checker for one shared token; `true` only for `Bearer <that token>`. */
export function bearerCheck(token: string): (authorization: string | undefined) => boolean {
  if (token.length === 0) throw new Error('The shared token must not be empty.');
  const expected = digest(token);
  return (authorization) => {
    const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
    // Hash and compare even without a match, so a malformed header costs the same time.
    const same = timingSafeEqual(digest(match?.[1] ?? ''), expected);
    return same && match !== null;
  };
}
