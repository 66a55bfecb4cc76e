/**
 * TLS between tiers in one process: an HTTPS tier server and a client trusting its CA, the rule
 * that keeps the token off plain HTTP across a network, and one-line errors for wrong files and
 * certificates (for another name, or signed by a CA the client does not trust). Certificates are
 * made here with openssl, in a temporary folder.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTierClient } from '../core/runtime/oip/client.js';
import { createTierServer, type TierServer } from '../core/runtime/oip/server.js';
import { checkUpTransport, readServerTls, trustedCas } from '../core/runtime/oip/tls.js';

let dir: string;
let server: TierServer;
const token = 'tls-test-token-xxxxxxxx';
const file = (name: string): string => path.join(dir, name);

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA (`<name>-ca.pem`) and a server certificate for `san` signed by it (`<name>-cert.pem`, `-key.pem`). */
function makeCertificates(name: string, san: string): void {
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${name}-ca`,
    '-keyout',
    `${name}-ca-key.pem`,
    '-out',
    `${name}-ca.pem`,
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    `/CN=${name}`,
    '-addext',
    `subjectAltName=${san}`,
    '-keyout',
    `${name}-key.pem`,
    '-out',
    `${name}-req.pem`,
  );
  openssl(
    'x509',
    '-req',
    '-in',
    `${name}-req.pem`,
    '-CA',
    `${name}-ca.pem`,
    '-CAkey',
    `${name}-ca-key.pem`,
    '-CAcreateserial',
    '-days',
    '2',
    '-copy_extensions',
    'copyall',
    '-out',
    `${name}-cert.pem`,
  );
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-tls-'));
  makeCertificates('tier', 'IP:127.0.0.2');
  // Another CA, its certificate for an address the servers here do not listen on.
  makeCertificates('other', 'IP:127.0.0.9');
  server = await createTierServer({
    host: '127.0.0.2',
    token,
    models: new Map(),
    tls: readServerTls(file('tier-cert.pem'), file('tier-key.pem')),
  });
});
afterAll(async () => {
  await server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('tier TLS', () => {
  it('serves HTTPS that a client trusting the CA file reaches with the token', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.2:\d+$/);
    const client = createTierClient({ baseUrl: server.url, token, ca: trustedCas(file('tier-ca.pem'))! });
    try {
      expect(await client.ready()).toBe(true);
    } finally {
      client.close();
    }
  });

  it('a certificate from a CA the client does not trust, or for another address, fails in one line saying what to do', async () => {
    const other = createTierClient({ baseUrl: server.url, token, ca: trustedCas(file('other-ca.pem'))! });
    await expect(other.ready()).rejects.toThrow(/does not trust \([A-Z_]+\): give --up-ca \(CUTLINE_UP_CA\)/);
    other.close();
    const system = createTierClient({ baseUrl: server.url, token });
    await expect(system.ready()).rejects.toThrow(/does not trust/);
    system.close();
    // A server whose certificate names 127.0.0.9, reached at 127.0.0.2.
    const misnamed = await createTierServer({
      host: '127.0.0.2',
      token,
      models: new Map(),
      tls: readServerTls(file('other-cert.pem'), file('other-key.pem')),
    });
    const renamed = createTierClient({ baseUrl: misnamed.url, token, ca: trustedCas(file('other-ca.pem'))! });
    try {
      await expect(renamed.ready()).rejects.toThrow(
        /is not for that host name or address \(ERR_TLS_CERT_ALTNAME_INVALID\): use a name or IP address listed/,
      );
    } finally {
      renamed.close();
      await misnamed.close();
    }
    // Plain HTTP to the HTTPS port.
    const plain = createTierClient({ baseUrl: server.url.replace('https:', 'http:'), token });
    await expect(plain.ready()).rejects.toThrow(/TIER_UNREACHABLE|closed the connection|cannot be reached/);
    plain.close();
  });

  it('refuses a token over plain HTTP to another machine unless allowed, and allows loopback and https', () => {
    expect(checkUpTransport('http://127.0.0.1:8812', false)).toBeNull();
    expect(checkUpTransport('http://[::1]:8812', false)).toBeNull();
    expect(checkUpTransport('http://localhost:8812', false)).toBeNull();
    expect(checkUpTransport('https://cloud.example.com:8812', false)).toBeNull();
    expect(() => checkUpTransport('http://cloud.example.com:8812', false)).toThrow(
      /plain HTTP to another machine.*--allow-plain-http/,
    );
    expect(checkUpTransport('http://cloud.example.com:8812', true)).toMatch(
      /sending the token over plain HTTP to cloud\.example\.com:8812 \(--allow-plain-http\)/,
    );
    expect(() => checkUpTransport('ftp://cloud:1', true)).toThrow(/must start with https:\/\/ or http:\/\//);
  });

  it('closes a connection that never starts its TLS handshake once the headers time is up', async () => {
    const patient = await createTierServer({
      host: '127.0.0.2',
      token,
      models: new Map(),
      headersTimeoutMs: 300,
      tls: readServerTls(file('tier-cert.pem'), file('tier-key.pem')),
    });
    try {
      // A peer that connects and says nothing: the server, not the peer, ends the connection.
      const socket = net.connect(patient.port, '127.0.0.2');
      let received = 0;
      socket.on('data', (chunk: Buffer) => (received += chunk.length));
      const ended = await new Promise<string>((resolve) => {
        socket.once('close', () => resolve('closed by the server'));
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      });
      expect(['closed by the server', 'ECONNRESET']).toContain(ended);
      expect(received).toBe(0);
    } finally {
      await patient.close();
    }
    // Without the server's limit the peer would wait TLS's default 120 s: fail well before.
  }, 20_000);

  it('names the file that is missing, not PEM, or the wrong key', () => {
    expect(() => readServerTls(file('missing.pem'), file('tier-key.pem'))).toThrow(
      /Cannot read the TLS certificate ".*missing\.pem": ENOENT/,
    );
    expect(() => readServerTls(file('tier-key.pem'), file('tier-key.pem'))).toThrow(
      /The TLS certificate ".*tier-key\.pem" is not a PEM certificate/,
    );
    expect(() => readServerTls(file('tier-cert.pem'), file('tier-cert.pem'))).toThrow(
      /The TLS key ".*tier-cert\.pem" is not an unencrypted PEM private key/,
    );
    expect(() => readServerTls(file('tier-cert.pem'), file('other-key.pem'))).toThrow(
      /The TLS key ".*other-key\.pem" is not the key of the certificate ".*tier-cert\.pem"/,
    );
    expect(() => trustedCas(file('tier-key.pem'))).toThrow(
      /The CA file ".*tier-key\.pem" holds no PEM certificate/,
    );
    expect(trustedCas(undefined)).toBeUndefined();
  });
});
