/**
 * TLS between tiers: a tier's certificate and key (it then serves HTTPS), the CAs a tier trusts
 * for the tier above, and the rule that keeps the shared token off plain HTTP across a network.
 * Files are checked when read, so a wrong one is a one-line error naming it at start-up rather
 * than a handshake failure at the first request.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import tls from 'node:tls';
import { CutlineError } from '../../errors.js';
import { quoteName } from '../../text/quote-name.js';

/** A tier's own certificate chain and private key, PEM. */
export interface ServerTls {
  readonly cert: string;
  readonly key: string;
}

/** Whether `host` (a listen address or a URL's hostname) only reaches this machine. */
export function isLoopback(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

function readPem(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new CutlineError(
      'BAD_BUNDLE',
      `Cannot read the ${what} ${quoteName(file)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
    );
  }
}

/** The first line of an OpenSSL error, without Node's prefix: what the user can look up. */
function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.replace(/^error:[0-9A-F]+:/i, '');
}

/**
 * Reads a tier's certificate and key (`--tls-cert`, `--tls-key`) and checks that each parses and
 * that the key is the certificate's.
 *
 * @throws CutlineError BAD_BUNDLE naming the file that is missing, unreadable or not PEM, or both
 *   files when the key does not belong to the certificate.
 */
export function readServerTls(certFile: string, keyFile: string): ServerTls {
  const cert = readPem(certFile, 'TLS certificate');
  const key = readPem(keyFile, 'TLS key');
  let leaf: crypto.X509Certificate;
  try {
    leaf = new crypto.X509Certificate(cert);
  } catch (error) {
    throw new CutlineError(
      'BAD_BUNDLE',
      `The TLS certificate ${quoteName(certFile)} is not a PEM certificate (${reason(error)}).`,
    );
  }
  let privateKey: crypto.KeyObject;
  try {
    privateKey = crypto.createPrivateKey(key);
  } catch (error) {
    throw new CutlineError(
      'BAD_BUNDLE',
      `The TLS key ${quoteName(keyFile)} is not an unencrypted PEM private key (${reason(error)}).`,
    );
  }
  if (!leaf.checkPrivateKey(privateKey)) {
    throw new CutlineError(
      'BAD_BUNDLE',
      `The TLS key ${quoteName(keyFile)} is not the key of the certificate ${quoteName(certFile)}.`,
    );
  }
  return { cert, key };
}

/**
 * The CAs a tier trusts for the tier above: Node's built-in public CAs and, with `--up-ca`, every
 * certificate in that file, for a private or self-signed CA. Node's `ca` option replaces the
 * built-in list (and NODE_EXTRA_CA_CERTS, checked: it no longer applies), hence both are given.
 *
 * @throws CutlineError BAD_BUNDLE naming the file when it is unreadable or holds no certificate.
 */
export function trustedCas(caFile: string | undefined): readonly string[] | undefined {
  if (caFile === undefined) return undefined;
  const pem = readPem(caFile, 'CA file');
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) {
    throw new CutlineError('BAD_BUNDLE', `The CA file ${quoteName(caFile)} holds no PEM certificate.`);
  }
  for (const block of blocks) {
    try {
      new crypto.X509Certificate(block);
    } catch (error) {
      throw new CutlineError(
        'BAD_BUNDLE',
        `The CA file ${quoteName(caFile)} holds a certificate that does not parse (${reason(error)}).`,
      );
    }
  }
  return [...tls.rootCertificates, ...blocks];
}

/** Whose URL `checkUpTransport` checks, as its messages name it. */
export interface TransportTarget {
  /** The URL's name when it is malformed: `--up`, `The cloud's URL`. */
  readonly named: string;
  /** Its name when it is plain HTTP: `The URL of the tier above (--up, CUTLINE_UP_URL)`. */
  readonly described: string;
  /** The tier that should serve TLS: `that tier`, `the cloud`. */
  readonly tier: string;
  /** What the warning puts before the host: '' or `the cloud at `. */
  readonly warnAt: string;
}

/** The relay's `--up`, the default target. */
const UP_TARGET: TransportTarget = {
  named: '--up',
  described: 'The URL of the tier above (--up, CUTLINE_UP_URL)',
  tier: 'that tier',
  warnAt: '',
};

/**
 * The rule for a URL the token is sent to (the tier above's, or a server's in stock mode): the
 * shared token crosses a network only inside TLS. `http://` to a loopback address is fine (nothing
 * else sees it); to any other host it is refused unless the user allowed it
 * (`--allow-plain-http`), e.g. on a private Docker network.
 *
 * @returns a warning line to print when plain HTTP was allowed across a network, else null.
 * @throws CutlineError BAD_BUNDLE when plain HTTP would carry the token off this machine unallowed.
 */
export function checkUpTransport(
  upUrl: string,
  allowPlainHttp: boolean,
  target: TransportTarget = UP_TARGET,
): string | null {
  let url: URL;
  try {
    url = new URL(upUrl);
  } catch {
    throw new CutlineError(
      'BAD_BUNDLE',
      `${target.named} ${quoteName(upUrl)} is not a URL (http://host:port or https://host:port).`,
    );
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname))) return null;
  if (url.protocol !== 'http:') {
    throw new CutlineError(
      'BAD_BUNDLE',
      `${target.named} ${quoteName(upUrl)} must start with https:// or http://.`,
    );
  }
  if (!allowPlainHttp) {
    throw new CutlineError(
      'BAD_BUNDLE',
      `${target.described} ${quoteName(upUrl)} is plain HTTP to another machine, so anyone on the path could read the token: serve ${target.tier} with --tls-cert/--tls-key and use https://, or pass --allow-plain-http (CUTLINE_ALLOW_PLAIN_HTTP=1) on a network you trust.`,
    );
  }
  return `cutline-tier: sending the token over plain HTTP to ${target.warnAt}${url.host} (--allow-plain-http); anyone on that network can read it.`;
}

/** OpenSSL's verification failures (Node's `error.code`) that a CA file given with `--up-ca` can fix. */
const UNTRUSTED_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
]);

/**
 * A one-line account of a TLS failure reaching `baseUrl`, or null when `code` is no TLS failure.
 * Said in terms of what to change: the CA file, the certificate's names, its dates, or the scheme.
 */
export function tlsFailure(baseUrl: string, code: string): string | null {
  if (UNTRUSTED_CODES.has(code)) {
    return `The tier at ${baseUrl} presented a certificate this tier does not trust (${code}): give --up-ca (CUTLINE_UP_CA) the CA file that signed it.`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `The certificate of the tier at ${baseUrl} is not for that host name or address (${code}): use a name or IP address listed in its subjectAltName.`;
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return `The certificate of the tier at ${baseUrl} is outside its validity dates (${code}): renew it, or check this machine's clock.`;
  }
  if (code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER') {
    return `The tier at ${baseUrl} did not speak TLS (${code}): it may serve plain HTTP (use http://) or another protocol on that port.`;
  }
  return null;
}
