/**
 * A tier of a stock-mode bundle as `cutline-tier` starts it: a server tier is a plain OIP server
 * of its segments (plain-tier.ts); the device drives them and needs the URL of every one, from
 * `--server edge=URL` (repeatable) or CUTLINE_EDGE_URL / CUTLINE_CLOUD_URL, instead of the relay's
 * single CUTLINE_UP_URL.
 */
import { CutlineError } from '../errors.js';
import { quoteName } from '../text/quote-name.js';
import type { TierServer } from '../runtime/oip/server.js';
import type { BundleManifest } from './manifest.js';
import { servePlainTier } from './plain-tier.js';
import { serveStockDevice } from './stock-device.js';

export interface ServeStockTierOptions {
  readonly manifest: BundleManifest;
  readonly bundleDir: string;
  readonly tier: number;
  readonly host: string;
  readonly port: number;
  readonly token: string;
  /** `--server NAME=URL` flags, as given. */
  readonly serverFlags?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

/** The environment variable that gives the device a server tier's URL: CUTLINE_EDGE_URL, … */
export function serverUrlVariable(tierName: string): string {
  return `CUTLINE_${tierName.toUpperCase()}_URL`;
}

/**
 * Every server tier's URL by tier index, from the flags (`edge=http://…`) or else the environment.
 * @throws CutlineError BAD_BUNDLE naming the flag that is wrong or the tier whose URL is missing.
 */
export function stockServerUrls(
  manifest: BundleManifest,
  flags: readonly string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): Map<number, string> {
  const urls = new Map<number, string>();
  const names = manifest.tiers.slice(1).map((t) => t.name);
  for (const flag of flags) {
    const at = flag.indexOf('=');
    const name = at < 0 ? '' : flag.slice(0, at);
    const tier = manifest.tiers.findIndex((t) => t.name === name);
    if (tier < 1 || flag.slice(at + 1) === '') {
      throw new CutlineError(
        'BAD_BUNDLE',
        `--server takes TIER=URL with TIER one of ${names.join(', ')}, not ${quoteName(flag)}.`,
      );
    }
    urls.set(tier, flag.slice(at + 1));
  }
  manifest.tiers.forEach((tier, t) => {
    const fromEnv = env[serverUrlVariable(tier.name)];
    if (t > 0 && !urls.has(t) && fromEnv) urls.set(t, fromEnv);
  });
  const missing = manifest.tiers.filter((_, t) => t > 0 && !urls.has(t)).map((t) => t.name);
  if (missing.length > 0) {
    throw new CutlineError(
      'BAD_BUNDLE',
      `In stock mode the device sends every server tier its segments itself: give ${missing.map((name) => `--server ${name}=URL or ${serverUrlVariable(name)}`).join(', and ')}.`,
    );
  }
  return urls;
}

/** Starts one tier of a stock-mode bundle. */
export async function serveStockTier(
  options: ServeStockTierOptions,
): Promise<{ readonly server: TierServer; close(): Promise<void> }> {
  const { manifest, bundleDir, tier, host, port, token } = options;
  if (tier > 0) return servePlainTier({ manifest, bundleDir, tier, host, port, token });
  return serveStockDevice({
    manifest,
    bundleDir,
    host,
    port,
    token,
    serverUrls: stockServerUrls(manifest, options.serverFlags, options.env),
  });
}
