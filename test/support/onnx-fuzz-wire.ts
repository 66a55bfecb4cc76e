/**
 * Byte-level mutations of ONNX files for the fuzzer (issue 13, point 6): raw ones (bit flips,
 * byte insertions and deletions, truncation) and ones that follow the protobuf wire format, so
 * they reach past the decoder: a length-delimited field whose length varint claims 2³¹ or 2⁶³
 * bytes while its parents stay consistent, a varint field (a dim, a count, a type, a location)
 * set to a huge or negative value, a repeated field duplicated.
 *
 * The wire tree is parsed without the schema: a length-delimited payload is taken as a nested
 * message when it parses cleanly as one, else as opaque bytes (strings, raw tensor data).
 */

type Random = () => number;

interface Field {
  readonly number: number;
  readonly wireType: number;
  /** Varint or fixed value (wire types 0, 1, 5). */
  value?: bigint;
  /** Raw payload of a length-delimited field (wire type 2) when it is not a message. */
  bytes?: Uint8Array;
  /** Parsed payload of a length-delimited field that is a message. */
  children?: Field[];
  /** A length to write instead of the payload's real one (the hostile varint). */
  lengthOverride?: bigint;
}

const MAX_DEPTH = 12;
/** Duplicated fields add at most this many bytes, so the mutation itself never exhausts the heap. */
const MAX_DUPLICATED_BYTES = 4 << 20;

function readVarint(bytes: Uint8Array, at: number): { value: bigint; next: number } | undefined {
  let value = 0n;
  for (let shift = 0n, i = at; i < bytes.length && shift < 70n; i++, shift += 7n) {
    const b = bytes[i]!;
    value |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return { value, next: i + 1 };
  }
  return undefined;
}

function writeVarint(value: bigint, out: number[]): void {
  let v = BigInt.asUintN(64, value);
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
}

/** Parses `bytes` as a message, or undefined when they are not one. */
function parseMessage(bytes: Uint8Array, depth: number): Field[] | undefined {
  const fields: Field[] = [];
  let at = 0;
  while (at < bytes.length) {
    const key = readVarint(bytes, at);
    if (!key || key.value === 0n || key.value > 0xffffffffn) return undefined;
    const number = Number(key.value >> 3n);
    const wireType = Number(key.value & 7n);
    at = key.next;
    if (wireType === 0) {
      const v = readVarint(bytes, at);
      if (!v) return undefined;
      fields.push({ number, wireType, value: v.value });
      at = v.next;
    } else if (wireType === 1 || wireType === 5) {
      const size = wireType === 1 ? 8 : 4;
      if (at + size > bytes.length) return undefined;
      let value = 0n;
      for (let k = size - 1; k >= 0; k--) value = (value << 8n) | BigInt(bytes[at + k]!);
      fields.push({ number, wireType, value });
      at += size;
    } else if (wireType === 2) {
      const length = readVarint(bytes, at);
      if (!length || length.next + Number(length.value) > bytes.length) return undefined;
      const payload = bytes.subarray(length.next, length.next + Number(length.value));
      at = length.next + payload.length;
      const children = depth < MAX_DEPTH && payload.length > 0 ? parseMessage(payload, depth + 1) : undefined;
      fields.push(children ? { number, wireType, children } : { number, wireType, bytes: payload });
    } else return undefined;
  }
  return fields;
}

/**
 * Appends the encoding of `fields` to `parts` as chunks (headers, and payloads as views, never
 * copied) and returns its length, so re-encoding a 2 MB sample costs a few thousand small arrays.
 */
function serialize(fields: readonly Field[], parts: Uint8Array[]): number {
  let total = 0;
  for (const f of fields) {
    const header: number[] = [];
    writeVarint(BigInt((f.number << 3) | f.wireType) & 0xffffffffn, header);
    let payload: Uint8Array[] = [];
    let payloadLength = 0;
    if (f.wireType === 0) writeVarint(f.value ?? 0n, header);
    else if (f.wireType === 1 || f.wireType === 5) {
      const size = f.wireType === 1 ? 8 : 4;
      for (let k = 0; k < size; k++)
        header.push(Number((BigInt.asUintN(64, f.value ?? 0n) >> BigInt(8 * k)) & 0xffn));
    } else {
      if (f.children) payloadLength = serialize(f.children, payload);
      else payload = [f.bytes ?? new Uint8Array()];
      if (!f.children) payloadLength = payload[0]!.length;
      writeVarint(f.lengthOverride ?? BigInt(payloadLength), header);
    }
    parts.push(Uint8Array.from(header));
    // One by one: a message of a million fields would overflow the stack as spread arguments.
    for (const part of payload) parts.push(part);
    total += header.length + payloadLength;
  }
  return total;
}

function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Every field of the tree with the list holding it, depth first. */
function allFields(
  fields: Field[],
  into: { field: Field; list: Field[] }[] = [],
): { field: Field; list: Field[] }[] {
  for (const field of fields) {
    into.push({ field, list: fields });
    if (field.children) allFields(field.children, into);
  }
  return into;
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const HUGE_LENGTHS: readonly bigint[] = [
  2n ** 31n - 1n,
  2n ** 31n,
  2n ** 32n + 5n,
  2n ** 63n,
  2n ** 64n - 1n,
];
const HUGE_VARINTS: readonly bigint[] = [
  0n,
  2n ** 31n - 1n,
  2n ** 31n,
  2n ** 32n,
  2n ** 63n - 1n,
  -1n,
  -(2n ** 31n),
];

export interface ByteMutation {
  readonly label: string;
  readonly bytes: Uint8Array;
}

type Mutator = (bytes: Uint8Array, random: Random) => ByteMutation;

const bitFlips: Mutator = (bytes, random) => {
  const out = Uint8Array.from(bytes);
  const count = 1 + Math.floor(random() * 8);
  for (let k = 0; k < count; k++) {
    const at = Math.floor(random() * out.length);
    out[at] = out[at]! ^ (1 << Math.floor(random() * 8));
  }
  return { label: `${count} bit flips`, bytes: out };
};

const insertBytes: Mutator = (bytes, random) => {
  const at = Math.floor(random() * (bytes.length + 1));
  const count = 1 + Math.floor(random() * 16);
  const extra = Array.from({ length: count }, () =>
    pick(random, [0x00, 0xff, 0x80, 0x7f, Math.floor(random() * 256)]),
  );
  const out = new Uint8Array(bytes.length + count);
  out.set(bytes.subarray(0, at));
  out.set(extra, at);
  out.set(bytes.subarray(at), at + count);
  return { label: `${count} bytes inserted at ${at}`, bytes: out };
};

const deleteBytes: Mutator = (bytes, random) => {
  const at = Math.floor(random() * bytes.length);
  const count = 1 + Math.floor(random() * 16);
  const out = concat([bytes.subarray(0, at), bytes.subarray(at + count)], Math.max(at, bytes.length - count));
  return { label: `${count} bytes deleted at ${at}`, bytes: out };
};

const truncate: Mutator = (bytes, random) => {
  const at = Math.floor(random() * bytes.length);
  return { label: `truncated to ${at} bytes`, bytes: bytes.slice(0, at) };
};

/** Mutates the wire tree with `change` and re-serializes it; undefined when there is no tree or site. */
function treeMutation(
  bytes: Uint8Array,
  change: (sites: { field: Field; list: Field[] }[]) => string | undefined,
): ByteMutation | undefined {
  const tree = parseMessage(bytes, 0);
  if (!tree) return undefined;
  const label = change(allFields(tree));
  if (label === undefined) return undefined;
  const parts: Uint8Array[] = [];
  const length = serialize(tree, parts);
  return { label, bytes: concat(parts, length) };
}

const hugeLength: Mutator = (bytes, random) =>
  treeMutation(bytes, (sites) => {
    const delimited = sites.filter((s) => s.field.wireType === 2);
    if (delimited.length === 0) return undefined;
    const { field } = pick(random, delimited);
    field.lengthOverride = pick(random, HUGE_LENGTHS);
    return `field ${field.number} length set to ${field.lengthOverride}`;
  }) ?? truncate(bytes, random);

const hugeVarint: Mutator = (bytes, random) =>
  treeMutation(bytes, (sites) => {
    const varints = sites.filter((s) => s.field.wireType === 0);
    if (varints.length === 0) return undefined;
    const { field } = pick(random, varints);
    field.value = pick(random, HUGE_VARINTS);
    return `varint field ${field.number} set to ${BigInt.asIntN(64, field.value)}`;
  }) ?? bitFlips(bytes, random);

const duplicateField: Mutator = (bytes, random) =>
  treeMutation(bytes, (sites) => {
    const { field, list } = pick(random, sites);
    const size = serialize([field], []);
    const copies = Math.min(
      pick(random, [1, 2, 100, 1000]),
      Math.max(1, Math.floor(MAX_DUPLICATED_BYTES / size)),
    );
    list.splice(list.indexOf(field) + 1, 0, ...Array.from({ length: copies }, () => field));
    return `field ${field.number} duplicated ${copies} times`;
  }) ?? insertBytes(bytes, random);

const MUTATORS: readonly (readonly [string, Mutator])[] = [
  ['bit-flip', bitFlips],
  ['insert', insertBytes],
  ['delete', deleteBytes],
  ['truncate', truncate],
  ['huge-length', hugeLength],
  ['huge-varint', hugeVarint],
  ['duplicate-field', duplicateField],
];

/** One byte-level mutation of `bytes`, chosen by `random`. */
export function mutateBytes(bytes: Uint8Array, random: Random): ByteMutation {
  const [name, mutator] = pick(random, MUTATORS);
  const result = mutator(bytes, random);
  return { label: `${name}: ${result.label}`, bytes: result.bytes };
}
