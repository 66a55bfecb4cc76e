/**
 * Stock mode (issue 14, point 3): the edge and cloud are plain OIP servers and the device sends
 * every server segment its tensors itself. The cost model charges the edge → cloud tensor's trip
 * through the device; a three-tier stock bundle of the vehicle CNN (device L1 → edge L2 → cloud
 * dense layers, so the edge feeds the cloud) says so in its manifest and README, and the harness
 * runs it as processes (plain servers, emulated routes) with every answer equal to the whole model.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { analyzeBytes } from '../core/analyze.js';
import { writeRuntime } from '../core/bundle/runtime-build.js';
import type { BundleManifest } from '../core/bundle/manifest.js';
import { servePlainTier } from '../core/bundle/plain-tier.js';
import { serveStockDevice } from '../core/bundle/stock-device.js';
import { hostPrediction } from '../core/bundle/harness-figures.js';
import { stockServerUrls } from '../core/bundle/stock-tier.js';
import { serveTier } from '../core/bundle/tier-server.js';
import { CutlineError } from '../core/errors.js';
import { compareOutput } from '../core/export/compare.js';
import { writeBundle, type WrittenBundle } from '../core/bundle/write-bundle.js';
import type { HarnessSummary } from '../core/bundle/harness-types.js';
import { buildPartitionProblem } from '../core/partition/build-problem.js';
import { evaluatePlacement } from '../core/partition/evaluate.js';
import { givenPlan } from '../core/partition/plan.js';
import { evaluateStockPlacement } from '../core/partition/serving-mode.js';
import { loadDeviceProfile, loadLinkProfile, loadTopology } from '../core/profiles/load.js';
import { exportCommand } from '../app/cli/export.js';
import { harnessCommand } from '../app/cli/harness.js';
import { expectCode } from './support/expect-code.js';
import { VEHICLE_MODEL, writeN2Topology } from './support/vehicle-bundle.js';

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-stock-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function vehicleChain() {
  const bytes = new Uint8Array(fs.readFileSync(VEHICLE_MODEL));
  const analysis = analyzeBytes(bytes);
  const topology = loadTopology(writeN2Topology(work));
  const built = buildPartitionProblem(analysis, topology);
  const placement = Uint8Array.from(built.problem.units.map((_, u) => (u < 3 ? 0 : u < 6 ? 1 : 2)));
  return { bytes, analysis, topology, built, placement };
}

/** A seeded input of the model's (fixed) input shape. */
function randomInput(manifest: BundleManifest): ort.Tensor {
  const dims = manifest.model.inputs[0]!.shape as number[];
  const data = new Float32Array(dims.reduce((n, d) => n * d, 1));
  let seed = 7;
  for (let i = 0; i < data.length; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    data[i] = seed / 2 ** 31 - 0.5;
  }
  return new ort.Tensor('float32', data, dims);
}

describe('stock mode', () => {
  it('charges the edge → cloud tensor the trip through the device: down and up hop 0, by hand', () => {
    const { built, placement } = vehicleChain();
    const { problem } = built;
    const relay = evaluatePlacement(problem, placement);
    const stock = evaluateStockPlacement(problem, placement);
    // The tensors the edge makes and the cloud reads (the vehicle CNN is a chain: one).
    const edgeToCloud = problem.tensors.filter(
      (t) =>
        t.producer >= 0 && placement[t.producer] === 1 && [...t.consumers].some((c) => placement[c] === 2),
    );
    expect(edgeToCloud).toHaveLength(1);
    const bytes = edgeToCloud[0]!.bytes;
    expect(bytes).toBeGreaterThan(0);

    // By hand from the profiles: WiFi one way is rtt/2 + bytes·8 / (Mb/s·10⁶) s, and the N2's
    // radio draws its transmit power while sending, its receive power while receiving, on top of
    // the board's idle power (DOMAIN.md).
    const wifi = loadLinkProfile('wifi-16m');
    const n2 = loadDeviceProfile('odroid-n2');
    const downMs = wifi.rttMs / 2 + ((bytes * 8) / (wifi.downlinkMbps * 1e6)) * 1000;
    const upMs = wifi.rttMs / 2 + ((bytes * 8) / (wifi.uplinkMbps * 1e6)) * 1000;
    expect(stock.linkBytes - relay.linkBytes).toBe(2 * bytes);
    expect(stock.hops[0]!.downBytes - relay.hops[0]!.downBytes).toBe(bytes);
    expect(stock.hops[0]!.upBytes - relay.hops[0]!.upBytes).toBe(bytes);
    expect(stock.hops[1]!.upBytes).toBe(relay.hops[1]!.upBytes);
    expect(stock.hops[1]!.downBytes).toBe(relay.hops[1]!.downBytes);
    expect(stock.latencyMs - relay.latencyMs).toBeCloseTo(downMs + upMs, 9);
    expect(stock.hops[0]!.latencyMs - relay.hops[0]!.latencyMs).toBeCloseTo(downMs + upMs, 9);
    expect(stock.deviceEnergyMj - relay.deviceEnergyMj).toBeCloseTo(
      (n2.idlePowerW + n2.radioRxPowerW!) * downMs + (n2.idlePowerW + n2.radioTxPowerW!) * upMs,
      9,
    );
    // The same layers run on the same tiers.
    expect(stock.computeMsPerTier).toEqual(relay.computeMsPerTier);
    const cut = stock.cutTensors.find((t) => t.name === edgeToCloud[0]!.name)!;
    expect(cut.fromTier).toBe(1);
    expect(cut.toTiers).toEqual([0, 2]);
  });

  it('export takes --serving relay or stock, and says so when given anything else', async () => {
    const error = await exportCommand(VEHICLE_MODEL, {
      topology: writeN2Topology(work),
      placement: path.join(work, 'none.json'),
      constraint: [],
      input: [],
      out: path.join(work, 'never'),
      onUnreachable: 'fail',
      serving: 'triton',
      verify: false,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CutlineError);
    expect((error as CutlineError).code).toBe('BAD_CONSTRAINT');
    expect((error as CutlineError).message).toBe('--serving must be relay or stock, not "triton".');
    expect(fs.existsSync(path.join(work, 'never'))).toBe(false);
  });

  describe('a three-tier stock bundle', () => {
    let bundle: WrittenBundle;
    beforeAll(async () => {
      const { bytes, analysis, topology, built, placement } = vehicleChain();
      bundle = await writeBundle({
        outDir: path.join(work, 'stock'),
        analysis,
        modelBytes: bytes,
        modelName: 'vehicle',
        topology,
        built,
        plan: givenPlan(built.problem, placement, { kind: 'latency' }, 'device L1, edge L2, cloud dense'),
        // The device carries the whole model, so the harness compares with the bundle's own copy.
        onUnreachable: 'local',
        serving: 'stock',
        writeRuntime,
      });
    });

    it('says stock in the manifest, predicts with the stock cost model, and says how to run it', () => {
      const { manifest } = bundle;
      expect(manifest.runtime.serving).toBe('stock');
      const { built, placement } = vehicleChain();
      const stock = evaluateStockPlacement(built.problem, placement);
      const relay = evaluatePlacement(built.problem, placement);
      expect(manifest.plan.predicted.linkBytes).toBe(stock.linkBytes);
      expect(manifest.plan.predicted.latencyMs).toBeCloseTo(stock.latencyMs, 9);
      expect(manifest.plan.predicted.linkBytes).toBeGreaterThan(relay.linkBytes);
      const readme = fs.readFileSync(path.join(bundle.dir, 'README.md'), 'utf8');
      expect(readme).toContain('stock mode');
      expect(readme).toContain(
        '--server edge=https://<edge-host>:8811 --server cloud=https://<cloud-host>:8812 --up-ca ca.pem',
      );
    });

    it('writes its README in stock terms: placed by hand, routes through the device, certificates once', () => {
      const readme = fs.readFileSync(path.join(bundle.dir, 'README.md'), 'utf8');
      expect(readme).toContain('Placed by hand (the design as drawn).');
      expect(readme).not.toContain('`given` solver');
      // Each server segment's exchange with the device: its inputs up, its outputs down.
      const crosses = readme.split('## What crosses, per inference\n')[1]!.split('\n\n')[0]!.split('\n');
      const { manifest } = bundle;
      expect(crosses).toEqual(
        manifest.segments
          .filter((s) => s.tier > 0)
          .map((s) => {
            const names = (list: readonly { name: string }[]): string =>
              list.map((t) => `\`${t.name}\``).join(', ');
            const route = s.tier === 1 ? 'device ↔ edge' : 'device ↔ cloud (through the edge)';
            return `- ${route}, \`${s.id}\`: up ${names(s.inputs)}; down ${names(s.outputs)}`;
          }),
      );
      expect(crosses).toHaveLength(2);
      // The CA once, each server's certificate once per server, as the relay README says.
      expect(readme).toContain(
        'The first line makes the CA: run it once. Run the other two once per server machine',
      );
      expect(readme).toContain('names the machine as the device reaches it');
      // Compose publishes the device alone, on loopback.
      const compose = fs.readFileSync(path.join(bundle.dir, 'compose.yaml'), 'utf8');
      expect(compose.match(/^ {6}- "[^"]*"$/gm)).toEqual(['      - "127.0.0.1:8810:8810"']);
    });

    it("predicts this host's run with the stock cost model, and without link time when links are not emulated", () => {
      const { manifest } = bundle;
      const { analysis, placement } = vehicleChain();
      // The same chain with this host's profile on every tier: what the harness predicts with.
      const file = writeN2Topology(
        work,
        ['i7-8650u-edge', 'i7-8650u-edge', 'i7-8650u-edge'],
        'i7-everywhere',
      );
      const problem = buildPartitionProblem(analysis, loadTopology(file)).problem;
      const host = loadDeviceProfile('i7-8650u-edge');
      const stock = hostPrediction(analysis, manifest, host, true);
      expect(stock.latencyMs).toBeCloseTo(evaluateStockPlacement(problem, placement).latencyMs, 9);
      const relayManifest = { ...manifest, runtime: { ...manifest.runtime, serving: 'relay' as const } };
      const relay = hostPrediction(analysis, relayManifest, host, true);
      expect(relay.latencyMs).toBeCloseTo(evaluatePlacement(problem, placement).latencyMs, 9);
      expect(stock.latencyMs).toBeGreaterThan(relay.latencyMs);
      const loopback = hostPrediction(analysis, manifest, host, false);
      expect(loopback.latencyMs).toBeCloseTo(
        stock.computeMsPerTier.reduce((a, b) => a + b, 0),
        9,
      );
    });

    it('names every server tier the device needs, and refuses a --server flag it cannot read', () => {
      const { manifest } = bundle;
      expect([
        ...stockServerUrls(manifest, ['edge=http://10.0.0.2:8811'], { CUTLINE_CLOUD_URL: 'http://c:8812' }),
      ]).toEqual([
        [1, 'http://10.0.0.2:8811'],
        [2, 'http://c:8812'],
      ]);
      const missing = expectCode(() => stockServerUrls(manifest, [], {}), 'BAD_BUNDLE');
      expect(missing.message).toContain('--server edge=URL or CUTLINE_EDGE_URL');
      expect(missing.message).toContain('--server cloud=URL or CUTLINE_CLOUD_URL');
      expectCode(() => stockServerUrls(manifest, ['device=http://x'], {}), 'BAD_BUNDLE');
    });

    it('answers through plain servers in one process, and names the tier and URL it cannot reach', async () => {
      const { manifest } = bundle;
      const edge = await servePlainTier({
        manifest,
        bundleDir: bundle.dir,
        tier: 1,
        token: manifest.runtime.token,
      });
      // A port that was just free: nothing listens there.
      const gone = await servePlainTier({
        manifest,
        bundleDir: bundle.dir,
        tier: 2,
        token: manifest.runtime.token,
      });
      const goneUrl = gone.server.url;
      await gone.close();
      const cloud = await servePlainTier({
        manifest,
        bundleDir: bundle.dir,
        tier: 2,
        token: manifest.runtime.token,
      });
      const feeds = { [manifest.model.inputs[0]!.name]: randomInput(manifest) };
      const whole = await ort.InferenceSession.create(VEHICLE_MODEL);
      const expected = await whole.run(feeds);
      await whole.release();
      const start = (cloudUrl: string, onUnreachable: 'fail' | 'local') =>
        serveStockDevice({
          manifest: { ...manifest, runtime: { ...manifest.runtime, onUnreachable } },
          bundleDir: bundle.dir,
          serverUrls: new Map([
            [1, edge.server.url],
            [2, cloudUrl],
          ]),
          token: manifest.runtime.token,
        });
      const live = await start(cloud.server.url, 'fail');
      const dead = await start(goneUrl, 'fail');
      const fallback = await start(goneUrl, 'local');
      try {
        const answer = await live.driver.infer(new Map(Object.entries(feeds)));
        expect(answer.fallback).toBe(false);
        for (const [name, tensor] of Object.entries(expected))
          expect(compareOutput(tensor, answer.outputs.get(name)!).ok, name).toBe(true);
        // Two entries per server segment (the device's exchange, the server's compute), one per device segment.
        expect(answer.steps.map((s) => `${s.segment}@${s.tier}`)).toEqual(
          manifest.schedule.steps.flatMap((step) =>
            step.tier === 0
              ? [`${step.segment}@device`]
              : [`${step.segment}@device`, `${step.segment}@${manifest.tiers[step.tier]!.name}`],
          ),
        );
        const error = await dead.driver
          .infer(new Map(Object.entries(feeds)))
          .catch((e: unknown) => e as Error);
        expect(error).toBeInstanceOf(CutlineError);
        expect((error as CutlineError).code).toBe('TIER_UNREACHABLE');
        expect((error as Error).message).toContain(`The cloud at ${goneUrl} did not answer segment`);
        expect((error as Error).message).not.toContain('\n');
        const local = await fallback.driver.infer(new Map(Object.entries(feeds)));
        expect(local.fallback).toBe(true);
      } finally {
        for (const served of [live, dead, fallback, edge, cloud]) await served.close();
      }
    });

    it("drives Cutline's relay tiers too, with plain calls only (no cutline_ parameter reaches them)", async () => {
      const { manifest } = bundle;
      const token = manifest.runtime.token;
      // The relay tiers, unchained (no tier above the edge): a relay request to the edge's step
      // would carry the cloud's step on up and fail; a plain call runs the edge's segment alone.
      const edge = await serveTier({ manifest, bundleDir: bundle.dir, tier: 1, token });
      const cloud = await serveTier({ manifest, bundleDir: bundle.dir, tier: 2, token });
      const device = await serveStockDevice({
        manifest,
        bundleDir: bundle.dir,
        serverUrls: new Map([
          [1, edge.server.url],
          [2, cloud.server.url],
        ]),
        token,
      });
      try {
        const feeds = { [manifest.model.inputs[0]!.name]: randomInput(manifest) };
        const whole = await ort.InferenceSession.create(VEHICLE_MODEL);
        const expected = await whole.run(feeds);
        await whole.release();
        const answer = await device.driver.infer(new Map(Object.entries(feeds)));
        expect(answer.fallback).toBe(false);
        for (const [name, tensor] of Object.entries(expected))
          expect(compareOutput(tensor, answer.outputs.get(name)!).ok, name).toBe(true);
      } finally {
        for (const served of [device, edge, cloud]) await served.close();
      }
    });

    it('runs under `cutline harness`: plain servers, emulated routes, every answer equal to the whole model', async () => {
      const lines: string[] = [];
      const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
        lines.push(String(chunk));
        return true;
      });
      let code: number;
      try {
        code = await harnessCommand(bundle.dir, {
          runs: 3,
          stream: 4,
          emulateLinks: true,
          json: true,
        } as never);
      } finally {
        write.mockRestore();
      }
      const events = lines
        .join('')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { event: string; summary?: HarnessSummary; tier?: string });
      const summary = events.find((e) => e.event === 'summary')!.summary!;
      expect(code).toBe(0);
      expect(summary.verified).toBe(true);
      expect(summary.answered).toBe(7);
      expect(summary.failed).toBe(0);
      expect(summary.fallbacks).toBe(0);
      expect(events.filter((e) => e.event === 'tier').map((e) => e.tier)).toEqual([
        'cloud',
        'edge',
        'device',
      ]);
      // Figures per route: the device's exchanges with each server, the cloud's over both hops.
      expect(summary.hops.map((h) => `${h.from}→${h.to}`)).toEqual(['device→edge', 'device→cloud']);
      const segments = bundle.manifest.segments;
      const bytesOf = (tier: number): number =>
        segments
          .filter((s) => s.tier === tier)
          .flatMap((s) => [...s.inputs, ...s.outputs])
          .reduce((sum, t) => sum + 4 * (t.shape as number[]).reduce((n, d) => n * d, 1), 0);
      expect(summary.hops[0]!.bytes).toBe(bytesOf(1));
      expect(summary.hops[1]!.bytes).toBe(bytesOf(2));
      for (const hop of summary.hops) expect(hop.measuredMs).toBeGreaterThan(0);
      expect(summary.measured.computeMsPerTier.every((ms) => ms > 0)).toBe(true);
    }, 60_000);
  });
});
