/**
 * The bundle README's commands for running each tier on its own machine: the install line that
 * needs nothing but the npm registry, the certificates for TLS, and one command per tier. Every
 * line works when copied, once its `<placeholders>` are filled in (the README explains each);
 * test/bundle-machines.test.ts runs exactly these lines.
 */
import type { BundleManifest } from './manifest.js';

/**
 * Installs the runtime's one dependency. onnxruntime-node's install script would otherwise fetch
 * its CUDA provider from outside the npm registry on Linux x64 (and fail without that access);
 * the CPU provider the tiers use ships inside the npm package. The variable is read by that script
 * itself, so it works with every npm version.
 */
export const RUNTIME_INSTALL = 'ONNXRUNTIME_NODE_INSTALL=skip npm install --omit=dev --no-audit --no-fund';

/** The install line as run from the bundle's folder. */
export const RUNTIME_INSTALL_LINE = `(cd runtime && ${RUNTIME_INSTALL})`;

/**
 * A private CA and one machine's certificate signed by it (OpenSSL 3). The certificate names the
 * machine in its subjectAltName, which is what a client checks the URL's host against.
 */
export const CERTIFICATE_LINES = [
  'openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj /CN=cutline-ca -keyout ca-key.pem -out ca.pem',
  'openssl req -newkey rsa:2048 -nodes -subj /CN=cutline-tier -addext "subjectAltName=<san>" -keyout key.pem -out req.pem',
  'openssl x509 -req -in req.pem -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 825 -copy_extensions copyall -out cert.pem',
];

/**
 * How often to run `CERTIFICATE_LINES` and what `<san>` is; `client` names what connects to the
 * servers (the tier below in relay mode, the device in stock mode).
 */
export function certificateNote(client: string): string[] {
  return [
    'The first line makes the CA: run it once. Run the other two once per server machine, each time',
    "with that machine's `<san>`, and move the `cert.pem` and `key.pem` they make to that machine before",
    `the next. \`<san>\` names the machine as ${client} reaches it: \`IP:203.0.113.7\` or \`DNS:edge.example.com\``,
    '(both: `IP:…,DNS:…`). Keep `ca-key.pem` off the tiers. The lines need OpenSSL 3 (`openssl version`):',
    "OpenSSL 1.1 and macOS's LibreSSL lack `-copy_extensions`; on macOS use Homebrew's `openssl@3`.",
  ];
}

/** The command that starts tier `t` on its own machine. */
export function tierCommand(manifest: BundleManifest, t: number): string {
  const tier = manifest.tiers[t]!;
  const above = manifest.tiers[t + 1];
  const parts = ['node runtime/cutline-tier.mjs --bundle .', `--tier ${tier.name}`];
  // Server tiers take requests from the machine below: every interface, over TLS.
  if (t > 0) parts.push('--host 0.0.0.0 --tls-cert cert.pem --tls-key key.pem');
  if (above) parts.push(`--up https://<${above.name}-host>:${above.port} --up-ca ca.pem`);
  return parts.join(' ');
}

/** The README section: install, token, certificates, then one block per machine from the top down. */
export function machineSection(manifest: BundleManifest): string[] {
  const servers = manifest.tiers.slice(1);
  const hosts = servers.map((tier) => `\`<${tier.name}-host>\``).join(', ');
  const perMachine = [...manifest.tiers.keys()].reverse().flatMap((t) => {
    const tier = manifest.tiers[t]!;
    const where = t > 0 ? ` (\`<${tier.name}-host>\`)` : '';
    return [`### On the ${tier.name}${where}`, '', '```sh', tierCommand(manifest, t), '```', ''];
  });
  const tlsLines = servers.length
    ? [
        '### Certificates',
        '',
        'Server tiers serve HTTPS: the shared token must not cross a network in clear. Make a private CA',
        'once, then a certificate for each server machine signed by it (or use certificates from a public',
        'CA and leave out `--up-ca`). Each machine below a server tier needs `ca.pem`; each server',
        "machine needs its own `cert.pem` and `key.pem` in the bundle's folder:",
        '',
        '```sh',
        ...CERTIFICATE_LINES,
        '```',
        '',
        ...certificateNote('the tier below'),
        '',
      ]
    : [];
  return [
    '## Run it on separate machines',
    '',
    `Copy the bundle to each machine (at least \`runtime/\`, \`manifest.json\` and that tier's folder)`,
    "and, in the bundle's folder with Node 20, run once:",
    '',
    '```sh',
    RUNTIME_INSTALL_LINE,
    'export CUTLINE_TOKEN=<token>',
    '```',
    '',
    '`ONNXRUNTIME_NODE_INSTALL=skip` stops onnxruntime-node from downloading its CUDA provider from',
    'outside the npm registry (the CPU provider the tiers use is in the npm package). `<token>` is one',
    'shared secret, the same on every machine: make it once with `openssl rand -hex 24`.',
    '',
    ...tlsLines,
    ...(servers.length
      ? [`Then start the tiers from the top down. ${hosts}: that machine's name or address.`, '']
      : []),
    ...perMachine,
    ...(servers.length
      ? [
          '`--host 0.0.0.0` listens on every interface of the machine; a tier listening on anything but',
          'loopback refuses to start without CUTLINE_TOKEN. The device listens on 127.0.0.1, for the apps',
          'on it. A tier refuses an `http://` `--up` to another machine, since anyone on the path could read',
          'the token, unless given `--allow-plain-http` (CUTLINE_ALLOW_PLAIN_HTTP=1, on a network you trust);',
          '`http://127.0.0.1` stays plain. Each flag has a variable: CUTLINE_HOST, CUTLINE_PORT, CUTLINE_UP_URL,',
          'CUTLINE_TLS_CERT, CUTLINE_TLS_KEY, CUTLINE_UP_CA. A wrong CA or a certificate for another name',
          'stops the tier below at start-up with a line saying which.',
          '',
        ]
      : []),
  ];
}
