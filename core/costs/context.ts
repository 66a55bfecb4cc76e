/**
 * The view a compute rule has of one node. Dimension reads never throw: a symbolic or missing
 * dimension reads as 1 and marks the result inexact, so every rule yields a figure.
 */
import type { GraphNode, Shape } from '../graph/types.js';
import { attributeFloat, attributeInt, attributeInts, attributeString } from '../onnx/attributes.js';
import type { ComputeCost } from './types.js';
import {
  countElements,
  knownValues,
  tensorFacts,
  type CostScope,
  type TensorFacts,
  type ValueMap,
} from './scope.js';

export class CostContext {
  private exactShapes = true;
  private exactFormula = true;

  constructor(
    readonly scope: CostScope,
    readonly node: GraphNode,
    readonly values: ValueMap,
  ) {}

  /** True when no dimension was guessed and the rule did not call `estimate()`. */
  get exact(): boolean {
    return this.exactShapes && this.exactFormula;
  }

  /** Marks the rule's formula as an approximation of the work done. */
  estimate(): void {
    this.exactFormula = false;
  }

  /** Marks a needed fact as missing (an absent attribute the rule had to guess, …). */
  guessed(): void {
    this.exactShapes = false;
  }

  /** Whether input slot `i` is present (not omitted with ''). */
  has(i: number): boolean {
    return Boolean(this.node.inputs[i]);
  }

  /** Number of present inputs. */
  get inputCount(): number {
    return this.node.inputs.filter(Boolean).length;
  }

  input(i: number): TensorFacts | undefined {
    const name = this.node.inputs[i];
    return name ? tensorFacts(this.scope, this.values, name) : undefined;
  }

  output(i: number): TensorFacts | undefined {
    const name = this.node.outputs[i];
    return name ? tensorFacts(this.scope, this.values, name) : undefined;
  }

  inputValues(i: number): readonly number[] | undefined {
    const name = this.node.inputs[i];
    return name ? knownValues(this.scope, this.values, name) : undefined;
  }

  /** Rank of a tensor, or undefined (and inexact) when unknown. */
  rank(facts: TensorFacts | undefined): number | undefined {
    if (facts?.inexact) this.exactShapes = false;
    if (!facts?.shape) {
      this.exactShapes = false;
      return undefined;
    }
    return facts.shape.length;
  }

  /** Dimension `axis` (negative counts from the end); 1 and inexact when not a known number. */
  dim(facts: TensorFacts | undefined, axis: number): number {
    const shape = facts?.shape;
    const d = shape ? shape[axis < 0 ? shape.length + axis : axis] : undefined;
    if (facts?.inexact) this.exactShapes = false;
    if (typeof d === 'number') return d;
    this.exactShapes = false;
    return 1;
  }

  /** All dimensions, with unknown ones read as 1; `[]` for an unknown rank. */
  dims(facts: TensorFacts | undefined): number[] {
    const shape: Shape | null = facts?.shape ?? null;
    if (facts?.inexact) this.exactShapes = false;
    if (shape === null) {
      this.exactShapes = false;
      return [];
    }
    return shape.map((_, axis) => this.dim(facts, axis));
  }

  /** Element count (see `countElements` for how unknowns count). */
  elements(facts: TensorFacts | undefined): number {
    const { count, exact } = countElements(facts?.shape ?? null);
    if (!exact || facts?.inexact) this.exactShapes = false;
    return count;
  }

  attrInt(name: string, fallback: number): number {
    return attributeInt(this.node.attributes.get(name)) ?? fallback;
  }

  attrInts(name: string): readonly number[] | undefined {
    return attributeInts(this.node.attributes.get(name))?.map(Number);
  }

  attrFloat(name: string, fallback: number): number {
    return attributeFloat(this.node.attributes.get(name)) ?? fallback;
  }

  attrString(name: string, fallback: string): string {
    return attributeString(this.node.attributes.get(name)) ?? fallback;
  }
}

/** Computes the MACs and FLOPs of one node. */
export type ComputeRule = (ctx: CostContext) => ComputeCost;

export const product = (xs: readonly number[]): number => xs.reduce((n, x) => n * x, 1);
