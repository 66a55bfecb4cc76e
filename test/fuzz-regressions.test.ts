/**
 * The fuzz regression corpus (issue 13): every hostile model the fuzzers or the issue ever found
 * failing is a file in test/fixtures/fuzz-regressions/, and cases.json says what it must do now.
 * Every file in the folder is analysed from disk (as `cutline analyze` opens it) and must end as
 * its case says, with a one-line, safe message; a file without a case, or a case without a file,
 * fails, so a file added later is checked without editing this test.
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { analyzeFile } from '../core/analyze.js';
import { isCutlineError } from '../core/errors.js';
import { readRegressionIndex, REGRESSION_DIR, regressionFiles } from './support/fuzz-regressions.js';
import { unsafeMessage } from './support/safe-message.js';

const index = readRegressionIndex();
const files = regressionFiles();

describe('fuzz regression corpus', () => {
  it('has a case for every file and a file for every case', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(Object.keys(index).sort()).toEqual(files);
  });

  it('a model nested past protobuf depth limit says so instead of "not a valid ModelProto"', () => {
    let message = '';
    try {
      analyzeFile(path.join(REGRESSION_DIR, 'nested-if-1000-deep.onnx'));
    } catch (error) {
      if (isCutlineError(error)) message = error.message;
    }
    expect(message).toContain('more than 100 deep');
  });

  for (const file of files) {
    const expected = index[file]?.expect ?? '(no case in cases.json)';
    it(`${file}: ${expected}`, () => {
      let outcome = 'ok';
      let message = '';
      try {
        analyzeFile(path.join(REGRESSION_DIR, file));
      } catch (error) {
        if (!isCutlineError(error)) throw error;
        outcome = error.code;
        message = error.message;
      }
      expect(outcome).toBe(expected);
      expect(unsafeMessage(message)).toBeUndefined();
    });
  }
});
