/**
 * The branch an If will not run, as the graph finds it: the Silero-VAD-like model
 * (test/support/branch-models.ts) analysed as the host does, with and without a value for sr.
 * A known condition marks the If's taken branch in the view; the other branch's layers, and the
 * block that holds them, are the ones the graph dims, with a sentence naming the value.
 */
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../core/analyze.js';
import { parseInputValue } from '../../core/shape/input-values.js';
import { buildModelView } from '../../core/view/build.js';
import { notRunNodes, notRunText } from '../../app/renderer/graph/not-run.js';
import { srBranchModel } from '../support/branch-models.js';

const viewOf = (values: string[]) =>
  buildModelView(analyzeBytes(srBranchModel(), { inputValues: values.map(parseInputValue) }));

describe('the branch an If will not run', () => {
  it('sr = 16000: the 8 kHz branch and its block are not run, the 16 kHz branch and the If run', () => {
    const view = viewOf(['sr=16000']);
    expect(view.layers.find((l) => l.id === 'by_rate')?.branchTaken).toBe('then_branch');
    const notRun = notRunNodes(view);
    expect([...notRun.keys()].sort()).toEqual([
      '/by_rate/else_branch',
      'by_rate/else_branch/mm8a',
      'by_rate/else_branch/mm8b',
    ]);
    expect(notRun.get('by_rate/else_branch/mm8a')).toEqual({ ifId: 'by_rate', taken: 'then_branch' });
    expect(notRunText(notRun.get('by_rate/else_branch/mm8b')!, { sr: '16000' })).toBe(
      'Not run for sr = 16000: by_rate runs its then_branch',
    );
    // The If's own block holds the branch that runs: it runs.
    expect(notRun.has('/by_rate')).toBe(false);
    expect(notRun.has('by_rate/then_branch/mm16')).toBe(false);
  });

  it('sr = 8000: the 16 kHz branch is the one not run', () => {
    const view = viewOf(['sr=8000']);
    expect(view.layers.find((l) => l.id === 'by_rate')?.branchTaken).toBe('else_branch');
    expect([...notRunNodes(view).keys()].sort()).toEqual([
      '/by_rate/then_branch',
      'by_rate/then_branch/mm16',
    ]);
  });

  it('no value: the branch depends on data, so both are drawn as running', () => {
    const view = viewOf([]);
    expect(view.layers.some((l) => l.branchTaken !== undefined)).toBe(false);
    expect(notRunNodes(view).size).toBe(0);
  });

  it('a condition fixed in the file says so when no value was typed', () => {
    expect(notRunText({ ifId: 'gate', taken: 'else_branch' }, undefined)).toBe(
      "Not run: gate's condition is fixed in the file, so it runs its else_branch",
    );
  });
});
