/**
 * The command line on the SSD-like detector (test/support/data-dependent-models.ts): `analyze`
 * and `solve` mark the figures that rest on data-dependent layers with ≥ and one line saying why,
 * and their JSON carries the flag per layer and per tier.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectorModel } from './support/data-dependent-models.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../bin/cutline.js');
let dir: string;
let model: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-data-dependent-cli-'));
  model = path.join(dir, 'detector.onnx');
  fs.writeFileSync(model, detectorModel());
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const cutline = async (...args: string[]): Promise<string> =>
  (await run(process.execPath, [CLI, ...args], { maxBuffer: 16 << 20 })).stdout;

describe('cutline on a data-dependent model', () => {
  it('analyze marks the flagged layers and says why, in text and JSON', async () => {
    const text = await cutline('analyze', model);
    expect(text).toContain(
      'Data-dep. 4 layers are data-dependent (NonMaxSuppression and what it sizes): their time depends on the input, so figures marked ≥ are lower bounds',
    );
    const row = (name: string): string => text.split('\n').find((l) => l.includes(` ${name} `)) ?? '';
    expect(row('cloud_detections')).toMatch(/≥0\s+≥0/);
    expect(row('cloud_scale')).not.toContain('≥');
    expect(row('edge_conv')).not.toContain('≥');

    const json = JSON.parse(await cutline('analyze', model, '--json')) as {
      layers: { name: string; dataDependent?: { reason: string; sourceNode: string; sourceOp: string } }[];
    };
    const flagged = json.layers.filter((l) => l.dataDependent);
    expect(flagged.map((l) => l.name)).toEqual([
      'cloud_nms',
      'cloud_box_index',
      'cloud_detections',
      'cloud_sum',
    ]);
    expect(flagged.every((l) => l.dataDependent?.sourceNode === 'cloud_nms')).toBe(true);
  });

  it('solve prints every latency as a lower bound and says which tier runs the flagged layers', async () => {
    const text = await cutline('solve', model, '-t', 'pi4-wifi-edge-wan-cloud', '-s', 'min-cut');
    expect(text).toMatch(/^Data-dep\. {3}4 layers are data-dependent/m);
    expect(text).toMatch(/min-cut\s+≥ \d+\.\d\d/);

    const json = JSON.parse(
      await cutline('solve', model, '-t', 'pi4-wifi-edge-wan-cloud', '-s', 'min-cut', '--json'),
    ) as {
      plans: {
        layerPlacement: Record<string, string>;
        dataDependentPerTier: Record<string, string | null>;
      }[];
    };
    const plan = json.plans[0]!;
    const nmsTier = plan.layerPlacement['cloud_nms']!;
    expect(plan.dataDependentPerTier[nmsTier]).toMatch(/NonMaxSuppression/);
    // A tier that runs none of the four flagged layers keeps a plain prediction.
    const flaggedTiers = new Set(
      ['cloud_nms', 'cloud_box_index', 'cloud_detections', 'cloud_sum'].map((n) => plan.layerPlacement[n]),
    );
    for (const [tier, reason] of Object.entries(plan.dataDependentPerTier))
      expect(reason === null).toBe(!flaggedTiers.has(tier));
  });

  it('export prints the plan as a lower bound and names the tier that runs NonMaxSuppression', async () => {
    const args = [
      'export',
      model,
      '-t',
      'pi4-wifi-edge-wan-cloud',
      '-s',
      'tiers',
      '-c',
      'pin:cloud_nms=cloud',
    ];
    const text = await cutline(...args, '--out', path.join(dir, 'bundle-text'), '--no-verify');
    expect(text).toMatch(/^Predicted ≥ \d+\.\d\d ms/m);
    expect(text).toContain('Predicted figures marked ≥ are lower bounds: ');
    expect(text).toContain('the cloud runs cloud_nms: NonMaxSuppression keeps');

    const json = JSON.parse(
      await cutline(...args, '--out', path.join(dir, 'bundle-json'), '--no-verify', '--json'),
    ) as {
      dataDependentPerTier: Record<string, string | null>;
    };
    expect(json.dataDependentPerTier['cloud']).toMatch(/^cloud_nms: NonMaxSuppression/);
  });
});
