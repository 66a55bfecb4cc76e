/**
 * The bundle README's section for a stock-mode bundle (`runtime.serving: 'stock'`): what the mode
 * means and the per-machine commands, the device given every server's URL.
 */
import type { BundleManifest } from './manifest.js';
import { serverUrlVariable } from './stock-tier.js';

export function stockRunSection(manifest: BundleManifest): string[] {
  const servers = manifest.tiers.slice(1);
  const device = manifest.tiers[0]!;
  const cloud = manifest.tiers.findIndex((t) => t.name === 'cloud');
  const cloudSegments = manifest.segments.filter((s) => s.tier === cloud && cloud > 0).map((s) => s.id);
  const flags = servers.map((t) => `--server ${t.name}=http://<${t.name}-host>:${t.port}`).join(' ');
  return [
    '## Serving mode: stock',
    '',
    `This bundle is in stock mode: the ${servers.map((t) => t.name).join(' and ')} ${servers.length === 1 ? 'is a plain' : 'are plain'} Open Inference`,
    'Protocol server, each segment a model named after it that takes all of its inputs and answers all of',
    'its outputs. The servers keep nothing between requests and never call each other: the device sends',
    'every server segment its tensors and collects the answers itself, so a tensor one server makes for',
    'another travels through the device (edge → device → cloud). The predicted figures above count those',
    "extra transfers. Any OIP server can serve the segments: Cutline's tier (which runs in plain mode for",
    'a stock bundle), Triton or KServe.',
    '',
    '```sh',
    'export CUTLINE_TOKEN=$(openssl rand -hex 24)      # the same secret on every machine',
    ...[...servers]
      .reverse()
      .map(
        (t) =>
          `CUTLINE_HOST=0.0.0.0 node runtime/cutline-tier.mjs --bundle . --tier ${t.name}   # on the ${t.name}`,
      ),
    `node runtime/cutline-tier.mjs --bundle . --tier ${device.name} ${flags}   # on the ${device.name}`,
    '```',
    '',
    `The device takes each server's URL from \`--server TIER=URL\` or ${servers.map((t) => `\`${serverUrlVariable(t.name)}\``).join(', ')},`,
    `serves the whole model (\`POST /v2/models/${manifest.model.name}/infer\`) on port ${device.port}, and sends each`,
    'server `Authorization: Bearer $CUTLINE_TOKEN` with binary tensors.',
    ...(cloudSegments.length > 0
      ? [
          '',
          `Triton on the cloud instead: \`tritonserver --model-repository=cloud/triton\` serves ${cloudSegments.map((id) => `\`${id}\``).join(', ')}`,
          'from the written `config.pbtxt` files; give the device `--server cloud=http://<cloud-host>:8000`.',
          'Triton does not check the token: keep it on a private network or behind a proxy that does.',
        ]
      : []),
    '',
  ];
}
