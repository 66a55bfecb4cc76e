/**
 * The text files of a bundle that deploy it on real machines: a Dockerfile per tier, a compose
 * file joining them and the bundle's README (Triton's config.pbtxt is in triton-config.ts).
 */
import { formatMiB } from '../partition/constraints.js';
import { machineSection, RUNTIME_INSTALL, RUNTIME_INSTALL_LINE } from './machine-commands.js';
import type { BundleManifest } from './manifest.js';
import { stockServerTiers } from './stock-driver.js';
import { stockRunSection } from './stock-readme.js';
import { serverUrlVariable } from './stock-tier.js';
import { TRITON_MAX_BATCH, tritonBatches } from './triton-config.js';
import { tritonRepositoryLines } from './triton-readme.js';

/** The tier's container: Node 20 with onnxruntime-node, the runtime and the tier's folder. */
export function dockerfile(tier: string, ortVersion: string, port: number): string {
  return [
    "# Cutline tier runtime: serves this tier's sub-models over the Open Inference Protocol.",
    'FROM node:20-bookworm-slim',
    'WORKDIR /bundle',
    'COPY runtime/package.json runtime/',
    // Nothing but the npm registry: see RUNTIME_INSTALL.
    `RUN cd runtime && ${RUNTIME_INSTALL} && npm ls onnxruntime-node@${ortVersion}`,
    'COPY runtime/ runtime/',
    'COPY manifest.json ./',
    `COPY ${tier}/ ${tier}/`,
    '# TLS: mount a certificate and key and set CUTLINE_TLS_CERT and CUTLINE_TLS_KEY to their paths.',
    `ENV CUTLINE_TIER=${tier} CUTLINE_HOST=0.0.0.0 CUTLINE_PORT=${port}`,
    `EXPOSE ${port}`,
    'USER node',
    `CMD ["node", "runtime/cutline-tier.mjs", "--bundle", "/bundle", "--tier", "${tier}"]`,
    '',
  ].join('\n');
}

/**
 * `<tier>/Dockerfile.dockerignore`: BuildKit reads it for a build with `<tier>/Dockerfile` in place
 * of the context's `.dockerignore`, so each image is sent only what it copies. A runtime installed
 * on the host (`runtime/node_modules`) stays out too: the image installs its own, and a host's
 * copy is for another system and would be copied over it.
 */
export function tierDockerignore(tier: string): string {
  return [
    `# The ${tier} image's build context: the runtime, the manifest and the ${tier}'s folder only.`,
    '*',
    '!runtime',
    'runtime/node_modules',
    '!manifest.json',
    `!${tier}`,
    '',
  ].join('\n');
}

/** The context's `.dockerignore`, for a builder without BuildKit (it reads no per-Dockerfile file). */
export function contextDockerignore(): string {
  return [
    "# Builders without BuildKit read this file only; BuildKit reads each tier's Dockerfile.dockerignore.",
    'runtime/node_modules',
    '*.zip',
    '',
  ].join('\n');
}

/** Compose file running every tier on one Docker host, each reaching the next by service name. */
export function composeFile(manifest: BundleManifest): string {
  const lines = ['# docker compose up --build   (set CUTLINE_TOKEN in the environment first)', 'services:'];
  // Stock mode: no chain; the device is given every server's URL (stock-tier.ts).
  const stock = manifest.runtime.serving === 'stock';
  manifest.tiers.forEach((tier, t) => {
    const up = stock ? undefined : manifest.tiers[t + 1];
    const servers = stock && t === 0 ? stockServerTiers(manifest).map((s) => manifest.tiers[s]!) : [];
    lines.push(
      `  ${tier.name}:`,
      '    build:',
      '      context: .',
      `      dockerfile: ${tier.name}/Dockerfile`,
      '    environment:',
      '      CUTLINE_TOKEN: ${CUTLINE_TOKEN:?set CUTLINE_TOKEN to a shared secret}',
      // Plain HTTP between containers on this host's private network (the tier refuses it otherwise).
      ...(up
        ? [`      CUTLINE_UP_URL: http://${up.name}:${up.port}`, '      CUTLINE_ALLOW_PLAIN_HTTP: "1"']
        : []),
      ...servers.map(
        (server) => `      ${serverUrlVariable(server.name)}: http://${server.name}:${server.port}`,
      ),
      ...(servers.length > 0 ? ['      CUTLINE_ALLOW_PLAIN_HTTP: "1"'] : []),
      // Only the device is published, and on this host's loopback alone: the token travels in
      // clear over plain HTTP; the servers are reached by service name on the compose network.
      ...(t === 0 ? ['    ports:', `      - "127.0.0.1:${tier.port}:${tier.port}"`] : []),
      ...(up ? ['    depends_on:', `      - ${up.name}`] : []),
      ...(servers.length > 0
        ? ['    depends_on:', ...servers.map((server) => `      - ${server.name}`)]
        : []),
    );
  });
  return `${lines.join('\n')}\n`;
}

/** The bundle's README: what is in it and how to run it across real machines. */
export function bundleReadme(manifest: BundleManifest): string {
  const p = manifest.plan.predicted;
  const tierLines = manifest.tiers.map((tier, t) => {
    const segments = manifest.segments.filter((s) => s.tier === t);
    const files = segments.map((s) => `\`${s.file}\`${s.data ? ` + \`${s.data.file}\`` : ''}`);
    return `- \`${tier.name}/\`: ${tier.device} (${tier.precision}), ${segments.length} sub-model${segments.length === 1 ? '' : 's'} (${files.join(', ') || 'none'}), OIP on port ${tier.port}`;
  });
  const hops = manifest.hops.map(
    (h) =>
      `- ${h.from} → ${h.to}: ${h.link} (${h.uplinkMbps} Mb/s up, ${h.downlinkMbps} Mb/s down, RTT ${h.rttMs} ms)`,
  );
  const crossing = manifest.schedule.crossings.map(
    (c) =>
      `- \`${c.tensor}\`: ${manifest.tiers[c.direction === 'up' ? c.hop : c.hop + 1]!.name} → ${manifest.tiers[c.direction === 'up' ? c.hop + 1 : c.hop]!.name}`,
  );
  const bindings = Object.entries(manifest.model.bindings ?? {});
  const inputLines = manifest.model.inputs.map((t) => {
    const bound = manifest.model.bindings?.[t.name];
    const shape = bound ?? (t.shape ? t.shape.join('x') || 'scalar' : 'unknown shape');
    const value = manifest.model.inputValues?.[t.name];
    return `- \`${t.name}\`: ${t.dtype} ${shape}${bound ? ' (bound at export)' : ''}${value !== undefined ? `, value ${value}` : ''}`;
  });
  return [
    `# Cutline deployment bundle: ${manifest.model.name}`,
    '',
    '## Inputs',
    ...inputLines,
    ...(bindings.length
      ? [
          '',
          'The split was verified with these bound sizes; send inputs of these shapes',
          '(`cutline harness` sends random inputs of them).',
        ]
      : []),
    ...valuesLines(manifest),
    '',
    `${splitBy(manifest)} Predicted: ${p.latencyMs.toFixed(2)} ms per inference, device energy ${p.deviceEnergyMj.toFixed(2)} mJ, ${p.linkBytes} bytes on the links.`,
    '',
    '## Tiers',
    ...tierLines,
    '',
    '## Links',
    ...(hops.length ? hops : ['- (one tier: nothing crosses)']),
    '',
    '## What crosses, per inference',
    ...(manifest.runtime.serving === 'stock'
      ? stockRoutes(manifest)
      : crossing.length
        ? crossing
        : ['- nothing']),
    '',
    ...dataFilesSection(manifest),
    // A stock bundle's servers are plain OIP servers the device calls itself (stock-readme.ts).
    ...(manifest.runtime.serving === 'stock' ? stockRunSection(manifest) : machineSection(manifest)),
    'Every tier runs the same runtime (`runtime/`, Node 20 + onnxruntime-node) on its own folder. The',
    `device serves the whole model over OIP (\`POST /v2/models/${manifest.model.name}/infer\`) on port ${manifest.tiers[0]!.port}`,
    manifest.runtime.serving === 'stock' ? 'and calls each server segment itself.' : 'and drives the chain.',
    '',
    '## Run it on one Docker host',
    '',
    '```sh',
    'export CUTLINE_TOKEN=$(openssl rand -hex 24)',
    'docker compose up --build',
    '```',
    '',
    "Each image holds only the runtime, the manifest and its tier's folder (`<tier>/Dockerfile.dockerignore`,",
    'read by BuildKit); the containers talk plain HTTP on the compose network, which stays on that host.',
    `Only the device's port is published, and on this host's loopback alone (\`127.0.0.1:${manifest.tiers[0]!.port}\`):`,
    'the other tiers publish none (the containers reach each other by service name), since plain HTTP would',
    'carry the token in clear; to serve other machines, run the tiers over HTTPS as above.',
    '',
    'Server tiers speak the Open Inference Protocol (KServe v2) with the binary tensor extension.',
    "Each segment a server tier runs is a plain OIP model named after it: a request with the segment's",
    'inputs gets its outputs (metadata, `/ready` and `/config` describe it), so stock clients such as',
    "tritonclient or curl may call any tier. Cutline's relay is an optional extension (`cutline_relay` in",
    '`GET /v2`): `parameters.cutline_request` (the inference id) makes a request one step of a split',
    'inference, whose tensors the tier holds until its last step or a request to `cutline-release`;',
    "`cutline_step` is the step's index and answers carry `cutline_steps` (each tier's time). A tier's",
    'entries for steps it only relays to a tier above, and `cutline-release`, are not models: a plain',
    'request to one gets a 404 naming the tier to call.',
    'The cloud tier serves its sub-models from a Triton model repository, `cloud/triton/` (one copy of each):',
    "Triton or KServe serve them unchanged (each request then carries all of a sub-model's inputs).",
    ...tritonBatchLines(manifest),
    ...tritonRepositoryLines(manifest),
    '',
    `Security: every request but \`/v2/health/live\` needs \`Authorization: Bearer $CUTLINE_TOKEN\`; the token in`,
    '`manifest.json` is for a lab on loopback only: a tier listening on any other address refuses to start',
    'without CUTLINE_TOKEN. Requests above',
    `${manifest.runtime.maxRequestBytes} bytes are refused. When a server tier is unreachable the device`,
    manifest.runtime.onUnreachable === 'local'
      ? 'runs the whole model itself (`device/model.onnx`) and says so, for 5 s before it tries the tiers again.'
      : 'fails the request with a message naming the tier.',
    ...(manifest.model.file
      ? []
      : [
          'The bundle carries each weight once and no whole model (the device has no local fallback);',
          '`cutline harness` checks the split against the model it was exported from:',
          `\`cutline harness BUNDLE --model ${manifest.model.name}.onnx\` (checked by its SHA-256).`,
        ]),
    '',
  ].join('\n');
}

/**
 * The input values export was given (`--input-value sr=16000`, the manifest's `model.inputValues`):
 * the figures cost the branch they select, and the checks feed them, so a caller must send them.
 */
function valuesLines(manifest: BundleManifest): string[] {
  const values = Object.entries(manifest.model.inputValues ?? {});
  if (values.length === 0) return [];
  const list = values.map(([name, value]) => `\`${name}\` = ${value}`).join(', ');
  return [
    '',
    `Input values (\`model.inputValues\` in \`manifest.json\`): ${list}. The predicted figures cost the`,
    'branches these values select (an `If` on them), and export verification and `cutline harness` feed',
    'them instead of random data (the other inputs stay random); send the same values, or the model may',
    'run work the prediction did not count.',
  ];
}

/** Who chose the split: a solver, or the design as drawn (a studio design or --placement). */
function splitBy(manifest: BundleManifest): string {
  return manifest.plan.solver === 'given'
    ? 'Placed by hand (the design as drawn).'
    : `Split by the \`${manifest.plan.solver}\` solver (${manifest.plan.objective}).`;
}

/**
 * Stock mode's transfers: the device calls each server segment itself, so every tensor travels
 * between the device and one server (through the tiers between), never from server to server.
 */
function stockRoutes(manifest: BundleManifest): string[] {
  const device = manifest.tiers[0]!.name;
  const names = (list: readonly { name: string }[]): string =>
    list.length ? list.map((t) => `\`${t.name}\``).join(', ') : 'nothing';
  const lines = manifest.segments
    .filter((s) => s.tier > 0)
    .map((s) => {
      const server = manifest.tiers[s.tier]!.name;
      const via = manifest.tiers.slice(1, s.tier).map((t) => t.name);
      return `- ${device} ↔ ${server}${via.length ? ` (through the ${via.join(', ')})` : ''}, \`${s.id}\`: up ${names(s.inputs)}; down ${names(s.outputs)}`;
    });
  return lines.length ? lines : ['- nothing (every segment runs on the device)'];
}

/**
 * The README's word on the cloud sub-models whose Triton entry batches: every input and output
 * leads with the same symbolic dimension, so Triton's dynamic batcher may stack requests on it.
 */
function tritonBatchLines(manifest: BundleManifest): string[] {
  const cloud = manifest.tiers.findIndex((t) => t.name === 'cloud');
  const batched = manifest.segments.filter(
    (s) => s.tier === cloud && tritonBatches(s.id, s.inputs, s.outputs),
  );
  if (batched.length === 0) return [];
  const one = batched.length === 1;
  const others = manifest.segments.some((s) => s.tier === cloud && !batched.includes(s));
  return [
    `${batched.map((s) => `\`${s.id}\``).join(', ')} ${one ? 'leads' : 'lead'} every input and output with the same symbolic`,
    `dimension, so ${one ? 'its' : 'their'} Triton entry batches on it (\`max_batch_size: ${TRITON_MAX_BATCH}\`, Triton's dynamic`,
    `batcher): a request to Triton gives that dimension, ${TRITON_MAX_BATCH} at most, first in each tensor's shape.`,
    ...(others
      ? ["The other Triton entries have `max_batch_size: 0` and take the sub-model's whole shapes."]
      : []),
  ];
}

/**
 * The README's word on external-data files, when any model has one: they travel with their
 * `.onnx` or the model does not load (a tier refuses a missing or changed one by its SHA-256).
 */
function dataFilesSection(manifest: BundleManifest): string[] {
  const models = [
    ...manifest.segments.map((s) => ({ what: `segment ${s.id}`, file: s.file, data: s.data })),
    ...(manifest.model.file
      ? [{ what: 'the whole model', file: manifest.model.file, data: manifest.model.data }]
      : []),
  ];
  const withData = models.flatMap(({ what, file, data }) =>
    data ? [`- \`${data.file}\` (${formatMiB(data.bytes)}): the weights of ${what} (\`${file}\`)`] : [],
  );
  if (withData.length === 0) return [];
  const cloud = manifest.tiers.findIndex((t) => t.name === 'cloud');
  const tritonData = manifest.segments.some((s) => s.tier === cloud && s.data);
  return [
    '## Weights in data files',
    ...withData,
    '',
    'These models keep their weights in a data file beside the `.onnx` (ONNX external data), listed',
    'in `manifest.json` with its size and SHA-256. Copy each data file with its `.onnx`, into the same',
    'folder under the same name: onnxruntime finds it there, and a tier refuses a model whose data file',
    "is missing or changed. The tiers' Dockerfiles copy each tier's whole folder, data files included",
    '(into the image in full: Docker does not keep a sparse file sparse).',
    ...(tritonData
      ? [
          "A cloud segment's data file is beside its `model.onnx` in `cloud/triton/<segment>/1/`, where",
          "both Cutline's cloud tier and Triton read it.",
        ]
      : []),
    '',
  ];
}

/** `<tier>/run.sh`: starts this tier from its folder (CUTLINE_TOKEN and CUTLINE_UP_URL from the environment). */
export function tierScript(tier: string): string {
  return [
    '#!/bin/sh',
    `# Starts the ${tier} tier. Set CUTLINE_TOKEN (shared by all tiers) and, below the top tier,`,
    '# CUTLINE_UP_URL (https://<next tier host>:<port>), or give the flags the README shows; they',
    `# pass through. Install the runtime once from the bundle's folder: ${RUNTIME_INSTALL_LINE}`,
    'set -e',
    'cd "$(dirname "$0")/.."',
    `exec node runtime/cutline-tier.mjs --bundle . --tier ${tier} "$@"`,
    '',
  ].join('\n');
}
