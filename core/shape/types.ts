import type { AttributeProto, TensorProto } from '../onnx/codec.js';
import type { Dim, GraphNode, Shape } from '../graph/types.js';

/**
 * A small tensor whose values are known while analysing the model: initializers, Constant
 * outputs and shape arithmetic (Shape → Gather → Concat → Reshape) folded on the way.
 * Values are JS numbers (int64 values of shapes fit in 2^53); row-major order.
 */
export interface KnownValue {
  readonly dims: readonly number[];
  readonly data: readonly number[];
}

/** What shape inference knows about one tensor. */
export interface ValueInfo {
  /** ONNX element type (DataType); 0 when unknown. */
  readonly dtype: number;
  /** `null` when the rank is unknown. */
  readonly shape: Shape | null;
  /** Present for small tensors whose values are known (≤ MAX_KNOWN_ELEMENTS). */
  readonly value?: KnownValue;
  /**
   * Entries of a small integer tensor some of which are symbols: what Shape yields for a tensor
   * with symbolic dims, carried through Gather/Concat/… so Reshape targets stay symbolic.
   */
  readonly symbolicValue?: { readonly dims: readonly number[]; readonly data: readonly Dim[] };
  /**
   * For a sequence (described by the dtype and merged shape of its elements): each element,
   * when the element count is known.
   */
  readonly sequenceElements?: readonly ValueInfo[];
  /**
   * The shape or value is only approximately known: it derives from a bound assumed to hold (a
   * constant Slice end on a data-dependent axis, a detection limit) rather than from facts.
   * Set by the rule that assumes; the driver passes it on to everything computed from it.
   */
  readonly inexact?: true;
}

/** Largest tensor whose values are tracked through constant folding. */
export const MAX_KNOWN_ELEMENTS = 4096;

export interface InferContext {
  readonly node: GraphNode;
  /** Version of the default ('' / ai.onnx) operator set the model imports. */
  readonly opset: number;
  /** Number of input slots the node has (including omitted optional ones). */
  readonly inputCount: number;
  readonly outputCount: number;
  /** The input at slot `i`, or undefined when the slot is absent or omitted (''). */
  input(i: number): ValueInfo | undefined;
  /** Like `input`, but throws a ShapeError naming the node when the input is missing. */
  requireInput(i: number): ValueInfo;
  attr(name: string): AttributeProto | undefined;
  attrInt(name: string, fallback: number): number;
  attrInt(name: string): number | undefined;
  attrInts(name: string): readonly number[] | undefined;
  attrFloat(name: string, fallback: number): number;
  attrFloats(name: string): readonly number[] | undefined;
  attrString(name: string, fallback: string): string;
  attrString(name: string): string | undefined;
  attrTensor(name: string): TensorProto | undefined;
  /** Sets output `i` (ignored when the node has no such output). */
  setOutput(i: number, info: ValueInfo): void;
  /** A fresh symbol for a dimension that depends on data (NonZero's count, …). */
  freshSymbol(hint: string): string;
  /** Values of a TensorProto (initializer or attribute) when small enough, else undefined. */
  tensorValue(tensor: TensorProto): KnownValue | undefined;
  /**
   * Infers a sub-graph (If branches, Loop/Scan bodies) given what is known about its formal
   * inputs; returns what is known about its outputs.
   */
  inferSubgraph(attrName: string, inputs: readonly (ValueInfo | undefined)[]): (ValueInfo | undefined)[];
}

/** Infers the outputs of one operator. Throws ShapeError on inconsistent inputs. */
export type ShapeRule = (ctx: InferContext) => void;

export type ShapeRules = Readonly<Record<string, ShapeRule>>;

export class ShapeError extends Error {
  override readonly name = 'ShapeError';
}

export type { Dim, Shape };
