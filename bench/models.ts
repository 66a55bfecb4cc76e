/**
 * The models the benchmarks run on, generated deterministically rather than downloaded: the same
 * version always yields the same bytes, so figures from different runs and machines compare.
 */
import type { onnx } from '../core/onnx/codec.js';
import { buildDeep10k } from './models/deep10k.js';
import { buildVgg16 } from './models/vgg16.js';

export interface BenchModel {
  readonly name: string;
  /** Bumped whenever `build` changes, so cached files from an older generator are rebuilt. */
  readonly version: number;
  readonly description: string;
  readonly build: () => onnx.ModelProto.$Properties;
  /**
   * False for a stress model whose peak RSS is reported without the ≤ 1.5 × file-size target:
   * that ratio only measures weight handling when weights make up most of the file.
   */
  readonly rssTarget: boolean;
}

/** Figures of a generated model file, kept beside it as `<name>.v<version>.json`. */
export interface GeneratedModelInfo {
  readonly name: string;
  readonly version: number;
  readonly nodes: number;
  /** float32 initializer elements. */
  readonly parameters: number;
  readonly fileBytes: number;
  /** Build + encode + write, in the generator process. */
  readonly generateMs: number;
}

export const benchModels: readonly BenchModel[] = [
  {
    name: 'vgg16',
    version: 3,
    description: 'VGG-16 at 224×224: 13 conv3×3, 5 max-pools, 3 dense, 138 M params (~553 MB)',
    build: buildVgg16,
    rssTarget: true,
  },
  {
    name: 'deep10k',
    version: 4,
    description: 'deep residual net: 1,600 blocks of 64 channels, 10,204 nodes (~265 MB)',
    build: () => buildDeep10k(64),
    rssTarget: true,
  },
  {
    name: 'deep10k-narrow',
    version: 3,
    description: 'stress: the same net at 16 channels (~19 MB, ~1.9 KB of file per node)',
    build: () => buildDeep10k(16),
    rssTarget: false,
  },
];

export function findBenchModel(name: string): BenchModel | undefined {
  return benchModels.find((m) => m.name === name);
}
