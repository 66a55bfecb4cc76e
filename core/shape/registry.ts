import { computeRules } from './ops/compute.js';
import { layoutRules } from './ops/layout.js';
import type { ShapeRules } from './types.js';

/** Every operator Cutline can infer shapes for (ai.onnx domain). */
export const shapeRules: ShapeRules = { ...computeRules, ...layoutRules };

/** Names of the operators with a shape rule. */
export function supportedOperators(): string[] {
  return Object.keys(shapeRules).sort();
}
