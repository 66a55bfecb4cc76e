/** The studio's version, read once from package.json. */
import fs from 'node:fs';

/**
 * Set by app/main/bundle.ts in a build that ships without the repository's package.json next to
 * it (the packaged studio's bundled CLI); undefined when run from the sources.
 */
declare const __CUTLINE_VERSION__: string | undefined;

let version: string | undefined;

export function studioVersion(): string {
  if (version !== undefined) return version;
  if (typeof __CUTLINE_VERSION__ === 'string') return (version = __CUTLINE_VERSION__);
  try {
    const manifest = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: unknown;
    };
    version = typeof manifest.version === 'string' ? manifest.version : '0.0.0';
  } catch {
    version = '0.0.0';
  }
  return version;
}
