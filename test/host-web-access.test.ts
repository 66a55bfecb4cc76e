/**
 * Who may use the local web host, and what it does with requests it cannot accept: the token
 * (URL, cookie, header), Host and Origin checks, static files and path traversal, malformed
 * and oversized requests. Real loopback sockets throughout.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../app/host/web/responses.js';
import {
  expectOpened as opened,
  rawRequest,
  tinyModel,
  webHostHarness,
} from './support/studio-host-fixtures.js';

let dir: string;
const hosts = webHostHarness(() => dir);
const start = hosts.start;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-web-access-'));
});
afterEach(() => hosts.stopAll());
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('access control', () => {
  it('refuses API requests without the token, with a wrong one, or from another origin', async () => {
    const { web, origin } = await start();
    const post = (headers: Record<string, string>) =>
      fetch(`${origin}/api/listSamples`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: '{"args":[]}',
      });
    for (const response of [
      await post({}),
      await post({ 'X-Cutline-Token': 'guess' }),
      await post({ 'X-Cutline-Token': `${web.token}x` }),
      await fetch(`${origin}/api/events`),
    ]) {
      expect(response.status).toBe(401);
      expect(await response.text()).toBe('');
    }
    const foreign = await post({ 'X-Cutline-Token': web.token, Origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    // The cookie alone does not authorise the API: it is sent by any page's form or fetch.
    const cookieOnly = await post({ Cookie: `cutline_token=${web.token}` });
    expect(cookieOnly.status).toBe(401);
    expect((await post({ 'X-Cutline-Token': web.token, Origin: origin })).status).toBe(200);
  });

  it('refuses a Host header that is not this server (DNS rebinding)', async () => {
    const { web } = await start();
    const headers = { 'Content-Type': 'application/json', 'X-Cutline-Token': web.token };
    for (const host of ['evil.example', `evil.example:${web.port}`, `127.0.0.1:${web.port + 1}`]) {
      const response = await rawRequest(web.port, {
        path: '/api/hostInfo',
        method: 'POST',
        headers: { ...headers, Host: host },
        body: '{"args":[]}',
      });
      expect(response).toMatchObject({ status: 403, body: '' });
    }
    const page = await rawRequest(web.port, {
      path: `/?token=${web.token}`,
      headers: { Host: 'attacker.test' },
    });
    expect(page.status).toBe(403);
    const local = await rawRequest(web.port, {
      path: '/api/hostInfo',
      method: 'POST',
      headers: { ...headers, Host: `localhost:${web.port}` },
      body: '{"args":[]}',
    });
    expect(local.status).toBe(200);
  });

  it('serves the page only with the token, then by HttpOnly SameSite=Strict cookie', async () => {
    const staticDir = path.join(dir, 'renderer');
    fs.mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
    fs.writeFileSync(
      path.join(staticDir, 'index.html'),
      '<!doctype html><html><head><title>Cutline</title><script type="module" src="/assets/app.js"></script></head><body></body></html>',
    );
    fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'export {};\n');
    fs.writeFileSync(path.join(dir, 'outside.txt'), 'secret');
    fs.symlinkSync(path.join(dir, 'outside.txt'), path.join(staticDir, 'assets', 'link.txt'));
    const { web, origin } = await start({ staticDir });

    expect((await fetch(`${origin}/`)).status).toBe(401);
    expect((await fetch(`${origin}/?token=wrong`)).status).toBe(401);
    expect((await fetch(`${origin}/assets/app.js`)).status).toBe(401);

    const page = await fetch(web.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
    const cookie = page.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const html = await page.text();
    expect(html).toContain(`<meta name="cutline-token" content="${web.token}">`);
    expect(html).toContain('/assets/app.js');

    const withCookie = { Cookie: cookie.split(';')[0]! };
    const script = await fetch(`${origin}/assets/app.js`, { headers: withCookie });
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toBe('export {};\n');

    for (const escape of [
      '/../outside.txt',
      '/assets/../../outside.txt',
      '/%2e%2e/outside.txt',
      '/assets/..%2f..%2foutside.txt',
      '/assets/link.txt',
      '/assets/%00.js',
      '/assets',
    ]) {
      const response = await rawRequest(web.port, { path: escape, headers: withCookie });
      expect(response.status, escape).toBe(404);
      expect(response.body).not.toContain('secret');
    }
    expect((await fetch(`${origin}/`, { method: 'POST', headers: withCookie })).status).toBe(405);
  });

  it('serves a placeholder page until the renderer is built', async () => {
    const { web } = await start({ staticDir: path.join(dir, 'not-built') });
    const html = await (await fetch(web.url)).text();
    expect(html).toContain('has not been built');
    expect(html).toContain(`content="${web.token}"`);
  });
});

describe('bad requests', () => {
  it('answers 400 with BAD_REQUEST, and the server keeps serving', async () => {
    const { web, client, origin } = await start();
    const call = (method: string, body: string, type = 'application/json') =>
      fetch(`${origin}/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': type, 'X-Cutline-Token': web.token },
        body,
      });
    const cases: [string, string, number][] = [
      ['listSamples', '{"args": [', 400],
      ['listSamples', '[]', 400],
      ['openSample', '{"args": "resnet-mini"}', 400],
      ['openSample', '{"args": [42]}', 400],
      ['openRecent', '{"args": ["a\\u0000b"]}', 400],
      ['saveProject', '{"args": [{"format": "cutline-project"}, {"saveAs": false}]}', 400],
      ['cancel', '{"args": ["../../x"]}', 400],
      ['openBytes', 'bytes', 400],
      ['noSuchMethod', '{"args": []}', 404],
    ];
    for (const [method, body, status] of cases) {
      const response = await call(
        method,
        body,
        method === 'openBytes' ? 'application/octet-stream' : 'application/json',
      );
      expect(response.status, `${method} ${body}`).toBe(status);
      expect(await response.json()).toMatchObject({
        ok: false,
        error: { code: status === 400 ? 'BAD_REQUEST' : 'NOT_FOUND', message: expect.any(String) },
      });
    }
    expect((await call('openSample', '{"args": ["resnet-mini"]}', 'text/plain')).status).toBe(415);
    const badName = await fetch(`${origin}/api/openBytes?name=..%2Fx.onnx`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream', 'X-Cutline-Token': web.token },
      body: tinyModel(),
    });
    expect(badName.status).toBe(400);
    expect((await client.listSamples()).length).toBeGreaterThan(0);
  });

  it('refuses an upload over the limit with 413', async () => {
    const { web, client, origin } = await start({ maxUploadBytes: 1024 });
    const response = await fetch(`${origin}/api/openBytes?name=big.onnx`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/octet-stream', 'X-Cutline-Token': web.token },
      body: new Uint8Array(4096),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await client.openBytes('big.onnx', new Uint8Array(2048))).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    expect(opened(await client.openBytes('tiny.onnx', tinyModel())).fileName).toBe('tiny.onnx');
  });
});
