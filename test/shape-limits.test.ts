/**
 * Bounded shape rules (issue 13): a dimension or count of 2³¹−1 in Reshape, Unsqueeze,
 * ConstantOfShape, Tile, Expand or Split is a SHAPE_LIMIT error naming the node, at once, where
 * it used to hang or run out of memory; huge values that build nothing still analyse.
 */
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../core/analyze.js';
import { CutlineError } from '../core/errors.js';
import {
  HOSTILE_SHAPE_MODELS,
  HUGE,
  HUGE_BUT_CHEAP_MODELS,
  hostileConstantOfShape,
} from './support/hostile-shape-models.js';

function analysisError(bytes: Uint8Array): unknown {
  try {
    analyzeBytes(bytes);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('shape rules under hostile dims and counts', () => {
  for (const { op, bytes } of HOSTILE_SHAPE_MODELS) {
    it(`${op} with a count of 2³¹−1 is a SHAPE_LIMIT error naming the node`, () => {
      const error = analysisError(bytes);
      expect(error).toBeInstanceOf(CutlineError);
      const { code, message } = error as CutlineError;
      expect(code).toBe('SHAPE_LIMIT');
      expect(message).toContain(`Node "/x/${op}" (${op})`);
      expect(message).toContain(String(HUGE));
      expect(message).toMatch(/more than Cutline analyses \(limit \d+\)/);
      expect(message).not.toContain('\n');
    });
  }

  it('names a hostile node name escaped and cut, on one line', () => {
    const name = `\u001b[2J\nevil${'a'.repeat(100_000)}`;
    const error = analysisError(hostileConstantOfShape(name)) as CutlineError;
    expect(error.code).toBe('SHAPE_LIMIT');
    expect(error.message).toContain('Node "\\x1b[2J\\x0aevil');
    expect([...error.message].some((c) => c.charCodeAt(0) < 0x20)).toBe(false);
    expect(error.message.length).toBeLessThan(400);
  });

  for (const { op, bytes } of HUGE_BUT_CHEAP_MODELS) {
    it(`${op} producing a tensor of 2³¹−1 elements per axis still analyses`, () => {
      const { inference } = analyzeBytes(bytes);
      expect(inference.status[0]).toEqual({ kind: 'ok' });
      expect(inference.values.get('y')?.shape).toContain(HUGE);
    });
  }
});
