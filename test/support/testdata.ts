/** Reading the ONNX backend test suite (Debian's libonnx-testdata, or ONNX_TESTDATA_DIR). */
import fs from 'node:fs';
import path from 'node:path';
import { onnx } from '../../core/onnx/codec.js';
import type { TensorProto, TypeProto } from '../../core/onnx/codec.js';
import { testdataDir } from '../../scripts/onnx-testdata.js';

export const TESTDATA_ROOT = testdataDir();

export function testdataCases(suite: 'node' | 'pytorch-converted' | 'pytorch-operator' | 'simple'): string[] {
  const dir = path.join(TESTDATA_ROOT, suite);
  return fs
    .readdirSync(dir)
    .filter((name) => fs.existsSync(path.join(dir, name, 'model.onnx')))
    .sort()
    .map((name) => path.join(dir, name));
}

/** One test value: a tensor, or the element shapes of a sequence / optional. */
export interface TestValue {
  readonly kind: 'tensor' | 'sequence' | 'optional';
  /** For tensors, the tensor; for sequences, every element; for optionals, zero or one. */
  readonly tensors: readonly TensorProto[];
}

function decodeValue(bytes: Uint8Array, type: TypeProto | null | undefined): TestValue {
  if (type?.sequenceType) return { kind: 'sequence', tensors: onnx.SequenceProto.decode(bytes).tensorValues };
  if (type?.optionalType) {
    const opt = onnx.OptionalProto.decode(bytes);
    return { kind: 'optional', tensors: opt.tensorValue ? [opt.tensorValue] : [] };
  }
  return { kind: 'tensor', tensors: [onnx.TensorProto.decode(bytes)] };
}

/** Inputs and expected outputs of test_data_set_0, typed by the model's declared graph inputs/outputs. */
export function readTestDataSet(
  caseDir: string,
  model: onnx.ModelProto,
): { inputs: TestValue[]; outputs: TestValue[] } {
  const dir = path.join(caseDir, 'test_data_set_0');
  const graph = model.graph;
  const initializers = new Set((graph?.initializer ?? []).map((t) => t.name));
  const declaredInputs = (graph?.input ?? []).filter((i) => !initializers.has(i.name ?? ''));
  const read = (prefix: string, declared: readonly onnx.ValueInfoProto.$Properties[]): TestValue[] => {
    const values: TestValue[] = [];
    for (let i = 0; fs.existsSync(path.join(dir, `${prefix}_${i}.pb`)); i++) {
      values.push(decodeValue(fs.readFileSync(path.join(dir, `${prefix}_${i}.pb`)), declared[i]?.type));
    }
    return values;
  };
  return { inputs: read('input', declaredInputs), outputs: read('output', graph?.output ?? []) };
}
