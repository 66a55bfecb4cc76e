/**
 * A tier of a stock-mode bundle as `cutline-tier` starts it: a server tier is a plain OIP server
 * of its segments (plain-tier.ts); the device drives them and needs the URL of every one, from
 * `--server edge=URL` (repeatable) or CUTLINE_EDGE_URL / CUTLINE_CLOUD_URL, instead of the relay's
 * single CUTLINE_UP_URL.
 */
import { CutlineError } from '../errors.js';
import { LINE_LIMIT, oneLine, quoteName } from '../text/quote-name.js';
import type { TierServer } from '../runtime/oip/server.js';
import { checkUpTransport, type ServerTls } from '../runtime/oip/tls.js';
import type { BundleManifest } from './manifest.js';
import { servePlainTier } from './plain-tier.js';
import { serveStockDevice } from './stock-device.js';
import { stockServerTiers } from './stock-driver.js';

export interface ServeStockTierOptions {
  readonly manifest: BundleManifest;
  readonly bundleDir: string;
  readonly tier: number;
  readonly host: string;
  readonly port: number;
  readonly token: string;
  /** `--server NAME=URL` flags, as given. */
  readonly serverFlags?: readonly string[];
  /** Send the token over plain HTTP to another machine (`--allow-plain-http`); else refused. */
  readonly allowPlainHttp?: boolean;
  /** CAs trusted for https:// server URLs (tls.ts `trustedCas`), as the relay's `--up-ca`. */
  readonly upCa?: readonly string[];
  /** Serve HTTPS with this certificate and key. */
  readonly tls?: ServerTls;
  readonly env?: NodeJS.ProcessEnv;
}

/** The environment variable that gives the device a server tier's URL: CUTLINE_EDGE_URL, … */
export function serverUrlVariable(tierName: string): string {
  return `CUTLINE_${tierName.toUpperCase()}_URL`;
}

/**
 * The URL of every server tier that runs a segment, by tier index, from the flags (`edge=http://…`) or else the environment.
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
  const needed = stockServerTiers(manifest);
  for (const t of needed) {
    const fromEnv = env[serverUrlVariable(manifest.tiers[t]!.name)];
    if (!urls.has(t) && fromEnv) urls.set(t, fromEnv);
  }
  const missing = needed.filter((t) => !urls.has(t)).map((t) => manifest.tiers[t]!.name);
  if (missing.length > 0) {
    throw new CutlineError(
      'BAD_BUNDLE',
      `In stock mode the device sends every server tier its segments itself: give ${missing.map((name) => `--server ${name}=URL or ${serverUrlVariable(name)}`).join(', and ')}.`,
    );
  }
  return urls;
}

/**
 * The token crosses a network only inside TLS, by the same rule as the relay's `--up`
 * (`checkUpTransport`): a plain http:// server URL off this machine is refused unless allowed,
 * and then warned about.
 */
function checkServerTransport(
  manifest: BundleManifest,
  urls: ReadonlyMap<number, string>,
  allowed: boolean,
): void {
  for (const [tier, text] of urls) {
    const name = manifest.tiers[tier]!.name;
    const warning = checkUpTransport(text, allowed, {
      named: `The ${name}'s URL`,
      described: `The ${name}'s URL (--server ${name}=URL)`,
      tier: `the ${name}`,
      warnAt: `the ${name} at `,
    });
    if (warning) process.stderr.write(`${oneLine(warning, LINE_LIMIT)}\n`);
  }
}

/** Starts one tier of a stock-mode bundle. */
export async function serveStockTier(
  options: ServeStockTierOptions,
): Promise<{ readonly server: TierServer; close(): Promise<void> }> {
  const { manifest, bundleDir, tier, host, port, token } = options;
  const tls = options.tls ? { tls: options.tls } : {};
  if (tier > 0) return servePlainTier({ manifest, bundleDir, tier, host, port, token, ...tls });
  const env = options.env ?? process.env;
  const serverUrls = stockServerUrls(manifest, options.serverFlags, env);
  checkServerTransport(
    manifest,
    serverUrls,
    options.allowPlainHttp === true || env.CUTLINE_ALLOW_PLAIN_HTTP === '1',
  );
  return serveStockDevice({
    manifest,
    bundleDir,
    host,
    port,
    token,
    serverUrls,
    ...tls,
    ...(options.upCa ? { ca: options.upCa } : {}),
  });
}
