/**
 * The tier runtime's command: `node runtime/cutline-tier.mjs --bundle DIR --tier NAME`
 * (`bin/cutline-tier.js` runs the same from Cutline's sources). Settings come from flags or the
 * environment: CUTLINE_TOKEN (the shared secret; the manifest's is for a lab only),
 * CUTLINE_UP_URL (the tier above), CUTLINE_HOST, CUTLINE_PORT, and for TLS CUTLINE_TLS_CERT and
 * CUTLINE_TLS_KEY (serve HTTPS), CUTLINE_UP_CA (a CA to trust for the tier above) and
 * CUTLINE_ALLOW_PLAIN_HTTP=1 (send the token over plain HTTP to another machine, which is refused
 * otherwise). When it listens it prints one JSON line, `{"event":"listening","tier":…,"url":…}`,
 * and it stops cleanly on SIGTERM or SIGINT. In a stock-mode bundle a server tier serves its
 * segments as plain models and the device takes every server's URL (`--server edge=URL`, or
 * CUTLINE_EDGE_URL and CUTLINE_CLOUD_URL) instead of CUTLINE_UP_URL.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CutlineError, isCutlineError } from '../errors.js';
import { LINE_LIMIT, oneLine } from '../text/quote-name.js';
import { createTierClient } from '../runtime/oip/client.js';
import { TierError } from '../runtime/oip/errors.js';
import {
  checkUpTransport,
  isLoopback,
  readServerTls,
  tlsFailure,
  trustedCas,
  type ServerTls,
} from '../runtime/oip/tls.js';
import { parseManifest } from './manifest.js';
import { serveStockTier } from './stock-tier.js';
import { serveTier } from './tier-server.js';

export async function tierMain(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      bundle: { type: 'string' },
      tier: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      up: { type: 'string' },
      server: { type: 'string', multiple: true },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'up-ca': { type: 'string' },
      'allow-plain-http': { type: 'boolean' },
    },
  });
  const bundleDir = path.resolve(values.bundle ?? process.env.CUTLINE_BUNDLE ?? '.');
  const manifestPath = path.join(bundleDir, 'manifest.json');
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  } catch (error) {
    throw new CutlineError(
      'BAD_BUNDLE',
      `Cannot read ${manifestPath}: ${(error as Error).message}. Is --bundle the bundle's folder?`,
    );
  }
  const manifest = parseManifest(raw, manifestPath);
  const tierName = values.tier ?? process.env.CUTLINE_TIER;
  const tier = manifest.tiers.findIndex((t) => t.name === tierName);
  if (tier < 0) {
    throw new CutlineError(
      'BAD_BUNDLE',
      `--tier must be one of ${manifest.tiers.map((t) => t.name).join(', ')}${tierName ? `, not "${tierName}"` : ''}.`,
    );
  }
  // In stock mode nothing relays: the device calls every server tier itself (stock-tier.ts).
  const stock = manifest.runtime.serving === 'stock';
  const upUrl = stock ? undefined : (values.up ?? process.env.CUTLINE_UP_URL);
  if (!stock && tier < manifest.tiers.length - 1 && !upUrl) {
    throw new CutlineError(
      'BAD_BUNDLE',
      `The ${tierName} forwards to the ${manifest.tiers[tier + 1]!.name}: give --up URL or CUTLINE_UP_URL.`,
    );
  }
  // The top tier has no tier above to forward to or to check at start-up.
  if (upUrl && tier === manifest.tiers.length - 1) {
    throw new CutlineError(
      'BAD_BUNDLE',
      `The ${tierName} is the bundle's top tier and forwards to nothing: leave out --up and CUTLINE_UP_URL when starting it.`,
    );
  }
  const portText = values.port ?? process.env.CUTLINE_PORT;
  const port = portText === undefined ? manifest.tiers[tier]!.port : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CutlineError('BAD_BUNDLE', `--port must be 0–65535, not "${portText}".`);
  const host = values.host ?? process.env.CUTLINE_HOST ?? '127.0.0.1';
  if (!process.env.CUTLINE_TOKEN && !isLoopback(host)) {
    // The lab token is written in manifest.json, so in every copy and image of the bundle.
    throw new CutlineError(
      'BAD_BUNDLE',
      `Listening on ${host} needs CUTLINE_TOKEN set to a shared secret (the same on every tier): the bundle's own token is in its manifest, for loopback tests only.`,
    );
  }
  const tls = serverTls(values['tls-cert'], values['tls-key']);
  const upCa = trustedCas(values['up-ca'] ?? (process.env.CUTLINE_UP_CA || undefined));
  if (upUrl) {
    const allowPlain = values['allow-plain-http'] === true || process.env.CUTLINE_ALLOW_PLAIN_HTTP === '1';
    const warning = checkUpTransport(upUrl, allowPlain);
    if (warning) process.stderr.write(`${warning}\n`);
  }
  const token = process.env.CUTLINE_TOKEN || manifest.runtime.token;
  if (!process.env.CUTLINE_TOKEN) {
    process.stderr.write(
      "cutline-tier: using the bundle's lab token; set CUTLINE_TOKEN to a shared secret outside a lab.\n",
    );
  }
  const served = await (stock ? serveStockTier : serveTier)({
    manifest,
    bundleDir,
    tier,
    host,
    port,
    ...(upUrl ? { upUrl } : {}),
    ...(upCa ? { upCa } : {}),
    ...(tls ? { tls } : {}),
    token,
    // Stock mode: the device is given every server's URL (stock-tier.ts).
    ...(stock
      ? { serverFlags: values.server ?? [], allowPlainHttp: values['allow-plain-http'] === true }
      : {}),
  });
  if (upUrl) {
    try {
      await checkUpTier(upUrl, token, manifest.tiers[tier + 1]!.name, upCa);
    } catch (error) {
      await served.close();
      throw error;
    }
  }
  process.stdout.write(`${JSON.stringify({ event: 'listening', tier: tierName, url: served.server.url })}\n`);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      // Stop reading stdin too, or its open pipe keeps the process alive after the server closed.
      process.stdin.destroy();
      void served.close().then(resolve);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    // Started by a harness: die with it, however it dies (its end of our stdin closes).
    if (process.env.CUTLINE_EXIT_WITH_PARENT === '1') {
      process.stdin.on('end', stop).on('close', stop).resume();
    }
  });
  return 0;
}

/**
 * At start-up, asks the tier above whether it is ready: a wrong token is then an error at once
 * (not at the first request), and an absent tier a warning (it may start later).
 */
async function checkUpTier(
  upUrl: string,
  token: string,
  name: string,
  ca: readonly string[] | undefined,
): Promise<void> {
  const client = createTierClient({ baseUrl: upUrl, token, timeoutMs: 5_000, ...(ca ? { ca } : {}) });
  try {
    await client.ready();
  } catch (error) {
    if (error instanceof TierError && error.status === 401) {
      throw new CutlineError(
        'BAD_BUNDLE',
        `The ${name} at ${upUrl} refuses this tier's token: CUTLINE_TOKEN must be the same on every tier.`,
      );
    }
    // A certificate this tier does not trust will not start trusting it later: stop now.
    if (isCutlineError(error) && isTlsFailure(error)) throw error;
    process.stderr.write(
      `cutline-tier: ${oneLine(`the ${name} at ${upUrl} is not answering yet (${(error as Error).message}).`, LINE_LIMIT)}\n`,
    );
  } finally {
    client.close();
  }
}

/**
 * The tier's certificate and key from `--tls-cert`/`--tls-key` or CUTLINE_TLS_CERT/KEY: both or
 * neither (one alone is a mistake worth stopping on, not plain HTTP).
 */
function serverTls(certFlag: string | undefined, keyFlag: string | undefined): ServerTls | undefined {
  const cert = certFlag ?? (process.env.CUTLINE_TLS_CERT || undefined);
  const key = keyFlag ?? (process.env.CUTLINE_TLS_KEY || undefined);
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined) {
    throw new CutlineError(
      'BAD_BUNDLE',
      `Serving HTTPS needs both --tls-cert and --tls-key (CUTLINE_TLS_CERT, CUTLINE_TLS_KEY); only ${cert === undefined ? 'the key' : 'the certificate'} was given.`,
    );
  }
  return readServerTls(cert, key);
}

/** Whether the failure is the TLS handshake's (the client words those with --up-ca and the like). */
function isTlsFailure(error: CutlineError): boolean {
  const code = (error.cause as NodeJS.ErrnoException | undefined)?.code;
  return code !== undefined && tlsFailure('', code) !== null;
}
