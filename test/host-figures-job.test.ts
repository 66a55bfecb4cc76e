/**
 * The studio's "Save figures for Model Explorer": the web host's `figures` job, over HTTP with its
 * validation, writes the open design's figures as `cutline figures` writes them for the same
 * design (file for file, byte for byte), and answers with the files and the command that opens them.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { SAMPLES_DIR } from '../app/host/sample-catalog.js';
import type { FiguresArgs, JobEvent, OpenResult } from '../app/shared/studio-api.js';
import type { WebStudioClient } from '../app/shared/web-client.js';
import { parseNodeDataText } from '../core/export/model-explorer.js';
import { loadTopology } from '../core/profiles/load.js';
import { webHostHarness } from './support/studio-host-fixtures.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../bin/cutline.js');
const TOPOLOGY = 'pi4-wifi-edge-wan-cloud';

let dir: string;
const hosts = webHostHarness(() => dir);
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-figures-job-'));
});
afterEach(() => hosts.stopAll());
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function opened(result: OpenResult | null): Extract<OpenResult, { ok: true }>['model'] {
  if (!result?.ok) throw new Error(JSON.stringify(result));
  return result.model;
}

/** Starts a job and waits for its end. */
async function figuresJob(client: WebStudioClient, sessionId: string, args: FiguresArgs): Promise<JobEvent> {
  const ended = new Promise<JobEvent>((resolve) => {
    client.onJob((event) => {
      if (event.type === 'done' || event.type === 'failed') resolve(event);
    });
  });
  await client.eventsConnected();
  const started = await client.startJob(sessionId, { kind: 'figures', args });
  if (!started.ok) throw new Error(started.error.message);
  return ended;
}

it('writes the design as cutline figures does and says how to open it; refuses a relative folder', async () => {
  const { client } = await hosts.start();
  const model = opened(await client.openSample('resnet-mini'));
  const names = model.partition.units.map((unit) => unit.name);
  const args: FiguresArgs = {
    topology: loadTopology(TOPOLOGY),
    placement: Object.fromEntries(names.slice(names.length >> 1).map((name) => [name, 'cloud' as const])),
    pins: [],
    inputs: {},
    objective: 'latency',
    outDir: path.join(dir, 'studio'),
  };
  const end = await figuresJob(client, model.sessionId, args);
  if (end.type !== 'done' || end.result.kind !== 'figures') throw new Error(JSON.stringify(end));
  const { files, command } = end.result.value;
  expect(files.map((f) => f.figure)).toContain('tier');
  expect(command).toBe(
    `model-explorer ${path.join(SAMPLES_DIR, 'resnet-mini.onnx')} --extensions=model_explorer_onnx --node_data_paths=${files.map((f) => f.path).join(',')}`,
  );
  // The design's placement: the second half of the layers on the cloud, the rest on the device.
  const tierFile = parseNodeDataText(fs.readFileSync(files.find((f) => f.figure === 'tier')!.path, 'utf8'));
  const tiers = Object.values(tierFile)[0]!.results;
  expect(tiers[names.at(-1)!]!.value).toBe('cloud');
  expect(tiers[names[0]!]!.value).toBe('device');

  // The same design given to the command line: the same files.
  const plan = path.join(dir, 'plan.json');
  // A plan file names every layer's tier; the design names only those off the device.
  fs.writeFileSync(
    plan,
    JSON.stringify(Object.fromEntries(names.map((n) => [n, args.placement[n] ?? 'device']))),
  );
  const cliOut = path.join(dir, 'cli');
  await run(process.execPath, [
    CLI,
    'figures',
    path.join(SAMPLES_DIR, 'resnet-mini.onnx'),
    '-t',
    TOPOLOGY,
    '--placement',
    plan,
    '--out',
    cliOut,
  ]);
  expect(fs.readdirSync(cliOut).sort()).toEqual(files.map((f) => path.basename(f.path)).sort());
  for (const f of files)
    expect(fs.readFileSync(f.path, 'utf8'), f.figure).toBe(
      fs.readFileSync(path.join(cliOut, path.basename(f.path)), 'utf8'),
    );

  // Checked at the boundary: a relative folder, a field the contract lacks.
  expect(
    await client.startJob(model.sessionId, { kind: 'figures', args: { ...args, outDir: 'figures' } }),
  ).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  expect(
    await client.startJob(model.sessionId, { kind: 'figures', args: { ...args, zip: true } } as never),
  ).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
}, 60_000);
