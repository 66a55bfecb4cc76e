import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile, type Analysis } from '../core/analyze.js';
import { fitPolynomial } from '../core/predict/polyfit.js';
import { opClassOf } from '../core/predict/op-class.js';
import { layerWork, nodeWork, predictComputeMs, type ComputeWork } from '../core/predict/roofline.js';
import { measuredFit, transferDeviceEnergyMj, transferMs } from '../core/predict/transfer.js';
import { loadDeviceProfile, loadLinkProfile } from '../core/profiles/load.js';
import type { DeviceProfile, LinkProfile, OpClass } from '../core/profiles/types.js';
import { attributeInt } from '../core/onnx/attributes.js';

const sample = (name: string): string => path.join(import.meta.dirname, '..', 'samples', `${name}.onnx`);

let vehicle: Analysis;
beforeAll(() => {
  vehicle = analyzeFile(sample('edge-prune-vehicle'));
});

const layerNamed = (analysis: Analysis, name: string) => analysis.layers.layers.find((l) => l.name === name)!;

/** A made-up device with round figures, for by-hand arithmetic. */
const ROUND_DEVICE: DeviceProfile = {
  id: 'round',
  name: 'Round numbers',
  peakGflops: { fp32: 100, fp16: 200 },
  memoryBandwidthGBps: 10,
  efficiency: { conv: 0.5, elementwise: 0.1 },
  defaultEfficiency: 0.25,
  overheadMs: { conv: 0.01 },
  defaultOverheadMs: 0.02,
  activePowerW: 10,
  idlePowerW: 2,
  radioTxPowerW: 1.5,
  radioRxPowerW: 1,
  memoryBytes: 1e9,
  sources: {},
};

describe('opClassOf on the sample models', () => {
  function classes(analysis: Analysis): Map<string, Set<OpClass>> {
    const byOp = new Map<string, Set<OpClass>>();
    for (const node of analysis.graph.nodes) {
      const set = byOp.get(node.opType) ?? new Set<OpClass>();
      set.add(opClassOf(analysis.graph, node));
      byOp.set(node.opType, set);
    }
    return byOp;
  }

  it('the vehicle CNN: conv, pooling, activation, data movement and matmul', () => {
    const byOp = classes(vehicle);
    expect(Object.fromEntries([...byOp].map(([op, set]) => [op, [...set]]))).toEqual({
      Conv: ['conv'],
      MaxPool: ['pooling'],
      Relu: ['activation'],
      Flatten: ['dataMovement'],
      Gemm: ['matmul'],
      Softmax: ['activation'],
    });
  });

  it('MobileNetV2: a Conv is depthwise exactly when its groups equal its input channels', () => {
    const analysis = analyzeFile(sample('mobilenetv2-mini'));
    let depthwise = 0;
    for (const node of analysis.graph.nodes.filter((n) => n.opType === 'Conv')) {
      const group = attributeInt(node.attributes.get('group')) ?? 1;
      const channels = analysis.inference.values.get(node.inputs[0]!)?.shape?.[1];
      const expected: OpClass = group > 1 && group === channels ? 'depthwiseConv' : 'conv';
      expect(opClassOf(analysis.graph, node), node.name).toBe(expected);
      if (expected === 'depthwiseConv') depthwise++;
    }
    expect(depthwise).toBe(4);
  });

  it('ResNet and the transformer: normalization, element-wise, reduction, matmul', () => {
    const resnet = classes(analyzeFile(sample('resnet-mini')));
    expect([...resnet.get('BatchNormalization')!]).toEqual(['normalization']);
    expect([...resnet.get('Add')!]).toEqual(['elementwise']);
    expect([...resnet.get('GlobalAveragePool')!]).toEqual(['pooling']);
    const transformer = classes(analyzeFile(sample('transformer-encoder')));
    expect([...transformer.get('MatMul')!]).toEqual(['matmul']);
    expect([...transformer.get('LayerNormalization')!]).toEqual(['normalization']);
    expect([...transformer.get('ReduceMean')!]).toEqual(['reduction']);
    expect([...transformer.get('Transpose')!]).toEqual(['dataMovement']);
    expect([...transformer.get('Erf')!]).toEqual(['elementwise']);
  });
});

describe('roofline', () => {
  it('a compute-bound conv, by hand', () => {
    // 1 GFLOP at 100 GFLOP/s × 0.5 = 20 ms; 1 MB at 10 GB/s = 0.1 ms; + 0.01 ms overhead.
    const work: ComputeWork = { opClass: 'conv', flops: 1e9, bytesMoved: 1e6 };
    expect(predictComputeMs(ROUND_DEVICE, 'fp32', work)).toBeCloseTo(20.01, 9);
    // fp16 doubles the peak: 10 ms; int8 is not on the device, so it runs at the fp32 peak.
    expect(predictComputeMs(ROUND_DEVICE, 'fp16', work)).toBeCloseTo(10.01, 9);
    expect(predictComputeMs(ROUND_DEVICE, 'int8', work)).toBeCloseTo(20.01, 9);
  });

  it('a memory-bound add, by hand', () => {
    // 10⁶ FLOPs at 100 GFLOP/s × 0.1 = 0.1 ms; 1.2·10⁸ B at 10 GB/s = 12 ms; + 0.02 ms default overhead.
    const work: ComputeWork = { opClass: 'elementwise', flops: 1e6, bytesMoved: 1.2e8 };
    expect(predictComputeMs(ROUND_DEVICE, 'fp32', work)).toBeCloseTo(12.02, 9);
    // A class without an efficiency uses the default (0.25): 1 GFLOP → 40 ms.
    expect(
      predictComputeMs(ROUND_DEVICE, 'fp32', { opClass: 'matmul', flops: 1e9, bytesMoved: 0 }),
    ).toBeCloseTo(40.02, 9);
  });

  it('the vehicle CNN L2 conv: layer work from the analysis, time on the N2 by hand', () => {
    const layer = layerNamed(vehicle, '/L2/conv/Conv');
    const work = layerWork(vehicle, layer);
    // 73,728 outputs × (800 MACs × 2 + 1 bias add); in and out 32×48×48 floats; 25,632 fp32 weights.
    expect(work).toEqual({
      opClass: 'conv',
      flops: 118_038_528,
      bytesMoved: 294_912 + 294_912 + 102_528,
      // A 5×5 conv read by a MaxPool: its own dense kernel, nothing fused into or out of it.
      kernel: {
        kind: 'convDense',
        fused: false,
        activationBytes: 294_912 + 294_912,
        weightBytes: 102_528,
        channelsIn: 32,
        channelsOut: 32,
        groups: 1,
      },
    });
    expect(nodeWork(vehicle, layer.node)).toEqual(work);
    const n2 = loadDeviceProfile('odroid-n2');
    // 118,038,528 / (81.2·10⁹ × 0.12) = 12.1139 ms ≫ 692,352 / 10.56·10⁹ = 0.0656 ms; + 0.05 ms.
    const expectedMs = (118_038_528 / (81.2e9 * 0.12)) * 1000 + 0.05;
    expect(predictComputeMs(n2, 'fp32', work)).toBeCloseTo(expectedMs, 9);
    console.log(`L2 conv on odroid-n2: ${expectedMs.toFixed(3)} ms`);
  });

  it('a memory-bound layer of the real model: the Flatten moves bytes and computes nothing', () => {
    const flatten = layerWork(vehicle, layerNamed(vehicle, '/L3/flatten/Flatten'));
    expect(flatten).toEqual({
      opClass: 'dataMovement',
      flops: 0,
      bytesMoved: 2 * 73_728,
      kernel: { kind: 'dataMovement', fused: false, activationBytes: 2 * 73_728, weightBytes: 0 },
    });
    const pi = loadDeviceProfile('raspberry-pi-4');
    expect(predictComputeMs(pi, 'fp32', flatten)).toBeCloseTo((147_456 / 8.5e9) * 1000 + 0.005, 9);
  });

  it('the whole vehicle CNN on the N2 and the N270 lands near the Edge-PRUNE figures', () => {
    const total = (device: DeviceProfile): number =>
      vehicle.layers.layers.reduce(
        (ms, layer) => ms + predictComputeMs(device, 'fp32', layerWork(vehicle, layer)),
        0,
      );
    const n2Ms = total(loadDeviceProfile('odroid-n2'));
    const n270Ms = total(loadDeviceProfile('atom-n270'));
    console.log(
      `vehicle CNN fully on device: N2 ${n2Ms.toFixed(1)} ms (paper 18.9), N270 ${n270Ms.toFixed(1)} ms (paper 443)`,
    );
    expect(n2Ms / 18.9).toBeGreaterThan(0.8);
    expect(n2Ms / 18.9).toBeLessThan(1.25);
    expect(n270Ms / 443).toBeGreaterThan(0.8);
    expect(n270Ms / 443).toBeLessThan(1.25);
  });
});

describe('polynomial fit', () => {
  // y = 1 + 2t − 3t² + 4t³ − 5t⁴ with t = x / 10⁸: raw powers of x reach 10³².
  const quartic = (x: number): number => {
    const t = x / 1e8;
    return 1 + 2 * t - 3 * t ** 2 + 4 * t ** 3 - 5 * t ** 4;
  };

  it('recovers a known quartic over message sizes up to 10⁸ bytes', () => {
    const xs = Array.from({ length: 40 }, (_, i) => (i * 1e8) / 39);
    const fit = fitPolynomial(xs, xs.map(quartic), 4);
    console.log(`exact quartic: residual RMS ${fit.residualRms.toExponential(2)}`);
    expect(fit.degree).toBe(4);
    expect(fit.residualRms).toBeLessThan(1e-10);
    for (const x of [0, 1234, 3.3e7, 7.77e7, 1e8]) expect(fit.predict(x)).toBeCloseTo(quartic(x), 9);
  });

  it('recovers a noisy quartic to within its noise, and reports the noise as the residual', () => {
    const random = mulberry32(7);
    const sigma = 0.01;
    const xs = Array.from({ length: 400 }, (_, i) => 5e5 + (i * 1e8) / 399);
    const ys = xs.map((x) => quartic(x) + sigma * gaussian(random));
    const fit = fitPolynomial(xs, ys, 4);
    console.log(`noisy quartic (σ = ${sigma}): residual RMS ${fit.residualRms.toFixed(5)}`);
    expect(fit.residualRms).toBeGreaterThan(0.8 * sigma);
    expect(fit.residualRms).toBeLessThan(1.2 * sigma);
    for (let x = 1e6; x <= 1e8; x += 9.9e6) expect(Math.abs(fit.predict(x) - quartic(x))).toBeLessThan(sigma);
  });

  it('lowers the degree to what the distinct points allow and fits a line through two points', () => {
    const fit = fitPolynomial([1000, 1000, 3000], [2, 2, 6], 4);
    expect(fit.degree).toBe(1);
    expect(fit.predict(2000)).toBeCloseTo(4, 12);
    expect(fitPolynomial([5], [7], 4).predict(123)).toBe(7);
    expect(() => fitPolynomial([], [], 4)).toThrow(RangeError);
  });
});

describe('transfer', () => {
  it('294,912 B over ethernet-100m, by hand', () => {
    const ethernet = loadLinkProfile('ethernet-100m');
    // 1.49/2 + 294,912 × 8 / 89.6·10⁶ × 1000 = 0.745 + 26.331 = 27.076 ms
    const expectedMs = 0.745 + ((294_912 * 8) / 89.6e6) * 1000;
    expect(transferMs(ethernet, 294_912, 'up')).toBeCloseTo(expectedMs, 9);
    expect(transferMs(ethernet, 294_912, 'down')).toBeCloseTo(expectedMs, 9);
    // Wired: 18 nJ/byte → 294,912 × 18 / 10⁶ = 5.308 mJ, whatever the device.
    expect(transferDeviceEnergyMj(ethernet, loadDeviceProfile('odroid-n2'), 294_912, 'up')).toBeCloseTo(
      5.308416,
      9,
    );
    console.log(`294,912 B over ethernet-100m: ${expectedMs.toFixed(3)} ms, 5.308 mJ`);
  });

  it('uses the direction: LTE uplink and downlink differ in time and in energy per byte', () => {
    const lte = loadLinkProfile('lte');
    expect(transferMs(lte, 1e6, 'up')).toBeCloseTo(35 + ((1e6 * 8) / 6e6) * 1000, 9);
    expect(transferMs(lte, 1e6, 'down')).toBeCloseTo(35 + ((1e6 * 8) / 13e6) * 1000, 9);
    const pi = loadDeviceProfile('raspberry-pi-4');
    expect(transferDeviceEnergyMj(lte, pi, 1e6, 'up')).toBeCloseTo(5225, 9);
    expect(transferDeviceEnergyMj(lte, pi, 1e6, 'down')).toBeCloseTo(1209, 9);
  });

  it('without energy per byte: the device radio power × time, else its active power × time', () => {
    const wifi = loadLinkProfile('wifi-16m');
    const ms = transferMs(wifi, 73_728, 'up');
    expect(transferDeviceEnergyMj(wifi, ROUND_DEVICE, 73_728, 'up')).toBeCloseTo(1.5 * ms, 9);
    expect(transferDeviceEnergyMj(wifi, ROUND_DEVICE, 73_728, 'down')).toBeCloseTo(1 * ms, 9);
    const wan = loadLinkProfile('wan');
    const edge = loadDeviceProfile('i7-8650u-edge');
    expect(transferDeviceEnergyMj(wan, edge, 1e6, 'up')).toBeCloseTo(25 * transferMs(wan, 1e6, 'up'), 9);
  });

  it('nothing to send costs nothing; a negative size is refused', () => {
    const ethernet = loadLinkProfile('ethernet-100m');
    expect(transferMs(ethernet, 0, 'up')).toBe(0);
    expect(transferDeviceEnergyMj(ethernet, ROUND_DEVICE, 0, 'up')).toBe(0);
    expect(() => transferMs(ethernet, -1, 'up')).toThrow(RangeError);
    expect(() => transferMs(ethernet, Number.NaN, 'up')).toThrow(RangeError);
  });

  it('a measured link follows its quartic inside the range and the formula slope outside', () => {
    const wifi = loadLinkProfile('wifi-80m-modelled');
    const points = wifi.measured!;
    const fit = measuredFit(wifi)!;
    expect(measuredFit(wifi)).toBe(fit); // fitted once per link
    console.log(
      `wifi-80m-modelled quartic: latency residual RMS ${fit.latency.residualRms.toFixed(3)} ms, energy ${fit.energy!.residualRms.toFixed(3)} mJ`,
    );
    expect(fit.latency.residualRms).toBeLessThan(1);
    for (const p of points) {
      expect(Math.abs(transferMs(wifi, p.bytes, 'up') - p.latencyMs)).toBeLessThan(2);
      expect(
        Math.abs(transferDeviceEnergyMj(wifi, ROUND_DEVICE, p.bytes, 'up') - p.deviceEnergyMj!),
      ).toBeLessThan(2);
    }
    const last = points[points.length - 1]!;
    // Continuous at the end of the range, then 8 bits per byte at 80 Mb/s: 10⁶ B more = 100 ms more.
    expect(transferMs(wifi, last.bytes + 1, 'up') - transferMs(wifi, last.bytes, 'up')).toBeCloseTo(1e-4, 9);
    expect(transferMs(wifi, last.bytes + 1e6, 'up') - transferMs(wifi, last.bytes, 'up')).toBeCloseTo(100, 6);
    // Energy beyond the range grows with the device's radio power over the extra time.
    expect(
      transferDeviceEnergyMj(wifi, ROUND_DEVICE, last.bytes + 1e6, 'up') -
        transferDeviceEnergyMj(wifi, ROUND_DEVICE, last.bytes, 'up'),
    ).toBeCloseTo(1.5 * 100, 6);
    // Below the range: the fit's start point less the formula's slope, never negative.
    const first = points[0]!;
    expect(transferMs(wifi, first.bytes / 2, 'up')).toBeCloseTo(
      transferMs(wifi, first.bytes, 'up') - ((first.bytes / 2) * 8 * 1000) / 80e6,
      9,
    );
  });

  it('Edge-PRUNE sanity: the vehicle CNN tokens over the bundled Ethernet and WiFi links', () => {
    // Token sizes from the analysis of the real model, not typed in: what leaves L1 and L2.
    const bytesOut = (name: string): number =>
      vehicle.layers.edges.find((e) => e.from === layerNamed(vehicle, name).node)!.bytes;
    const afterL1 = bytesOut('/L1/relu/Relu');
    const afterL2 = bytesOut('/L2/relu/Relu');
    const rawInput = vehicle.layers.edges.find((e) => e.from === null)!.bytes;
    expect([rawInput, afterL1, afterL2]).toEqual([110_592, 294_912, 73_728]);

    const ethernet = loadLinkProfile('ethernet-100m');
    const wifi = loadLinkProfile('wifi-16m');
    const row = (link: LinkProfile): string =>
      [rawInput, afterL1, afterL2].map((b) => `${b} B ${transferMs(link, b, 'up').toFixed(2)} ms`).join(', ');
    console.log(`ethernet-100m: ${row(ethernet)}`);
    console.log(`wifi-16m:      ${row(wifi)}`);

    // Sec. IV-D: the single-image split after L2 spent 7.3 ms communicating over Ethernet.
    const splitEthernetMs = transferMs(ethernet, afterL2, 'up');
    expect(Math.abs(splitEthernetMs - 7.3) / 7.3).toBeLessThan(0.1);
    // Fig. 4: the raw input over Ethernet took 9.0 ms per frame (pipelined, so rtt/2 partly hidden).
    const rawEthernetMs = transferMs(ethernet, rawInput, 'up');
    expect(rawEthernetMs / 9.0).toBeGreaterThan(0.9);
    expect(rawEthernetMs / 9.0).toBeLessThan(1.3);
    // Fig. 4: over WiFi the raw input is slower than the whole model on the N2 (18.9 ms) ...
    expect(transferMs(wifi, rawInput, 'up')).toBeGreaterThan(18.9);
    // ... and the split after L2 stays the cheapest private cut on both links (smallest token).
    for (const link of [ethernet, wifi]) {
      expect(transferMs(link, afterL2, 'up')).toBeLessThan(transferMs(link, afterL1, 'up'));
    }
    console.log(
      `split after L2: predicted ${splitEthernetMs.toFixed(2)} ms over Ethernet (paper 7.3 ms), ${transferMs(wifi, afterL2, 'up').toFixed(2)} ms over WiFi`,
    );
  });
});

/** Deterministic PRNG (Mulberry32) so the noisy fit is the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
