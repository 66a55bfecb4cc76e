/**
 * Structure-aware mutations of ONNX models for the fuzzer (issue 13, point 6): each decodes a
 * model, breaks one thing a hostile or corrupt exporter could write, and re-encodes it, so the
 * case reaches graph building, shape inference and the cost passes rather than the decoder.
 * Cycles, dangling inputs, duplicated outputs, huge/negative/zero dims and counts, If/Loop bodies
 * nested up to thousands deep, hostile names (control characters, bidi, 1 MB) and external-data
 * entries with hostile paths, offsets and lengths.
 */
import protobuf from 'protobufjs/minimal.js';
import { attr, graph, model, node, valueInfo } from '../../core/onnx/builder.js';
import {
  decodeModelProto,
  encodeModelProto,
  type GraphProto,
  type ModelProto,
  type NodeProto,
} from '../../core/onnx/codec.js';
import { DataType } from '../../core/onnx/dtype.js';
import { shapeRules } from '../../core/shape/registry.js';
import { graphSites, type Site } from './shape-fuzz.js';

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Integers a file may hold where a dim, count or index is expected. */
export const HOSTILE_INTS: readonly bigint[] = [
  0n,
  -1n,
  -(2n ** 31n),
  2n ** 31n - 1n,
  2n ** 31n,
  2n ** 32n,
  2n ** 53n + 1n,
  2n ** 63n - 1n,
];

/** Names a file may give a node or tensor. */
export const HOSTILE_NAMES: readonly string[] = [
  '\u001b[2J\u001b[31mred',
  'line\nbreak\r',
  '\u202eevil\u2066',
  'nul\u0000name',
  '\u009b31mC1',
  '',
  'a'.repeat(1 << 20),
  `\u001b]0;title\u0007${'\u202e'.repeat(5000)}`,
];

/** The file the fuzz child writes next to every case: external data may point into it. */
export const FUZZ_DATA_FILE = 'data.bin';
export const FUZZ_DATA_BYTES = 64;

/**
 * Hostile things beside the model that external data may name (fuzzWorkDir makes them): a link
 * out of the folder, a FIFO (a read would block for ever), a folder and an empty file.
 */
export const FUZZ_HOSTILE_FILES = {
  link: 'escape.bin',
  fifo: 'fifo.bin',
  folder: 'folder.bin',
  empty: 'empty.bin',
} as const;

const EXTERNAL_LOCATIONS: readonly string[] = [
  FUZZ_DATA_FILE,
  `./${FUZZ_DATA_FILE}`,
  'missing.bin',
  '../data.bin',
  '../../../../etc/passwd',
  '/etc/passwd',
  `data\u0000.bin`,
  'x'.repeat(5000),
  '',
  '.',
  'sub/../../data.bin',
  `\u001b[2J${FUZZ_DATA_FILE}`,
  ...Object.values(FUZZ_HOSTILE_FILES),
];

const EXTERNAL_NUMBERS: readonly string[] = [
  '0',
  '8',
  '60',
  String(FUZZ_DATA_BYTES),
  '65',
  '-1',
  '-9223372036854775808',
  '9223372036854775807',
  '18446744073709551616',
  '1e3',
  'abc',
  '',
  '0x10',
];

interface Mutated {
  readonly label: string;
}

type StructureMutator = (proto: ModelProto, random: Random) => Mutated | undefined;

/** Every node of the graph and its sub-graphs, with the graph holding it. */
function allNodes(
  g: GraphProto,
  into: { node: NodeProto; graph: GraphProto }[] = [],
): { node: NodeProto; graph: GraphProto }[] {
  for (const n of g.node ?? []) {
    into.push({ node: n, graph: g });
    for (const a of n.attribute ?? []) {
      if (a.g) allNodes(a.g, into);
      for (const sub of a.graphs ?? []) allNodes(sub, into);
    }
  }
  return into;
}

const boundaryInt: StructureMutator = (proto, random) => {
  const sites: Site[] = [];
  if (proto.graph) graphSites(proto.graph, sites);
  if (sites.length === 0) return undefined;
  const site = pick(random, sites);
  const value = pick(random, HOSTILE_INTS);
  site.write(value);
  return { label: `${site.label} = ${value}` };
};

const cycle: StructureMutator = (proto, random) => {
  const nodes = proto.graph?.node ?? [];
  const withInputs = nodes.map((n, i) => ({ n, i })).filter(({ n }) => (n.input ?? []).length > 0);
  if (withInputs.length === 0) return undefined;
  const { n, i } = pick(random, withInputs);
  // A node at or after this one: its output feeding this node closes a cycle.
  const later = nodes.slice(i).filter((m) => (m.output ?? []).length > 0);
  const source = pick(random, later);
  const k = Math.floor(random() * n.input!.length);
  n.input![k] = source.output![0]!;
  return { label: `node ${i} input ${k} <- output of a node at or after it` };
};

const dangling: StructureMutator = (proto, random) => {
  const nodes = allNodes(proto.graph ?? {}).filter(({ node: n }) => (n.input ?? []).length > 0);
  if (nodes.length === 0 || random() < 0.2) {
    const outputs = proto.graph?.output ?? [];
    if (outputs.length === 0) return undefined;
    pick(random, outputs).name = 'no_such_tensor';
    return { label: 'a graph output names no tensor' };
  }
  const { node: n } = pick(random, nodes);
  const k = Math.floor(random() * n.input!.length);
  n.input![k] = `dangling_${k}`;
  return { label: `node ${n.name ?? ''} input ${k} names no tensor` };
};

const duplicateOutput: StructureMutator = (proto, random) => {
  const nodes = proto.graph?.node ?? [];
  const producers = nodes.filter((n) => (n.output ?? []).length > 0);
  if (producers.length === 0) return undefined;
  const target = pick(random, producers);
  const names = [
    ...producers.map((n) => n.output![0]!),
    ...(proto.graph?.input ?? []).map((i) => i.name ?? ''),
    ...(proto.graph?.initializer ?? []).map((t) => t.name ?? ''),
  ];
  const name = pick(random, names);
  target.output![0] = name;
  return { label: `node ${target.name ?? ''} output 0 renamed to an existing name` };
};

/** A model whose graph holds `depth` If (or Loop) nodes, each in the previous one's body. */
export function nestedModel(depth: number, op: 'If' | 'Loop'): ModelProto {
  // Only the then-branch nests: a body in both branches would double the file per level.
  const leaf = graph({
    name: 'leaf',
    nodes: [node('Identity', ['x'], ['y'], [], 'leaf')],
    inputs: [],
    outputs: [valueInfo('y', DataType.FLOAT, [2])],
  });
  let body = graph({
    name: 'leaf',
    nodes: [node('Identity', ['x'], ['y'], [], 'leaf')],
    inputs: op === 'Loop' ? [valueInfo('i', DataType.INT64, []), valueInfo('c', DataType.BOOL, [])] : [],
    outputs:
      op === 'Loop'
        ? [valueInfo('c', DataType.BOOL, []), valueInfo('y', DataType.FLOAT, [2])]
        : [valueInfo('y', DataType.FLOAT, [2])],
  });
  for (let level = 0; level < depth; level++) {
    const inner =
      op === 'If'
        ? node(
            'If',
            ['cond'],
            ['y'],
            [attr.graph('then_branch', body), attr.graph('else_branch', leaf)],
            `if${level}`,
          )
        : node('Loop', ['trip', 'cond'], ['y'], [attr.graph('body', body)], `loop${level}`);
    body = graph({
      name: `level${level}`,
      nodes: [inner],
      inputs: op === 'Loop' ? [valueInfo('i', DataType.INT64, []), valueInfo('c', DataType.BOOL, [])] : [],
      outputs:
        op === 'Loop'
          ? [valueInfo('c', DataType.BOOL, []), valueInfo('y', DataType.FLOAT, [2])]
          : [valueInfo('y', DataType.FLOAT, [2])],
    });
  }
  const top = body.node![0]!;
  return model({
    graph: graph({
      name: 'nested',
      nodes: [top],
      inputs: [
        valueInfo('x', DataType.FLOAT, [2]),
        valueInfo('cond', DataType.BOOL, []),
        valueInfo('trip', DataType.INT64, []),
      ],
      outputs: [valueInfo('y', DataType.FLOAT, [2])],
    }),
  }) as ModelProto;
}

const deepNesting: StructureMutator = (proto, random) => {
  const depth = pick(random, [10, 32, 33, 34, 100, 1000]);
  const op = pick(random, ['If', 'Loop'] as const);
  Object.assign(proto, nestedModel(depth, op));
  return { label: `${op} bodies nested ${depth} deep` };
};

const hostileName: StructureMutator = (proto, random) => {
  const g = proto.graph;
  if (!g) return undefined;
  const name = pick(random, HOSTILE_NAMES);
  const shown = JSON.stringify(name.slice(0, 20)) + (name.length > 20 ? `…(${name.length})` : '');
  const nodes = allNodes(g);
  const kind = pick(random, ['node', 'tensor', 'op', 'graph', 'domain'] as const);
  if (kind === 'graph' || nodes.length === 0) {
    g.name = name;
    return { label: `graph named ${shown}` };
  }
  const { node: n } = pick(random, nodes);
  if (kind === 'node') n.name = name;
  else if (kind === 'op') n.opType = name;
  else if (kind === 'domain') n.domain = name;
  else {
    // Renames one tensor everywhere it appears, so the graph stays connected.
    const old = pick(random, [...(n.input ?? []), ...(n.output ?? [])].filter(Boolean).concat(['']));
    if (old === '') return undefined;
    const rename = (list: string[] | null | undefined) =>
      list?.forEach((v, k) => void (v === old && (list[k] = name)));
    for (const { node: m } of nodes) {
      rename(m.input);
      rename(m.output);
    }
    for (const info of [...(g.input ?? []), ...(g.output ?? []), ...(g.valueInfo ?? [])])
      if (info.name === old) info.name = name;
    for (const t of g.initializer ?? []) if (t.name === old) t.name = name;
  }
  return { label: `${kind} named ${shown}` };
};

const hostileExternalData: StructureMutator = (proto, random) => {
  const g = proto.graph;
  if (!g) return undefined;
  const tensors = [...(g.initializer ?? [])];
  if (tensors.length === 0) {
    // A model without weights gets one, so every source can reach the external-data path.
    const t = { name: 'fuzz_weight', dataType: DataType.FLOAT, dims: [4] };
    g.initializer = [t];
    tensors.push(t);
  }
  const tensor = pick(random, tensors);
  const location = pick(random, EXTERNAL_LOCATIONS);
  const entries = [{ key: 'location', value: location }];
  if (random() < 0.7) entries.push({ key: 'offset', value: pick(random, EXTERNAL_NUMBERS) });
  if (random() < 0.7) entries.push({ key: 'length', value: pick(random, EXTERNAL_NUMBERS) });
  tensor.dataLocation = 1;
  tensor.externalData = entries;
  tensor.rawData = new Uint8Array();
  tensor.floatData = [];
  tensor.int64Data = [];
  tensor.int32Data = [];
  const shown = entries.map((e) => `${e.key}=${JSON.stringify(e.value.slice(0, 30))}`).join(' ');
  return { label: `initializer external data ${shown}` };
};

/** Every ai.onnx operator with a shape rule: a retyped node reaches rules no source holds. */
const OPERATORS = Object.keys(shapeRules).sort();

/** Inputs a retyped node may gain: a vector declared with 2³¹−1 entries, a huge or empty tensor. */
const EXTRA_INPUTS = [
  () => valueInfo('fuzz_huge_vector', DataType.INT64, [2 ** 31 - 1]),
  () => valueInfo('fuzz_huge_tensor', DataType.FLOAT, [2 ** 31 - 1, 2 ** 31 - 1]),
  () => valueInfo('fuzz_empty', DataType.FLOAT, [0, 3]),
  () => valueInfo('fuzz_rank_unknown', DataType.FLOAT),
];

const retype: StructureMutator = (proto, random) => {
  const nodes = proto.graph?.node ?? [];
  if (nodes.length === 0 || !proto.graph) return undefined;
  const target = pick(random, nodes);
  const op = pick(random, OPERATORS);
  target.opType = op;
  target.domain = '';
  let extra = '';
  if (random() < 0.6) {
    const input = pick(random, EXTRA_INPUTS)();
    proto.graph.input = [...(proto.graph.input ?? []), input];
    const inputs = [...(target.input ?? [])];
    inputs.splice(Math.floor(random() * (inputs.length + 1)), 0, input.name ?? '');
    target.input = inputs;
    extra = ` with input ${input.name ?? ''}`;
  }
  return { label: `node ${target.name ?? ''} retyped to ${op}${extra}` };
};

const MUTATORS: readonly (readonly [string, StructureMutator])[] = [
  ['retype', retype],
  ['retype', retype],
  ['boundary-int', boundaryInt],
  ['boundary-int', boundaryInt],
  ['cycle', cycle],
  ['dangling', dangling],
  ['duplicate-output', duplicateOutput],
  ['deep-nesting', deepNesting],
  ['hostile-name', hostileName],
  ['external-data', hostileExternalData],
  ['external-data', hostileExternalData],
];

/** One structure-aware mutation of the model in `bytes`, or undefined when none applies. */
export function mutateStructure(
  bytes: Uint8Array,
  random: Random,
): { label: string; bytes: Uint8Array } | undefined {
  const proto = decodeModelProto(bytes);
  const [name, mutator] = pick(random, MUTATORS);
  const result = mutator(proto, random);
  if (!result) return undefined;
  return { label: `${name}: ${result.label}`, bytes: encodeDeep(proto) };
}

/**
 * Encodes `proto` however deep it nests: protobufjs refuses to encode (and decode) messages
 * nested past 100 levels, as protoc does; the fuzzer writes deeper files anyway, for the reader
 * to refuse by name.
 */
export function encodeDeep(proto: ModelProto): Uint8Array {
  const limit = protobuf.util.recursionLimit;
  protobuf.util.recursionLimit = 1 << 20;
  try {
    return encodeModelProto(proto);
  } finally {
    protobuf.util.recursionLimit = limit;
  }
}
