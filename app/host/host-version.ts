/** The studio's version, read once from package.json. */
import fs from 'node:fs';

let version: string | undefined;

export function studioVersion(): string {
  if (version !== undefined) return version;
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
