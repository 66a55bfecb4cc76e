/**
 * A bundle's tiers on separate machines, run with nothing but the commands its README gives:
 * the install line (against the npm registry only, onnxruntime's CUDA download skipped), the
 * certificate lines, and each tier's command, placeholders filled in. A plain OIP request to the
 * device then gets the whole model's answer. If a README command is wrong, this test fails.
 *
 * Machines: each tier gets its own copy of the bundle and runs in its own network namespace
 * (support/tier-machines.ts: device 10.77.0.1, edge .2, cloud .3 on a bridge inside a user
 * namespace, so the commands run exactly as written, `--host 0.0.0.0` and the fixed ports
 * included), or, where namespaces cannot be made, on its own loopback address with `--host
 * 0.0.0.0` narrowed to it. The certificates name those addresses; the request to the device is
 * sent from the device's machine, since the device listens on its own 127.0.0.1.
 *
 * The install needs onnxruntime-node from the npm registry: npm takes it from its cache when it is
 * there (`prefer-offline`: seconds), else from the registry. Fully offline (`--offline`) fails on
 * a machine whose cache holds the tarball from `npm ci` but not the registry's package document,
 * which an install without a lockfile needs.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleManifest } from '../core/bundle/manifest.js';
import { blockUnder, dockerKeeps, fill, shellBlocks } from './support/readme-commands.js';
import { makeTierMachines, type TierMachines } from './support/tier-machines.js';
import { exportVehicleChain, VEHICLE_MODEL } from './support/vehicle-bundle.js';

const TIERS = ['device', 'edge', 'cloud'];
/** Off every machine here (TEST-NET-1, RFC 5737): a tier refuses plain http to it before connecting. */
const ELSEWHERE = '192.0.2.1';

let work: string;
let bundle: string;
let manifest: BundleManifest;
let blocks: Map<string, string[]>;
let machines: TierMachines;
const token = `t-${Math.random().toString(16).slice(2)}${Math.random().toString(16).slice(2)}`;
const started: ChildProcess[] = [];

/** This process's environment as a user's shell would have it: no npm run variables, no Cutline settings. */
function shellEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_|CUTLINE_)/i.test(key)) env[key] = value;
  }
  env.PATH = `${path.dirname(process.execPath)}${path.delimiter}${env.PATH ?? ''}`;
  return { ...env, ...extra };
}

/** Runs a line on this host (the namespaces have no route out, and the install needs the registry). */
function sh(line: string, cwd: string, env: NodeJS.ProcessEnv = shellEnv()): void {
  execFileSync('sh', ['-c', line], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000 });
}

/** The folder of a tier's machine: its own copy of the bundle. */
const folder = (tier: string): string => path.join(work, 'machines', tier);

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a command on a tier's machine; resolves with its URL once it prints its listening line
 * (it keeps running), or with its end if it exits first.
 */
function start(tier: string, line: string, env: NodeJS.ProcessEnv): Promise<{ url: string } | Run> {
  const child = machines.spawn(tier, line, folder(tier), env);
  started.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolve) => {
    readline.createInterface({ input: child.stdout! }).on('line', (text) => {
      stdout += `${text}\n`;
      try {
        const event = JSON.parse(text) as { event?: string; url?: string };
        if (event.event === 'listening' && event.url) resolve({ url: event.url });
      } catch {
        // Not the listening line.
      }
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function startTier(tier: string, line: string, env: NodeJS.ProcessEnv): Promise<string> {
  const result = await start(tier, line, env);
  if (!('url' in result)) throw new Error(`The ${tier} did not start (${result.code}): ${result.stderr}`);
  return result.url;
}

async function run(tier: string, line: string, env: NodeJS.ProcessEnv): Promise<Run> {
  const result = await start(tier, line, env);
  if ('url' in result) throw new Error(`The ${tier} started (${result.url}) where it should have refused.`);
  return result;
}

/** The README's command for a tier, its placeholders filled in with the machines' addresses. */
function tierLine(tier: string): string {
  const lines = blockUnder(blocks, `On the ${tier}`);
  expect(lines).toHaveLength(1);
  return fill(lines[0]!, { 'edge-host': machines.address.edge!, 'cloud-host': machines.address.cloud! });
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-machines-'));
  machines = await makeTierMachines(TIERS);
  const written = await exportVehicleChain(path.join(work, 'bundle'), 'pi4-wifi-edge-wan-cloud', 'fail');
  bundle = written.dir;
  manifest = written.manifest;
  blocks = shellBlocks(fs.readFileSync(path.join(bundle, 'README.md'), 'utf8'));
}, 120_000);

afterAll(async () => {
  await Promise.all(
    started.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.on('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    ),
  );
  await machines?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

/** A plain OIP client, as an app on the device would be: POSTs a JSON file, prints status and body. */
const CLIENT = `
import fs from 'node:fs';
const [url, file] = process.argv.slice(2);
const response = await fetch(url, {
  method: 'POST',
  headers: { authorization: 'Bearer ' + process.env.CUTLINE_TOKEN, 'content-type': 'application/json' },
  body: fs.readFileSync(file),
});
process.stdout.write(JSON.stringify({ status: response.status, body: await response.json() }));
`;

describe("a bundle's tiers on three machines, from its README", () => {
  it('installs with the README line, serves over TLS with its certificates, and answers as the whole model', async () => {
    expect(manifest.tiers.map((t) => t.name)).toEqual(TIERS);
    // Once on every machine: the install line and the token.
    const once = blockUnder(blocks, 'Run it on separate machines');
    const exports = once.filter((line) => line.startsWith('export '));
    const commands = once.filter((line) => !line.startsWith('export '));
    expect(commands).toHaveLength(1);
    expect(commands[0]).toContain('ONNXRUNTIME_NODE_INSTALL=skip');
    const env: Record<string, string> = {};
    for (const line of exports) {
      const [name, value] = fill(line.slice('export '.length), { token }).split('=') as [string, string];
      env[name] = value;
    }
    expect(env).toEqual({ CUTLINE_TOKEN: token });
    for (const tier of TIERS) fs.cpSync(bundle, folder(tier), { recursive: true });
    sh(
      commands[0]!,
      folder('cloud'),
      shellEnv({ npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' }),
    );
    expect(
      fs.existsSync(path.join(folder('cloud'), 'runtime/node_modules/onnxruntime-node/package.json')),
    ).toBe(true);
    // One install serves the three machines of this one host (it is 290 MB).
    for (const tier of ['device', 'edge']) {
      fs.symlinkSync(
        path.join(folder('cloud'), 'runtime/node_modules'),
        path.join(folder(tier), 'runtime/node_modules'),
      );
    }

    // The certificate lines: a CA once, then each server machine's certificate for its address.
    const certLines = blockUnder(blocks, 'Certificates');
    const certs = path.join(work, 'certs');
    fs.mkdirSync(certs);
    sh(fill(certLines[0]!, {}), certs);
    for (const tier of ['edge', 'cloud']) {
      for (const line of certLines.slice(1)) sh(fill(line, { san: `IP:${machines.address[tier]!}` }), certs);
      fs.renameSync(path.join(certs, 'cert.pem'), path.join(folder(tier), 'cert.pem'));
      fs.renameSync(path.join(certs, 'key.pem'), path.join(folder(tier), 'key.pem'));
    }
    for (const tier of ['device', 'edge']) {
      fs.copyFileSync(path.join(certs, 'ca.pem'), path.join(folder(tier), 'ca.pem'));
    }

    // From the top down, as the README says.
    const tierEnv = shellEnv(env);
    const { cloud, edge } = machines.address;
    const listens = machines.kind === 'namespaces' ? '0.0.0.0' : undefined;
    expect(await startTier('cloud', tierLine('cloud'), tierEnv)).toBe(
      `https://${listens ?? cloud}:${manifest.tiers[2]!.port}`,
    );
    expect(await startTier('edge', tierLine('edge'), tierEnv)).toBe(
      `https://${listens ?? edge}:${manifest.tiers[1]!.port}`,
    );
    const deviceUrl = await startTier('device', tierLine('device'), tierEnv);
    expect(deviceUrl).toBe(`http://127.0.0.1:${manifest.tiers[0]!.port}`);

    // A plain OIP request (JSON, no Cutline parameters) from an app on the device.
    const shape = [1, 3, 96, 96];
    const data = Float32Array.from({ length: 3 * 96 * 96 }, (_, i) => Math.sin(i * 0.37) * 0.5 + 0.5);
    const requestFile = path.join(work, 'request.json');
    fs.writeFileSync(
      requestFile,
      JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape, data: [...data] }] }),
    );
    const clientFile = path.join(work, 'client.mjs');
    fs.writeFileSync(clientFile, CLIENT);
    const answered = await run(
      'device',
      `node ${clientFile} ${deviceUrl}/v2/models/${manifest.model.name}/infer ${requestFile}`,
      tierEnv,
    );
    expect(answered.code, answered.stderr).toBe(0);
    const { status, body } = JSON.parse(answered.stdout) as {
      status: number;
      body: { outputs: { name: string; shape: number[]; data: number[] }[] };
    };
    expect(status).toBe(200);
    const session = await ort.InferenceSession.create(VEHICLE_MODEL);
    try {
      const expected = await session.run({ input: new ort.Tensor('float32', data, shape) });
      const got = body.outputs.find((o) => o.name === 'probabilities')!;
      const want = expected['probabilities']!;
      expect(got.shape).toEqual([...want.dims]);
      const wanted = want.data as Float32Array;
      const diff = Math.max(...got.data.map((v, i) => Math.abs(v - wanted[i]!)));
      expect(diff).toBeLessThanOrEqual(1e-4);
    } finally {
      await session.release();
    }
  });

  it('the edge trusting another CA stops at start-up with one line naming the problem', async () => {
    const other = path.join(work, 'other-ca');
    fs.mkdirSync(other);
    sh(fill(blockUnder(blocks, 'Certificates')[0]!, {}), other);
    // Another port: the real edge holds the README's.
    const refused = await run(
      'edge',
      tierLine('edge').replace('--up-ca ca.pem', `--up-ca ${path.join(other, 'ca.pem')}`),
      shellEnv({ CUTLINE_TOKEN: token, CUTLINE_PORT: '0' }),
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain(`at https://${machines.address.cloud}:8812 presented a certificate`);
    expect(refused.stderr).toMatch(/this tier does not trust \([A-Z_]+\): give --up-ca \(CUTLINE_UP_CA\)/);
  });

  it('a server tier on 0.0.0.0 without CUTLINE_TOKEN refuses to start', async () => {
    const line = tierLine('cloud');
    expect(line).toContain('--host 0.0.0.0');
    const refused = await run('cloud', line, shellEnv({ CUTLINE_PORT: '0' }));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/needs CUTLINE_TOKEN set to a shared secret/);
    expect(refused.stdout).not.toMatch(/listening/);
  });

  it('plain http to another machine is refused; a key given as the certificate is named', async () => {
    const env = shellEnv({ CUTLINE_TOKEN: token, CUTLINE_PORT: '0' });
    const plainUp = tierLine('edge').replace(
      `--up https://${machines.address.cloud}:`,
      `--up http://${ELSEWHERE}:`,
    );
    expect(plainUp).toContain(`--up http://${ELSEWHERE}:`);
    const refused = await run('edge', plainUp, env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /is plain HTTP to another machine, so anyone on the path could read the token/,
    );
    const badCert = await run(
      'cloud',
      tierLine('cloud').replace('--tls-cert cert.pem', '--tls-key key.pem --tls-cert key.pem'),
      env,
    );
    expect(badCert.code).toBe(2);
    expect(badCert.stderr).toMatch(/The TLS certificate "key\.pem" is not a PEM certificate/);
    expect(badCert.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('install and image files of a bundle', () => {
  it('the Dockerfile and run.sh install onnxruntime-node without its CUDA download', () => {
    for (const tier of manifest.tiers) {
      const dockerfile = fs.readFileSync(path.join(bundle, tier.name, 'Dockerfile'), 'utf8');
      expect(dockerfile).toMatch(/^RUN cd runtime && ONNXRUNTIME_NODE_INSTALL=skip npm install /m);
      const script = fs.readFileSync(path.join(bundle, tier.name, 'run.sh'), 'utf8');
      expect(script).toContain('(cd runtime && ONNXRUNTIME_NODE_INSTALL=skip npm install');
    }
  });

  it("each tier's image context holds the runtime, the manifest and that tier's folder only", () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(path.join(bundle, dir), { withFileTypes: true })) {
        const rel = dir ? `${dir}/${entry.name}` : entry.name;
        if (entry.isDirectory()) walk(rel);
        else files.push(rel);
      }
    };
    walk('');
    // As if the runtime were installed on the host before a build.
    files.push('runtime/node_modules/onnxruntime-node/package.json');
    for (const tier of manifest.tiers) {
      const ignore = fs
        .readFileSync(path.join(bundle, tier.name, 'Dockerfile.dockerignore'), 'utf8')
        .split('\n');
      const kept = files.filter((f) => dockerKeeps(ignore, f));
      const expected = files.filter(
        (f) =>
          (f.startsWith('runtime/') && !f.startsWith('runtime/node_modules/')) ||
          f === 'manifest.json' ||
          f.startsWith(`${tier.name}/`),
      );
      expect(kept.sort()).toEqual(expected.sort());
      // Everything the Dockerfile copies is in that context.
      const copied = [
        ...fs.readFileSync(path.join(bundle, tier.name, 'Dockerfile'), 'utf8').matchAll(/^COPY (\S+) /gm),
      ];
      for (const [, from] of copied)
        expect(kept.some((f) => f === from || f.startsWith(from!.replace(/\/?$/, '/')))).toBe(true);
    }
    const fallback = fs.readFileSync(path.join(bundle, '.dockerignore'), 'utf8').split('\n');
    expect(dockerKeeps(fallback, 'runtime/node_modules/onnxruntime-node/package.json')).toBe(false);
    expect(dockerKeeps(fallback, 'manifest.json')).toBe(true);
  });
});
