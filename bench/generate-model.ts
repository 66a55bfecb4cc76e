/**
 * Child-process entry: `generate-model.ts NAME OUT.onnx` builds one benchmark model, encodes it
 * and writes it (atomically, through a temporary file) with a `.json` sidecar of its figures.
 *
 * Runs in its own process so the generator's memory (weights + encoded bytes, ~1.1 GB for
 * VGG-16) never shows up in a measured process.
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { encodeModelProto } from '../core/onnx/codec.js';
import { DataType } from '../core/onnx/dtype.js';
import { findBenchModel, type GeneratedModelInfo } from './models.js';
import { emitResult } from './child-protocol.js';

const [name, outPath] = process.argv.slice(2);
const spec = name === undefined ? undefined : findBenchModel(name);
if (!spec || outPath === undefined) {
  throw new Error(`usage: generate-model.ts NAME OUT.onnx (unknown model "${name ?? ''}")`);
}

const start = performance.now();
const proto = spec.build();
let parameters = 0;
for (const t of proto.graph?.initializer ?? []) {
  if (t.dataType === DataType.FLOAT) parameters += (t.dims ?? []).reduce<number>((n, d) => n * Number(d), 1);
}
const bytes = encodeModelProto(proto);
const temporary = `${outPath}.${process.pid}.tmp`;
fs.writeFileSync(temporary, bytes);
fs.renameSync(temporary, outPath);

const info: GeneratedModelInfo = {
  name: spec.name,
  version: spec.version,
  nodes: proto.graph?.node?.length ?? 0,
  parameters,
  fileBytes: bytes.length,
  generateMs: performance.now() - start,
};
fs.writeFileSync(outPath.replace(/\.onnx$/, '.json'), `${JSON.stringify(info, null, 2)}\n`);
emitResult(info);
