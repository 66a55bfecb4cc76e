import { computeRules } from './ops/compute.js';
import { layoutRules } from './ops/layout.js';
import { PREVIEW_TRAINING_DOMAIN, previewTrainingRules } from './ops/training.js';
import type { ShapeRule, ShapeRules } from './types.js';

/** Every operator Cutline can infer shapes for in the default ai.onnx domain. */
export const shapeRules: ShapeRules = { ...computeRules, ...layoutRules };

const rulesByDomain: ReadonlyMap<string, ShapeRules> = new Map([
  ['', shapeRules],
  [PREVIEW_TRAINING_DOMAIN, previewTrainingRules],
]);

/** The rule for an operator of a domain ('' for ai.onnx), if Cutline has one. */
export function shapeRuleFor(domain: string, opType: string): ShapeRule | undefined {
  const rules = rulesByDomain.get(domain);
  return rules && Object.hasOwn(rules, opType) ? rules[opType] : undefined;
}

/** Names of the operators with a shape rule, in every domain. */
export function supportedOperators(): string[] {
  return [...rulesByDomain.values()].flatMap((rules) => Object.keys(rules)).sort();
}
