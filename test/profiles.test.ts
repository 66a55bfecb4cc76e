import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CutlineError } from '../core/errors.js';
import { jsonSchemaFileName, profileJsonSchemaText } from '../core/profiles/json-schema.js';
import { bundledProfilesDir, listBundledProfiles, type ProfileKind } from '../core/profiles/library.js';
import { loadDeviceProfile, loadLinkProfile, loadTopology } from '../core/profiles/load.js';
import { numericFields } from '../core/profiles/schema.js';

const LIBRARY = bundledProfilesDir();
const bundledJson = (kind: string, id: string): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(path.join(LIBRARY, kind, `${id}.json`), 'utf8')) as Record<string, unknown>;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-profiles-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes `value` (JSON-encoded unless a string) to a fresh file in the temp folder. */
let fileCount = 0;
function writeTemp(value: unknown, name = `profile-${++fileCount}.json`): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return file;
}

function failure(load: () => unknown): CutlineError {
  try {
    load();
  } catch (error) {
    if (error instanceof CutlineError) return error;
    throw error;
  }
  throw new Error('expected the load to fail');
}

describe('bundled library', () => {
  const library = listBundledProfiles();

  it('lists the devices, links and topologies the paper setups need', () => {
    const ids = (refs: readonly { id: string }[]): string[] => refs.map((r) => r.id);
    expect(ids(library.devices)).toEqual(
      expect.arrayContaining([
        'raspberry-pi-4',
        'jetson-nano',
        'xavier-nx',
        'xavier-agx',
        'odroid-n2',
        'atom-n270',
        'i7-8650u-edge',
        'xeon-v100-cloud',
      ]),
    );
    expect(ids(library.links)).toEqual(
      expect.arrayContaining([
        'ethernet-100m',
        'wifi-16m',
        'wifi-72m',
        'lte',
        '5g',
        'wan',
        'wifi-80m-modelled',
      ]),
    );
    expect(ids(library.topologies)).toEqual(
      expect.arrayContaining([
        'n2-ethernet-i7',
        'n2-wifi-i7',
        'pi4-wifi-edge-wan-cloud',
        'nano-5g-cloud',
        'xavier-nx-ethernet-i7-wan-v100',
      ]),
    );
    console.log(
      `bundled: ${library.devices.length} devices, ${library.links.length} links, ${library.topologies.length} topologies`,
    );
  });

  it('every bundled device loads, is named after its file and points at the device schema', () => {
    for (const ref of library.devices) {
      const device = loadDeviceProfile(ref.id);
      expect(device.id).toBe(ref.id);
      expect(loadDeviceProfile(ref.path)).toEqual(device);
      expect(bundledJson('devices', ref.id).$schema).toBe('../schema/device.schema.json');
      expect(device).not.toHaveProperty('$schema');
    }
  });

  it('every bundled link loads and points at the link schema', () => {
    for (const ref of library.links) {
      expect(loadLinkProfile(ref.id).id).toBe(ref.id);
      expect(bundledJson('links', ref.id).$schema).toBe('../schema/link.schema.json');
    }
  });

  it('every bundled topology loads with its devices and links resolved', () => {
    for (const ref of library.topologies) {
      const topology = loadTopology(ref.id);
      expect(topology.spec.id).toBe(ref.id);
      expect(topology.tiers[0]!.name).toBe('device');
      expect(topology.hops).toHaveLength(topology.tiers.length - 1);
      expect(bundledJson('topologies', ref.id).$schema).toBe('../schema/topology.schema.json');
      console.log(
        `${ref.id}: ${topology.tiers.map((t) => `${t.name}=${t.device.id}/${t.precision}`).join(' → ')} via ${topology.hops.map((h) => h.id).join(', ')}`,
      );
    }
    const three = loadTopology('pi4-wifi-edge-wan-cloud');
    expect(three.tiers.map((t) => t.device.id)).toEqual([
      'raspberry-pi-4',
      'i7-8650u-edge',
      'xeon-v100-cloud',
    ]);
    expect(three.tiers.map((t) => t.precision)).toEqual(['fp32', 'fp32', 'fp16']);
    expect(three.hops.map((h) => h.id)).toEqual(['wifi-72m', 'wan']);
    const skipsEdge = loadTopology('nano-5g-cloud');
    expect(skipsEdge.tiers.map((t) => t.name)).toEqual(['device', 'cloud']);
    expect(skipsEdge.hops[0]!.id).toBe('5g');
  });

  it('every number of every bundled profile has a source, and every source names a number', () => {
    for (const ref of [...library.devices, ...library.links]) {
      const json = bundledJson(ref.kind === 'device' ? 'devices' : 'links', ref.id);
      const sources = json.sources as Record<string, string>;
      const fields = numericFields(json);
      expect(fields.length).toBeGreaterThan(2);
      for (const field of fields) {
        const key = Object.keys(sources).find((k) => field === k || field.startsWith(`${k}.`));
        expect(key, `${ref.id}: ${field}`).toBeDefined();
        expect(sources[key!]!.length, `${ref.id}: ${field}`).toBeGreaterThan(10);
      }
    }
  });

  it('the Edge-PRUNE links carry Table II figures', () => {
    const ethernet = loadLinkProfile('ethernet-100m');
    expect(ethernet.uplinkMbps).toBeCloseTo(11.2 * 8, 9);
    expect(ethernet.rttMs).toBe(1.49);
    expect(loadLinkProfile('wifi-16m').uplinkMbps).toBeCloseTo(2.3 * 8, 9);
    expect(loadLinkProfile('wifi-16m').rttMs).toBe(2.15);
    expect(loadLinkProfile('wifi-72m').uplinkMbps).toBeCloseTo(4.7 * 8, 9);
    expect(loadLinkProfile('wifi-72m').rttMs).toBe(1.22);
    expect(loadLinkProfile('wifi-80m-modelled').measured?.length).toBeGreaterThanOrEqual(5);
  });
});

describe('JSON Schema files', () => {
  it.each(['device', 'link', 'topology'] as ProfileKind[])(
    'profiles/schema/%s.schema.json equals the one generated from the zod schema',
    (kind) => {
      const committed = JSON.parse(
        fs.readFileSync(path.join(LIBRARY, 'schema', jsonSchemaFileName(kind)), 'utf8'),
      ) as unknown;
      expect(committed, 'run `npm run profiles:schema`').toEqual(JSON.parse(profileJsonSchemaText(kind)));
    },
  );

  it('the device schema refuses unknown keys and bounds efficiency, as the loader does', () => {
    const schema = JSON.parse(profileJsonSchemaText('device')) as {
      additionalProperties: boolean;
      properties: { defaultEfficiency: { exclusiveMinimum: number; maximum: number }; $schema: unknown };
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.defaultEfficiency).toMatchObject({ exclusiveMinimum: 0, maximum: 1 });
    expect(schema.properties.$schema).toEqual({ type: 'string' });
  });
});

describe('bad device and link profiles', () => {
  const device = (): Record<string, unknown> => structuredClone(bundledJson('devices', 'jetson-nano'));
  const link = (): Record<string, unknown> => structuredClone(bundledJson('links', 'ethernet-100m'));

  function expectDeviceError(profile: unknown, field: string, words: string): void {
    const file = writeTemp(profile);
    const error = failure(() => loadDeviceProfile(file));
    expect(error.code).toBe('BAD_PROFILE');
    expect(error.message).toContain(file);
    expect(error.message).toContain(`${field} ${words}`);
  }

  it('names the file, the field and the bad value of a negative number', () => {
    const p = device();
    (p.peakGflops as Record<string, number>).fp32 = -3;
    const file = writeTemp(p);
    const error = failure(() => loadDeviceProfile(file));
    expect(error.code).toBe('BAD_PROFILE');
    expect(error.message).toBe(`${file}: peakGflops.fp32 must be a number > 0, got -3.`);
    console.log(error.message);
  });

  it('refuses an efficiency above 1 or at 0', () => {
    const p = device();
    (p.efficiency as Record<string, number>).conv = 1.5;
    expectDeviceError(p, 'efficiency.conv', 'must be a number <= 1, got 1.5');
    const q = device();
    q.defaultEfficiency = 0;
    expectDeviceError(q, 'defaultEfficiency', 'must be a number > 0, got 0');
  });

  it('refuses an overhead or a kernel coefficient so large that a figure would be Infinity', () => {
    // Summed over layers, 1e308 gave Infinity and the min cut a NaN capacity (a RangeError).
    const p = device();
    p.defaultOverheadMs = 1e308;
    expectDeviceError(p, 'defaultOverheadMs', 'must be a number <= 1000000000000, got 1e+308');
    const q = device();
    q.kernelModels = { convDense: { ms: 0, msPerGflop: 1e308, msPerMB: 0, msPerWeightMB: 0, samples: 1 } };
    q.segmentOverheadMs = 1e300;
    (q.sources as Record<string, string>).kernelModels = 'fitted in a test';
    (q.sources as Record<string, string>).segmentOverheadMs = 'fitted in a test';
    expectDeviceError(
      q,
      'kernelModels.convDense.msPerGflop',
      'must be a number <= 1000000000000, got 1e+308',
    );
    expectDeviceError(q, 'segmentOverheadMs', 'must be a number <= 1000000000000, got 1e+300');
  });

  it('refuses a wrong type, a missing field and a fractional byte count', () => {
    const p = device();
    p.memoryBandwidthGBps = 'fast';
    expectDeviceError(p, 'memoryBandwidthGBps', 'must be a number, got "fast"');
    const q = device();
    delete q.idlePowerW;
    delete (q.sources as Record<string, string>).idlePowerW;
    expectDeviceError(q, 'idlePowerW', 'is required (a number)');
    const r = device();
    r.memoryBytes = 1.5;
    expectDeviceError(r, 'memoryBytes', 'must be an integer, got 1.5');
  });

  it('refuses unknown keys, top-level and inside a class table', () => {
    const p = device();
    p.colour = 'green';
    expectDeviceError(p, 'colour', 'is not a known field');
    const q = device();
    (q.efficiency as Record<string, number>).convolution = 0.5;
    expectDeviceError(q, 'efficiency.convolution', 'is not a known field');
  });

  it('refuses a number with no source and a source with no number', () => {
    const p = device();
    delete (p.sources as Record<string, string>).memoryBandwidthGBps;
    expectDeviceError(p, 'sources', 'has no entry for "memoryBandwidthGBps"');
    const q = device();
    (q.sources as Record<string, string>).peakGflopz = 'typo';
    expectDeviceError(q, 'sources.peakGflopz', 'names no number of this profile');
    const r = device();
    delete r.sources;
    expectDeviceError(r, 'sources', 'is required (an object)');
  });

  it('refuses idle power above active power and an id that is not a slug', () => {
    const p = device();
    p.idlePowerW = 50;
    expectDeviceError(p, 'idlePowerW', 'must not exceed activePowerW (10 W), got 50');
    const q = device();
    q.id = 'Jetson Nano';
    expectDeviceError(
      q,
      'id',
      'must be lower-case letters, digits and dashes (e.g. "jetson-nano"), got "Jetson Nano"',
    );
  });

  it('lists every problem when there are several', () => {
    const p = device();
    p.activePowerW = -1;
    p.memoryBandwidthGBps = 0;
    const file = writeTemp(p);
    const error = failure(() => loadDeviceProfile(file));
    expect(error.message).toContain(`${file} has 2 problems:`);
    expect(error.message).toContain('  - activePowerW must be a number > 0, got -1');
    expect(error.message).toContain('  - memoryBandwidthGBps must be a number > 0, got 0');
    // idle 1.5 W > active −1 W is not a second problem: the bad active power is the one to fix.
    expect(error.message).not.toContain('idlePowerW');
  });

  it('refuses bad link figures: zero bandwidth, too few measured points, energy on some points', () => {
    const p = link();
    p.uplinkMbps = 0;
    let file = writeTemp(p);
    expect(failure(() => loadLinkProfile(file)).message).toContain('uplinkMbps must be a number > 0, got 0');
    // Positive but so small that every transfer time would be Infinity.
    p.uplinkMbps = 1e-320;
    file = writeTemp(p);
    expect(failure(() => loadLinkProfile(file)).message).toContain('uplinkMbps must be a number >= 0.000001');

    const q = structuredClone(bundledJson('links', 'wifi-80m-modelled'));
    q.measured = (q.measured as unknown[]).slice(0, 3);
    file = writeTemp(q);
    expect(failure(() => loadLinkProfile(file)).message).toBe(
      `${file}: measured needs at least 5 points with different sizes for a degree-4 fit, got 3.`,
    );

    const r = structuredClone(bundledJson('links', 'wifi-80m-modelled'));
    delete (r.measured as Record<string, unknown>[])[2]!.deviceEnergyMj;
    file = writeTemp(r);
    expect(failure(() => loadLinkProfile(file)).message).toContain(
      'measured must give deviceEnergyMj on every point or on none, got it on 9 of 10',
    );

    const s = structuredClone(bundledJson('links', 'wifi-80m-modelled'));
    (s.measured as Record<string, unknown>[])[0]!.latencyMs = -1;
    s.fitDegree = 0;
    file = writeTemp(s);
    const error = failure(() => loadLinkProfile(file));
    expect(error.message).toContain('measured[0].latencyMs must be a number > 0, got -1');
    expect(error.message).toContain('fitDegree must be a number >= 1, got 0');
  });

  it('says where invalid JSON breaks, by line and column', () => {
    const file = writeTemp('{\n  "id": "x",\n  "name": "y",\n}\n');
    const error = failure(() => loadDeviceProfile(file));
    expect(error.code).toBe('BAD_PROFILE');
    expect(error.message).toMatch(
      new RegExp(`^${escape(file)} is not valid JSON: .+ at line 4, column 1\\.`),
    );
    console.log(error.message);
    const truncated = writeTemp('{\n  "id": ');
    expect(failure(() => loadLinkProfile(truncated)).message).toContain('at line 2, column 9.');
  });

  it('a bundled file must carry the id it is named after', () => {
    const library = fs.mkdtempSync(path.join(dir, 'library-'));
    fs.mkdirSync(path.join(library, 'devices'));
    const p = device();
    p.id = 'other-name';
    fs.writeFileSync(path.join(library, 'devices', 'my-board.json'), JSON.stringify(p));
    const error = failure(() => loadDeviceProfile('my-board', { libraryDir: library }));
    expect(error.code).toBe('BAD_PROFILE');
    expect(error.message).toContain(
      'id must be "my-board" (a bundled profile is named after its file), got "other-name"',
    );
  });
});

describe('missing profiles', () => {
  it('an unknown id names what was looked for, where, and what exists', () => {
    const error = failure(() => loadDeviceProfile('jetson-nanoo'));
    expect(error.code).toBe('PROFILE_NOT_FOUND');
    expect(error.message).toContain('"jetson-nanoo"');
    expect(error.message).toContain(path.join(LIBRARY, 'devices'));
    expect(error.message).toContain('jetson-nano, odroid-n2');
    console.log(error.message);
    expect(failure(() => loadLinkProfile('wifi')).message).toContain('Bundled link ids: 5g, ethernet-100m');
  });

  it('a missing path names the resolved file', () => {
    const error = failure(() => loadLinkProfile('./nowhere/link.json'));
    expect(error.code).toBe('PROFILE_NOT_FOUND');
    expect(error.message).toContain(path.resolve('nowhere/link.json'));
  });

  it('a topology naming a missing device says which field named it', () => {
    const file = writeTemp({
      id: 'lost',
      name: 'Lost',
      tiers: [
        { name: 'device', device: 'raspberry-pi-4' },
        { name: 'edge', device: 'no-such-box' },
      ],
      links: [{ from: 'device', to: 'edge', link: 'wifi-72m' }],
    });
    const error = failure(() => loadTopology(file));
    expect(error.code).toBe('PROFILE_NOT_FOUND');
    expect(error.message).toContain(`"no-such-box" (named by tiers[1].device in ${file})`);
  });
});

describe('topologies', () => {
  const two = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
    id: 'test-topology',
    name: 'Test',
    tiers: [
      { name: 'device', device: 'raspberry-pi-4' },
      { name: 'edge', device: 'i7-8650u-edge' },
    ],
    links: [{ from: 'device', to: 'edge', link: 'wifi-72m' }],
    ...over,
  });

  function topologyError(spec: unknown): string {
    const file = writeTemp(spec);
    const error = failure(() => loadTopology(file));
    expect(error.code).toBe('BAD_TOPOLOGY');
    expect(error.message).toContain(file);
    return error.message;
  }

  it('resolves devices and links given as paths relative to the topology file', () => {
    const sub = fs.mkdtempSync(path.join(dir, 'topo-'));
    const board = structuredClone(bundledJson('devices', 'raspberry-pi-4'));
    board.id = 'my-board';
    board.name = 'My board';
    fs.mkdirSync(path.join(sub, 'boards'));
    fs.writeFileSync(path.join(sub, 'boards', 'my-board.json'), JSON.stringify(board));
    fs.writeFileSync(
      path.join(sub, 'office-wifi.json'),
      JSON.stringify({ ...bundledJson('links', 'wifi-72m'), id: 'office-wifi' }),
    );
    const file = path.join(sub, 'mine.json');
    fs.writeFileSync(
      file,
      JSON.stringify(
        two({
          tiers: [
            { name: 'device', device: './boards/my-board.json', precision: 'int8' },
            { name: 'edge', device: 'i7-8650u-edge' },
          ],
          links: [{ from: 'device', to: 'edge', link: 'office-wifi.json' }],
        }),
      ),
    );
    const topology = loadTopology(file);
    expect(topology.tiers[0]!.device.name).toBe('My board');
    expect(topology.tiers[0]!.precision).toBe('int8');
    expect(topology.hops[0]!.id).toBe('office-wifi');
  });

  it('a bad device inside a topology is reported against the device file and the topology field', () => {
    const sub = fs.mkdtempSync(path.join(dir, 'topo-'));
    const board = structuredClone(bundledJson('devices', 'raspberry-pi-4'));
    board.activePowerW = -6;
    fs.writeFileSync(path.join(sub, 'board.json'), JSON.stringify(board));
    const file = path.join(sub, 'mine.json');
    fs.writeFileSync(
      file,
      JSON.stringify(two({ tiers: [{ name: 'device', device: './board.json' }], links: [] })),
    );
    const error = failure(() => loadTopology(file));
    expect(error.code).toBe('BAD_PROFILE');
    expect(error.message).toBe(
      `${path.join(sub, 'board.json')} (named by tiers[0].device in ${file}): activePowerW must be a number > 0, got -6.`,
    );
  });

  it('must start at the device', () => {
    const message = topologyError(two({ tiers: [{ name: 'edge', device: 'i7-8650u-edge' }], links: [] }));
    expect(message).toContain('tiers[0].name must be "device"');
  });

  it('keeps tiers in device → edge → cloud order, each once', () => {
    const reordered = topologyError(
      two({
        tiers: [
          { name: 'device', device: 'raspberry-pi-4' },
          { name: 'cloud', device: 'xeon-v100-cloud' },
          { name: 'edge', device: 'i7-8650u-edge' },
        ],
        links: [
          { from: 'device', to: 'cloud', link: 'lte' },
          { from: 'cloud', to: 'edge', link: 'wan' },
        ],
      }),
    );
    expect(reordered).toContain(
      'tiers[2].name "edge" cannot follow "cloud": tiers run in the order device → edge → cloud',
    );
    const repeated = topologyError(
      two({
        tiers: [
          { name: 'device', device: 'raspberry-pi-4' },
          { name: 'device', device: 'jetson-nano' },
        ],
        links: [],
      }),
    );
    expect(repeated).toContain('tiers[1].name repeats tiers[0] ("device"); tier names must be unique');
  });

  it('allows at most three tiers and a known tier name and precision', () => {
    const four = topologyError(
      two({
        tiers: ['device', 'edge', 'cloud', 'cloud'].map((name) => ({ name, device: 'xavier-nx' })),
      }),
    );
    expect(four).toContain('tiers must have at most 3 entries, got 4');
    const odd = topologyError(
      two({
        tiers: [
          { name: 'fog', device: 'raspberry-pi-4' },
          { name: 'edge', device: 3, precision: 'fp64' },
        ],
      }),
    );
    expect(odd).toContain('tiers[0].name must be one of "device", "edge", "cloud", got "fog"');
    expect(odd).toContain('tiers[1].device must be a string, got 3');
    expect(odd).toContain('tiers[1].precision must be one of "fp32", "fp16", "int8", got "fp64"');
  });

  it('needs a link between every consecutive pair of tiers', () => {
    const message = topologyError(two({ links: [] }));
    expect(message).toContain('links has no link from "device" to "edge"');
    console.log(message);
  });

  it('refuses a link between non-consecutive tiers, a reversed link and a second link', () => {
    const skip = topologyError(
      two({
        tiers: [
          { name: 'device', device: 'raspberry-pi-4' },
          { name: 'edge', device: 'i7-8650u-edge' },
          { name: 'cloud', device: 'xeon-v100-cloud' },
        ],
        links: [
          { from: 'device', to: 'edge', link: 'wifi-72m' },
          { from: 'edge', to: 'cloud', link: 'wan' },
          { from: 'device', to: 'cloud', link: 'lte' },
        ],
      }),
    );
    expect(skip).toContain(
      'links[2] joins "device" to "cloud", which are not consecutive tiers of this topology',
    );
    const reversed = topologyError(two({ links: [{ from: 'edge', to: 'device', link: 'wifi-72m' }] }));
    expect(reversed).toContain(
      'links[0] goes from "edge" to "device"; write it from the lower tier to the higher',
    );
    expect(reversed).not.toContain('has no link');
    const twice = topologyError(
      two({
        links: [
          { from: 'device', to: 'edge', link: 'wifi-72m' },
          { from: 'device', to: 'edge', link: 'ethernet-100m' },
        ],
      }),
    );
    expect(twice).toContain(
      'links[1] is a second link from "device" to "edge" (links[0] is the first); keep one',
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
