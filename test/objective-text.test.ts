/**
 * The objective's text form (`--objective`, a project's objective, the studio's solve job):
 * weights must be finite numbers, so `1e999` (read as Infinity) is refused with the usage rather
 * than making every placement cost Infinity.
 */
import { describe, expect, it } from 'vitest';
import { isCutlineError } from '../core/errors.js';
import { parseObjective } from '../core/partition/constraint-text.js';

function refusal(text: string): string {
  try {
    parseObjective(text);
  } catch (error) {
    if (isCutlineError(error)) return error.code;
    throw error;
  }
  return 'accepted';
}

describe('parseObjective', () => {
  it('reads the four forms', () => {
    expect(parseObjective('latency')).toEqual({ kind: 'latency' });
    expect(parseObjective('weighted:0.8,0.2')).toEqual({
      kind: 'weighted',
      latencyWeight: 0.8,
      energyWeight: 0.2,
    });
    expect(parseObjective('weighted:0,1e3')).toEqual({
      kind: 'weighted',
      latencyWeight: 0,
      energyWeight: 1000,
    });
  });

  it('refuses weights that are not finite, negative or both 0', () => {
    for (const text of [
      'weighted:1e999,1',
      'weighted:1,1e400',
      'weighted:1e999,1e999',
      'weighted:-1,2',
      'weighted:0,0',
      'weighted:1e,1',
    ]) {
      expect(refusal(text), text).toBe('BAD_CONSTRAINT');
    }
  });
});
