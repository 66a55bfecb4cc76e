/**
 * The kv-decoder-mini sample split 3 | 5 | rest layers over device, edge and cloud: its device
 * segment both sends the position ids (Range) on and reads them itself (the split that crashed
 * onnxruntime before output copies), and its inputs keep symbolic sizes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { analyzeFile } from '../../core/analyze.js';

export const KV_DECODER_SAMPLE = path.resolve(import.meta.dirname, '../../samples/kv-decoder-mini.onnx');

/** Layer name → tier: the first 3 layers on the device, the next 5 on the edge, the rest in the cloud. */
export function kvDecoderSplit(): Record<string, string> {
  const { layers } = analyzeFile(KV_DECODER_SAMPLE).layers;
  return Object.fromEntries(
    layers.map((layer, i) => [layer.name, i < 3 ? 'device' : i < 8 ? 'edge' : 'cloud']),
  );
}

/** `cutline export`'s arguments for that split on pi4-wifi-edge-wan-cloud, into `out`. */
export function kvDecoderExportArgs(dir: string, out: string): string[] {
  const placement = path.join(dir, 'placement.json');
  fs.writeFileSync(placement, JSON.stringify(kvDecoderSplit()));
  return [
    'export',
    KV_DECODER_SAMPLE,
    '--topology',
    'pi4-wifi-edge-wan-cloud',
    '--placement',
    placement,
    '--out',
    out,
  ];
}
