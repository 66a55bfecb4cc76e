/**
 * Bundles as untrusted input: a sub-model that would read a file outside the bundle through ONNX
 * external data is refused before onnxruntime sees it, a manifest whose fields do not agree is
 * refused at load naming the field, model files must be regular files inside the bundle, a tier
 * process runs in the bundle's folder without taking its tsconfig, and `--force` only replaces an
 * earlier bundle.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeBytes, analyzeFile, type Analysis } from '../core/analyze.js';
import { bundledWholeModel, parseManifest, type BundleManifest } from '../core/bundle/manifest.js';
import { readChecked, readCheckedModel } from '../core/bundle/read-checked.js';
import { startTier, stopTier } from '../core/bundle/tier-process.js';
import { serveTier } from '../core/bundle/tier-server.js';
import { writeBundle, type WrittenBundle } from '../core/bundle/write-bundle.js';
import { AttributeType } from '../core/onnx/attributes.js';
import { graph, model, node, valueInfo } from '../core/onnx/builder.js';
import { decodeModelProto, encodeModelProto, type TensorProto, type onnx } from '../core/onnx/codec.js';
import { DataType } from '../core/onnx/dtype.js';
import { buildPartitionProblem } from '../core/partition/build-problem.js';
import { givenPlan } from '../core/partition/plan.js';
import { loadTopology } from '../core/profiles/load.js';
import { VEHICLE_MODEL } from './support/vehicle-bundle.js';

const SECRET = 'SECRET-0123456789';
let work: string;
let bundle: WrittenBundle;

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * The vehicle CNN as device (L1) → edge (L2) → cloud (dense layers), as the runtime tests split it;
 * `runtime/` holds a stub, since these tests load the sub-models, not the built runtime.
 */
function exportVehicle(
  outDir: string,
  options: {
    force?: boolean;
    zip?: boolean;
    analysis?: Analysis;
    modelBytes?: Uint8Array;
    onUnreachable?: 'fail' | 'local';
  } = {},
): Promise<WrittenBundle> {
  const modelBytes = options.modelBytes ?? new Uint8Array(fs.readFileSync(VEHICLE_MODEL));
  const analysis = options.analysis ?? analyzeBytes(modelBytes);
  const topology = loadTopology('pi4-wifi-edge-wan-cloud');
  const built = buildPartitionProblem(analysis, topology);
  const placement = Uint8Array.from(built.problem.units.map((_, u) => (u < 3 ? 0 : u < 6 ? 1 : 2)));
  return writeBundle({
    outDir,
    analysis,
    modelBytes,
    modelName: 'vehicle',
    topology,
    built,
    plan: givenPlan(built.problem, placement, { kind: 'latency' }, 'device L1, edge L2, cloud the rest'),
    force: options.force ?? false,
    zip: options.zip ?? false,
    onUnreachable: options.onUnreachable ?? 'fail',
    writeRuntime: async (dir) => {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'package.json'), '{}\n');
    },
  });
}

function readManifest(dir: string): BundleManifest {
  return parseManifest(JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')), 'manifest.json');
}

/** A uint8 tensor of `bytes` bytes kept in an external file at `location`. */
function externalTensor(name: string, location: string, bytes: number): TensorProto {
  return {
    name,
    dims: [bytes],
    dataType: DataType.UINT8,
    dataLocation: 1,
    externalData: [
      { key: 'location', value: location },
      { key: 'offset', value: '0' },
      { key: 'length', value: String(bytes) },
    ],
  };
}

/** Writes `proto` to `dir/file` and returns its SHA-256. */
function writeModel(dir: string, file: string, proto: onnx.ModelProto.$Properties): string {
  const bytes = encodeModelProto(proto);
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), bytes);
  return sha256(bytes);
}

beforeAll(async () => {
  work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'cutline-hostile-')));
  fs.writeFileSync(path.join(work, 'secret.txt'), SECRET);
  bundle = await exportVehicle(path.join(work, 'vehicle'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('a sub-model with external data', () => {
  it('that reads a file beside the bundle is refused by serveTier, so the secret is never served', async () => {
    const evil = path.join(work, 'evil');
    fs.cpSync(bundle.dir, evil, { recursive: true });
    const raw = JSON.parse(fs.readFileSync(path.join(evil, 'manifest.json'), 'utf8')) as BundleManifest;
    const index = raw.segments.findIndex((s) => s.tier === 2);
    const cloud = raw.segments[index]!;
    const input = cloud.inputs[0]!;
    // The "weight" is the secret: onnxruntime resolves the location against its working directory.
    const hostile = model({
      graph: graph({
        name: 'g',
        nodes: [node('Identity', ['W'], [cloud.outputs[0]!.name])],
        inputs: [valueInfo(input.name, DataType.FLOAT, input.shape as number[])],
        outputs: [valueInfo(cloud.outputs[0]!.name, DataType.UINT8, [SECRET.length])],
        initializers: [externalTensor('W', 'secret.txt', SECRET.length)],
      }),
    });
    raw.segments[index] = { ...cloud, sha256: writeModel(evil, cloud.file, hostile) };
    fs.writeFileSync(path.join(evil, 'manifest.json'), JSON.stringify(raw));
    const manifest = readManifest(evil);

    const cwd = process.cwd();
    process.chdir(work);
    try {
      // The attack is real: loaded from bytes, onnxruntime hands out the file as the output.
      const session = await ort.InferenceSession.create(encodeModelProto(hostile));
      const feed = new ort.Tensor(
        'float32',
        new Float32Array(input.shape!.reduce<number>((n, d) => n * Number(d), 1)),
        input.shape as number[],
      );
      const leaked = (await session.run({ [input.name]: feed }))[cloud.outputs[0]!.name]!;
      expect(Buffer.from(leaked.data as Uint8Array).toString()).toBe(SECRET);
      await session.release();

      await expect(
        serveTier({ manifest, bundleDir: evil, tier: 2, token: manifest.runtime.token }),
      ).rejects.toMatchObject({
        code: 'BAD_BUNDLE',
        message: `${cloud.file} refers to external data (tensor W in "secret.txt"); bundle sub-models must be self-contained: re-export the bundle.`,
      });
    } finally {
      process.chdir(cwd);
    }
  });

  it('anywhere in the model — a nested sub-graph, a local function, an absolute path — is refused', () => {
    const dir = path.join(work, 'nested');
    const cond = valueInfo('cond', DataType.BOOL, []);
    const out = valueInfo('y', DataType.UINT8, [SECRET.length]);
    const branch = (location: string) =>
      graph({
        name: 'branch',
        nodes: [node('Identity', ['W'], ['y'])],
        inputs: [],
        outputs: [out],
        initializers: [externalTensor('W', location, SECRET.length)],
      });
    const inSubGraph = model({
      graph: graph({
        name: 'g',
        nodes: [
          node(
            'If',
            ['cond'],
            ['y'],
            [
              { name: 'then_branch', type: AttributeType.GRAPH, g: branch('../secret.txt') },
              { name: 'else_branch', type: AttributeType.GRAPH, g: branch('../other.txt') },
            ],
          ),
        ],
        inputs: [cond],
        outputs: [out],
      }),
    });
    const inFunction: onnx.ModelProto.$Properties = {
      ...model({
        graph: graph({
          name: 'g',
          nodes: [node('Leak', [], ['y'], [], 'leak', 'local')],
          inputs: [],
          outputs: [out],
        }),
        opset: [
          { domain: '', version: 17 },
          { domain: 'local', version: 1 },
        ],
      }),
      functions: [
        {
          name: 'Leak',
          domain: 'local',
          output: ['y'],
          opsetImport: [{ version: 17 }],
          node: [
            node(
              'Constant',
              [],
              ['y'],
              [
                {
                  name: 'value',
                  type: AttributeType.TENSOR,
                  t: externalTensor('', '../secret.txt', SECRET.length),
                },
              ],
            ),
          ],
        },
      ],
    };
    const absolute = model({
      graph: branch(path.join(work, 'secret.txt')),
    });
    const cases = [
      ['sub-graph.onnx', inSubGraph, 'tensor W in "../secret.txt", tensor W in "../other.txt"'],
      ['function.onnx', inFunction, 'tensor (unnamed) in "../secret.txt"'],
      ['absolute.onnx', absolute, `tensor W in ${JSON.stringify(path.join(work, 'secret.txt'))}`],
    ] as const;
    for (const [file, proto, where] of cases) {
      const sha = writeModel(dir, file, proto);
      expect(() => readChecked(dir, file, sha)).toThrow(
        `${file} refers to external data (${where}); bundle sub-models must be self-contained: re-export the bundle.`,
      );
    }
  });

  it('in the model being exported stays external data the manifest lists, whose files all pass readCheckedModel', async () => {
    // The vehicle model with its large dense weight moved to weights.bin beside it.
    const source = path.join(work, 'external-model');
    fs.mkdirSync(source);
    const proto = decodeModelProto(new Uint8Array(fs.readFileSync(VEHICLE_MODEL)));
    const weight = proto.graph!.initializer!.find((t) => t.name === 'L3.dense.weight')!;
    fs.writeFileSync(path.join(source, 'weights.bin'), weight.rawData!);
    weight.externalData = [
      { key: 'location', value: 'weights.bin' },
      { key: 'offset', value: '0' },
      { key: 'length', value: String(weight.rawData!.length) },
    ];
    weight.dataLocation = 1;
    weight.rawData = new Uint8Array(0);
    const modelPath = path.join(source, 'model.onnx');
    fs.writeFileSync(modelPath, encodeModelProto(proto));
    const modelBytes = new Uint8Array(fs.readFileSync(modelPath));
    expect(() => readChecked(source, 'model.onnx', sha256(modelBytes))).toThrow(
      /model\.onnx refers to external data \(tensor L3\.dense\.weight in "weights\.bin"\)/,
    );

    // With the device's fallback, so the bundle ships the whole model too.
    const written = await exportVehicle(path.join(work, 'from-external'), {
      analysis: analyzeFile(modelPath),
      modelBytes,
      onUnreachable: 'local',
    });
    // The bundle keeps the source's layout: each model beside its own listed data file (issue 13).
    expect(written.manifest.model.data?.file).toBe('device/model.onnx.data');
    const bundled = bundledWholeModel(written.manifest)!;
    const whole = readCheckedModel(written.dir, bundled) as string;
    expect(whole).toBe(path.join(written.dir, bundled.file));
    for (const s of written.manifest.segments)
      expect(readCheckedModel(written.dir, s)).toBe(path.join(written.dir, s.file));
    // The shipped model answers as the original does.
    const feed = {
      input: new ort.Tensor(
        'float32',
        Float32Array.from({ length: 3 * 96 * 96 }, (_, i) => Math.sin(i)),
        [1, 3, 96, 96],
      ),
    };
    const shipped = await ort.InferenceSession.create(whole);
    const original = await ort.InferenceSession.create(VEHICLE_MODEL);
    const a = (await shipped.run(feed))[shipped.outputNames[0]!]!.data as Float32Array;
    const b = (await original.run(feed))[original.outputNames[0]!]!.data as Float32Array;
    expect([...a]).toEqual([...b]);
    await shipped.release();
    await original.release();
  });
});

describe('readChecked', () => {
  it('returns a listed sub-model, and refuses paths outside the bundle, NUL, folders, links out and bad bytes', () => {
    const dir = bundle.dir;
    const secretSha = sha256(new TextEncoder().encode(SECRET));
    const edge = bundle.manifest.segments.find((s) => s.tier === 1)!;
    expect(sha256(readChecked(dir, edge.file, edge.sha256))).toBe(edge.sha256);

    fs.symlinkSync(path.join(work, 'secret.txt'), path.join(dir, 'edge', 'link.onnx'));
    const ortFormat = new Uint8Array(64);
    ortFormat.set(new TextEncoder().encode('ORTM'), 4);
    fs.writeFileSync(path.join(dir, 'edge', 'ort.onnx'), ortFormat);
    const manifestSha = sha256(fs.readFileSync(path.join(dir, 'manifest.json')));
    const refusals: [string, string, RegExp][] = [
      ['../secret.txt', secretSha, /^The manifest names \.\.\/secret\.txt, outside the bundle\.$/],
      ['edge/../../secret.txt', secretSha, /outside the bundle/],
      [path.join(work, 'secret.txt'), secretSha, /outside the bundle/],
      ['edge/edge-1.onnx\0x', edge.sha256, /contains a NUL byte/],
      ['edge', edge.sha256, /^edge is not a file \(it is a folder\)/],
      ['edge/missing.onnx', edge.sha256, /^edge\/missing\.onnx is missing from the bundle/],
      ['edge/link.onnx', secretSha, /^The manifest names edge\/link\.onnx, outside the bundle\.$/],
      [edge.file, '0'.repeat(64), /its SHA-256 differs/],
      ['edge/ort.onnx', sha256(ortFormat), /is an ORT-format model/],
      ['manifest.json', manifestSha, /^manifest\.json is not an ONNX model/],
    ];
    for (const [file, sha, message] of refusals) {
      let error: unknown;
      try {
        readChecked(dir, file, sha);
      } catch (caught) {
        error = caught;
      }
      expect(error, file).toMatchObject({ code: 'BAD_BUNDLE', message: expect.stringMatching(message) });
    }
    fs.rmSync(path.join(dir, 'edge', 'link.onnx'));
    fs.rmSync(path.join(dir, 'edge', 'ort.onnx'));
  });
});

describe('parseManifest cross-references', () => {
  type Raw = BundleManifest;
  const cases: [string, (m: Raw) => void, RegExp][] = [
    [
      'a step with too few actions',
      (m) => (m.schedule.steps[2]!.actions = [m.schedule.steps[2]!.actions[0]!]),
      /schedule\.steps\[2\]\.actions: a step on tier 2 needs 3 actions/,
    ],
    [
      'a step on another tier than its segment',
      (m) => (m.schedule.steps[2]!.tier = 7),
      /schedule\.steps\[2\]\.tier: segment cloud-2 is on tier 2, not 7/,
    ],
    [
      'a step naming no segment',
      (m) => (m.schedule.steps[1]!.segment = 'nope-1'),
      /schedule\.steps\[1\]\.segment: no segment is called "nope-1"/,
    ],
    [
      'a segment scheduled twice',
      (m) => m.schedule.steps.push(structuredClone(m.schedule.steps[2]!)),
      /schedule\.steps\[3\]\.segment: segment cloud-2 is scheduled twice/,
    ],
    [
      'two segments with one id',
      (m) => (m.segments[1]!.id = m.segments[0]!.id),
      /segments\[1\]\.id: segment device-0 is listed twice/,
    ],
    [
      'two tiers with one name',
      (m) => (m.tiers[1]!.name = 'device'),
      /tiers\[1\]\.name: tier "device" is listed twice/,
    ],
    [
      'a hop from the wrong tier',
      (m) => (m.hops[0]!.from = 'cloud'),
      /hops\[0\]\.from: hop 0 starts at tier device, not "cloud"/,
    ],
    [
      'a hop to the wrong tier',
      (m) => (m.hops[1]!.to = 'edge'),
      /hops\[1\]\.to: hop 1 ends at tier cloud, not "edge"/,
    ],
    ['a missing hop', (m) => m.hops.pop(), /hops: 3 tiers need 2 hops/],
    [
      'a segment on no tier',
      (m) => (m.segments[1]!.tier = 5),
      /segments\[1\]\.tier: segment edge-1 is on tier 5, which does not exist/,
    ],
    [
      'a file name with NUL',
      (m) => (m.segments[1]!.file = 'edge/edge-1.onnx\0x'),
      /segments\[1\]\.file: "edge\/edge-1\.onnx\\u0000x" contains a NUL byte/,
    ],
    [
      'a file outside the bundle',
      (m) => (m.segments[2]!.file = 'cloud/../../x.onnx'),
      /segments\[2\]\.file: "cloud\/\.\.\/\.\.\/x\.onnx" leads outside the bundle/,
    ],
    [
      'an absolute model file',
      (m) => (m.model.file = '/etc/passwd'),
      /model\.file: "\/etc\/passwd" is absolute/,
    ],
    ...(['inject', 'keepUp', 'keepDown', 'passDown', 'release'] as const).map(
      (kind): [string, (m: Raw) => void, RegExp] => [
        `an unknown tensor in ${kind}`,
        (m) => m.schedule.steps[1]!.actions[0]![kind].push('ghost'),
        new RegExp(
          `schedule\\.steps\\[1\\]\\.actions\\[0\\]\\.${kind}\\[\\d+\\]: tensor "ghost" is not among`,
        ),
      ],
    ),
    [
      'an unknown crossing tensor',
      (m) => (m.schedule.crossings[0]!.tensor = 'ghost'),
      /schedule\.crossings\[0\]\.tensor: tensor "ghost" is not among/,
    ],
    [
      'a crossing on no hop',
      (m) => (m.schedule.crossings[0]!.hop = 2),
      /schedule\.crossings\[0\]\.hop: hop 2 does not exist \(2 hops\)/,
    ],
    [
      'a layer placed on no tier',
      (m) => (m.plan.layerPlacement[Object.keys(m.plan.layerPlacement)[0]!] = 3),
      /plan\.layerPlacement\.\S+: tier 3 does not exist/,
    ],
  ];

  it('accepts the exported manifest', () => {
    expect(readManifest(bundle.dir).segments.map((s) => s.id)).toEqual(['device-0', 'edge-1', 'cloud-2']);
  });

  for (const [name, mutate, message] of cases) {
    it(`refuses ${name}, naming the field`, () => {
      const raw = structuredClone(bundle.manifest) as Raw;
      mutate(raw);
      expect(() => parseManifest(raw, 'manifest.json')).toThrow(message);
      expect(() => parseManifest(raw, 'manifest.json')).toThrow(/^manifest\.json: /);
    });
  }

  it('a tier process refuses a broken manifest at start, with the field in its error', async () => {
    const dir = path.join(work, 'broken');
    fs.cpSync(bundle.dir, dir, { recursive: true });
    const raw = structuredClone(bundle.manifest) as Raw;
    raw.schedule.steps[2]!.actions = [raw.schedule.steps[2]!.actions[0]!];
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(raw));
    await expect(startTier(dir, 'edge', 'http://127.0.0.1:9', process.env, 'source')).rejects.toMatchObject({
      code: 'BAD_BUNDLE',
      message: expect.stringMatching(
        /edge tier exited \(code 2\) before listening: .*schedule\.steps\[2\]\.actions: a step on tier 2 needs 3 actions/,
      ),
    });
  });
});

describe('startTier', () => {
  it('runs the tier in the bundle folder and serves its sub-models', async () => {
    const tier = await startTier(
      path.relative(process.cwd(), bundle.dir),
      'cloud',
      undefined,
      process.env,
      'source',
    );
    try {
      const response = await fetch(`${tier.url}/v2/models/cloud-2`, {
        headers: { authorization: `Bearer ${bundle.manifest.runtime.token}` },
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { name: string }).name).toBe('cloud-2');
      // Its working directory (where onnxruntime resolves relative paths) is the bundle's.
      if (process.platform === 'linux') {
        expect(fs.realpathSync(fs.readlinkSync(`/proc/${tier.child.pid}/cwd`))).toBe(bundle.dir);
      }
    } finally {
      await stopTier(tier);
    }
  });

  it('rejects with BAD_BUNDLE when the process cannot be spawned', async () => {
    await expect(
      startTier(path.join(work, 'no-such-bundle'), 'device', undefined, process.env, 'source'),
    ).rejects.toMatchObject({
      code: 'BAD_BUNDLE',
      message: expect.stringMatching(/^The device tier could not be started in .*no-such-bundle \(ENOENT\)/),
    });
  });

  it("does not take the bundle's tsconfig.json (whose paths could remap Cutline's imports)", async () => {
    const dir = path.join(work, 'tsconfig-bundle');
    const marker = path.join(work, 'hijacked');
    fs.mkdirSync(dir);
    fs.writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { paths: { zod: ['./evil.ts'] } } }),
    );
    fs.writeFileSync(
      path.join(dir, 'evil.ts'),
      `import fs from 'node:fs';\nfs.writeFileSync(${JSON.stringify(marker)}, 'x');\nexport const z = {};\n`,
    );
    fs.writeFileSync(path.join(dir, 'manifest.json'), '{}');
    await expect(startTier(dir, 'device', undefined, process.env, 'source')).rejects.toMatchObject({
      code: 'BAD_BUNDLE',
      message: expect.stringMatching(/format: Invalid input: expected "cutline-bundle\/1"/),
    });
    expect(fs.existsSync(marker)).toBe(false);
  });
});

describe('writeBundle --force', () => {
  it('refuses a folder that is not a bundle and leaves its files as they were', async () => {
    const src = path.join(work, 'src');
    fs.mkdirSync(path.join(src, 'lib'), { recursive: true });
    fs.writeFileSync(path.join(src, 'important.txt'), 'keep me');
    fs.writeFileSync(path.join(src, 'lib', 'code.ts'), 'export {};');
    // A manifest.json that is not a bundle's does not make it one.
    fs.writeFileSync(path.join(src, 'manifest.json'), '{"format": "something-else"}');
    const before = fs.readdirSync(src, { recursive: true }).map(String).sort();
    await expect(exportVehicle(src, { force: true })).rejects.toMatchObject({
      code: 'BAD_BUNDLE',
      message: `${src} is not a Cutline bundle (it has no bundle manifest.json), so --force left it untouched; choose another --out or empty the folder.`,
    });
    expect(fs.readdirSync(src, { recursive: true }).map(String).sort()).toEqual(before);
    expect(fs.readFileSync(path.join(src, 'important.txt'), 'utf8')).toBe('keep me');
    expect(fs.readdirSync(work).filter((f) => f.startsWith('src.partial-'))).toEqual([]);
  });

  it('refuses a file, and a bundle without force', async () => {
    const file = path.join(work, 'a-file');
    fs.writeFileSync(file, 'x');
    await expect(exportVehicle(file, { force: true })).rejects.toThrow(/a-file exists and is not a folder/);
    await expect(exportVehicle(bundle.dir)).rejects.toThrow(
      /exists and is not empty; choose another --out or pass --force/,
    );
  });

  it('--zip replaces an earlier .zip only with force, and never a file that is not a zip', async () => {
    const dir = path.join(work, 'zipped');
    const first = await exportVehicle(dir, { zip: true });
    expect(fs.readFileSync(first.zipPath!).readUInt32LE(0)).toBe(0x04034b50);
    fs.rmSync(dir, { recursive: true });
    await expect(exportVehicle(dir, { zip: true })).rejects.toThrow(
      /zipped\.zip exists; choose another --out or pass --force/,
    );
    const second = await exportVehicle(dir, { zip: true, force: true });
    expect(second.zipPath).toBe(first.zipPath);
    // Something else under the bundle's .zip name is left as it was, folder and all.
    const other = path.join(work, 'notes');
    fs.writeFileSync(`${other}.zip`, 'my notes, not a zip');
    await expect(exportVehicle(other, { zip: true, force: true })).rejects.toThrow(
      /notes\.zip is not a \.zip, so --force left it untouched/,
    );
    expect(fs.readFileSync(`${other}.zip`, 'utf8')).toBe('my notes, not a zip');
    expect(fs.existsSync(other)).toBe(false);
  });

  it('replaces an earlier bundle, and writes into an empty folder', async () => {
    const dir = path.join(work, 'again');
    const first = await exportVehicle(dir);
    fs.writeFileSync(path.join(dir, 'stale.txt'), 'from the first export');
    const second = await exportVehicle(dir, { force: true });
    expect(fs.existsSync(path.join(dir, 'stale.txt'))).toBe(false);
    expect(readManifest(dir).runtime.token).toBe(second.manifest.runtime.token);
    expect(second.manifest.runtime.token).not.toBe(first.manifest.runtime.token);

    const empty = path.join(work, 'empty');
    fs.mkdirSync(empty);
    await exportVehicle(empty);
    expect(readManifest(empty).segments).toHaveLength(3);
  });
});
