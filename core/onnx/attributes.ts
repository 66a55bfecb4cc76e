import type { AttributeProto, GraphProto, TensorProto } from './codec.js';

/** AttributeProto.AttributeType values. */
export const AttributeType = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;

const utf8 = new TextDecoder();

/**
 * The attribute's type. Files written before IR version 3 left `type` unset: then the type is
 * told by which field carries a value.
 */
export function attributeKind(attr: AttributeProto): number {
  if (attr.type) return attr.type;
  const has = (field: keyof AttributeProto): boolean => Object.prototype.hasOwnProperty.call(attr, field);
  if (attr.ints?.length) return AttributeType.INTS;
  if (attr.floats?.length) return AttributeType.FLOATS;
  if (attr.strings?.length) return AttributeType.STRINGS;
  if (attr.graphs?.length) return AttributeType.GRAPHS;
  if (attr.tensors?.length) return AttributeType.TENSORS;
  if (has('t') && attr.t) return AttributeType.TENSOR;
  if (has('g') && attr.g) return AttributeType.GRAPH;
  if (has('s')) return AttributeType.STRING;
  if (has('f')) return AttributeType.FLOAT;
  if (has('i')) return AttributeType.INT;
  return AttributeType.UNDEFINED;
}

export function attributeInt(attr: AttributeProto | undefined): number | undefined {
  return attr && attributeKind(attr) === AttributeType.INT ? Number(attr.i ?? 0) : undefined;
}

export function attributeInts(attr: AttributeProto | undefined): readonly number[] | undefined {
  if (!attr) return undefined;
  const kind = attributeKind(attr);
  // An empty INTS list is stored with no elements but its type set.
  return kind === AttributeType.INTS || kind === AttributeType.UNDEFINED ? (attr.ints ?? []) : undefined;
}

export function attributeFloat(attr: AttributeProto | undefined): number | undefined {
  return attr && attributeKind(attr) === AttributeType.FLOAT ? (attr.f ?? 0) : undefined;
}

export function attributeFloats(attr: AttributeProto | undefined): readonly number[] | undefined {
  if (!attr) return undefined;
  const kind = attributeKind(attr);
  return kind === AttributeType.FLOATS || kind === AttributeType.UNDEFINED ? (attr.floats ?? []) : undefined;
}

export function attributeString(attr: AttributeProto | undefined): string | undefined {
  return attr && attributeKind(attr) === AttributeType.STRING
    ? utf8.decode(attr.s ?? new Uint8Array())
    : undefined;
}

export function attributeStrings(attr: AttributeProto | undefined): readonly string[] | undefined {
  if (!attr || attributeKind(attr) !== AttributeType.STRINGS) return undefined;
  return (attr.strings ?? []).map((s) => utf8.decode(s));
}

export function attributeTensor(attr: AttributeProto | undefined): TensorProto | undefined {
  return attr?.t ?? undefined;
}

/** Every sub-graph an attribute holds (GRAPH or GRAPHS). */
export function attributeGraphs(attr: AttributeProto): GraphProto[] {
  const graphs: GraphProto[] = [];
  if (attr.g) graphs.push(attr.g);
  if (attr.graphs) graphs.push(...attr.graphs);
  return graphs;
}

/** A readable rendering of an attribute's value, for tables and the details panel. */
export function attributeDisplay(attr: AttributeProto): string {
  switch (attributeKind(attr)) {
    case AttributeType.INT:
      return String(attr.i ?? 0);
    case AttributeType.FLOAT:
      return String(attr.f ?? 0);
    case AttributeType.STRING:
      return JSON.stringify(attributeString(attr));
    case AttributeType.INTS:
      return `[${(attr.ints ?? []).join(', ')}]`;
    case AttributeType.FLOATS:
      return `[${(attr.floats ?? []).join(', ')}]`;
    case AttributeType.STRINGS:
      return JSON.stringify(attributeStrings(attr));
    case AttributeType.TENSOR:
      return `tensor ${(attr.t?.dims ?? []).join('x') || 'scalar'}`;
    case AttributeType.GRAPH:
      return `graph ${attr.g?.name ?? ''}`;
    case AttributeType.GRAPHS:
      return `${attr.graphs?.length ?? 0} graphs`;
    default:
      return '';
  }
}
