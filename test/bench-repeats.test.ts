/**
 * The prediction bench's repeats (bench/holdout/repeats.ts): how many, and the medians of |error|
 * over them that the goal is judged on, with their range.
 */
import { describe, expect, it } from 'vitest';
import { medianSummary, overRepeats, predictionRepeats, rangeText } from '../bench/holdout/repeats.js';
import { meetsGoal } from '../core/profiling/segment-eval.js';

describe('prediction bench repeats', () => {
  it('reads CUTLINE_PREDICTION_REPEATS, 3 by default, and refuses what is not 1–10', () => {
    expect(predictionRepeats({})).toBe(3);
    expect(predictionRepeats({ CUTLINE_PREDICTION_REPEATS: '5' })).toBe(5);
    for (const bad of ['0', '11', '2.5', 'three'])
      expect(() => predictionRepeats({ CUTLINE_PREDICTION_REPEATS: bad })).toThrow(/1 to 10/);
  });

  it('judges the goal on the median of the repeats, and keeps each and the range', () => {
    const repeat = (device: number, endToEnd: number) => ({
      perTier: [device, 4, 3],
      allTiers: 4,
      endToEnd,
      whole: 6,
    });
    // One repeat misses (device 12.5%); the median of three does not.
    const over = overRepeats([repeat(4.1, 3), repeat(12.5, 9), repeat(6.2, 4)]);
    expect(over.perTier[0]!.each).toEqual([4.1, 12.5, 6.2]);
    expect(rangeText(over.perTier[0]!)).toBe('4.1–12.5');
    const summary = medianSummary(over);
    expect(summary.perTier).toEqual([6.2, 4, 3]);
    expect(summary.endToEnd).toBe(4);
    expect(meetsGoal(summary, 10)).toBe(true);
    expect(meetsGoal(repeat(12.5, 9), 10)).toBe(false);
  });
});
