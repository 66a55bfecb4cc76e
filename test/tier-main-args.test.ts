/**
 * The tier command's settings that are wrong before anything listens: each stops it with one
 * BAD_BUNDLE line saying what to change (the vehicle bundle's device, edge and cloud tiers).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tierMain } from '../core/bundle/tier-main.js';
import { exportVehicleChain } from './support/vehicle-bundle.js';

let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-tier-args-'));
  await exportVehicleChain(dir, 'pi4-wifi-edge-wan-cloud', 'fail');
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('cutline-tier refuses settings it cannot serve with', () => {
  it('the top tier given a tier above to forward to', async () => {
    await expect(
      tierMain(['--bundle', dir, '--tier', 'cloud', '--port', '0', '--up', 'http://127.0.0.1:9']),
    ).rejects.toMatchObject({
      code: 'BAD_BUNDLE',
      message:
        "The cloud is the bundle's top tier and forwards to nothing: leave out --up and CUTLINE_UP_URL when starting it.",
    });
  });

  it('a lower tier without the URL of the tier above', async () => {
    await expect(tierMain(['--bundle', dir, '--tier', 'edge', '--port', '0'])).rejects.toMatchObject({
      code: 'BAD_BUNDLE',
      message: 'The edge forwards to the cloud: give --up URL or CUTLINE_UP_URL.',
    });
  });
});
