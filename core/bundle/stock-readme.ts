/**
 * The bundle README's section for a stock-mode bundle (`runtime.serving: 'stock'`): what the mode
 * means and the per-machine commands, the device given every server's URL.
 */
import type { BundleManifest } from './manifest.js';
import { CERTIFICATE_LINES, certificateNote, RUNTIME_INSTALL_LINE } from './machine-commands.js';
import { stockServerTiers } from './stock-driver.js';
import { serverUrlVariable } from './stock-tier.js';

export function stockRunSection(manifest: BundleManifest): string[] {
  const servers = stockServerTiers(manifest).map((t) => manifest.tiers[t]!);
  const device = manifest.tiers[0]!;
  const cloud = manifest.tiers.findIndex((t) => t.name === 'cloud');
  const cloudSegments = manifest.segments.filter((s) => s.tier === cloud && cloud > 0).map((s) => s.id);
  const flags = servers.map((t) => `--server ${t.name}=https://<${t.name}-host>:${t.port}`).join(' ');
  const names = servers.map((t) => t.name).join(' and ');
  return [
    '## Serving mode: stock',
    '',
    ...(servers.length === 0
      ? ['This bundle is in stock mode, and every segment runs on the device: it calls no server.']
      : [
          `This bundle is in stock mode: the ${names} ${servers.length === 1 ? 'is a plain Open Inference Protocol (OIP) server' : 'are plain Open Inference Protocol (OIP) servers'},`,
          'each segment a model named after it that takes all of its inputs and answers all of its outputs.',
          'The servers keep nothing between requests and never call each other: the device sends every server',
          'segment its tensors and collects the answers itself, so a tensor one server makes and another',
          'reads travels through the device (edge → device → cloud), as listed above. The predicted figures above',
          "count those extra transfers. Any OIP server can serve the segments: Cutline's tier (which serves a",
          "stock bundle's segments as plain models), Triton or KServe.",
        ]),
    '',
    ...(servers.length > 0
      ? [
          "Copy the bundle to each machine (at least `runtime/`, `manifest.json` and that tier's folder). Server",
          'tiers serve HTTPS, so the token does not cross a network in clear: make a private CA and a',
          'certificate for each server machine; the device needs `ca.pem`, each server its own `cert.pem`',
          "and `key.pem` in the bundle's folder:",
          '',
          '```sh',
          ...CERTIFICATE_LINES,
          '```',
          '',
          ...certificateNote('the device'),
          '',
          'Then install the runtime on every machine and start the servers, then the device:',
          '',
        ]
      : []),
    '```sh',
    `${RUNTIME_INSTALL_LINE}   # once per machine, in the bundle's folder`,
    'export CUTLINE_TOKEN=<token>      # one secret, the same on every machine: openssl rand -hex 24',
    ...[...servers]
      .reverse()
      .flatMap((t) => [
        `# on the ${t.name} (<${t.name}-host>):`,
        `node runtime/cutline-tier.mjs --bundle . --tier ${t.name} --host 0.0.0.0 --tls-cert cert.pem --tls-key key.pem`,
      ]),
    `# on the ${device.name}:`,
    `node runtime/cutline-tier.mjs --bundle . --tier ${device.name}${flags ? ` ${flags} --up-ca ca.pem` : ''}`,
    '```',
    '',
    ...(servers.length > 0
      ? [
          `The device takes each server's URL from \`--server TIER=URL\` or ${servers.map((t) => `\`${serverUrlVariable(t.name)}\``).join(', ')},`,
          'and `--up-ca` (CUTLINE_UP_CA) for their certificates; it refuses an `http://` URL to another machine',
          'unless given `--allow-plain-http` (CUTLINE_ALLOW_PLAIN_HTTP=1, on a network you trust). It sends each',
          'server `Authorization: Bearer $CUTLINE_TOKEN` with binary tensors.',
        ]
      : []),
    ...(cloudSegments.length > 0
      ? [
          '',
          `Triton on the cloud instead: \`tritonserver --model-repository=cloud/triton\` serves ${cloudSegments.map((id) => `\`${id}\``).join(', ')}`,
          'from the written `config.pbtxt` files. Its HTTP endpoint is plain and does not check the token: on a',
          'private network give the device `--server cloud=http://<cloud-host>:8000 --allow-plain-http`, else',
          'put Triton behind a TLS proxy that checks the token.',
        ]
      : []),
    '',
  ];
}
