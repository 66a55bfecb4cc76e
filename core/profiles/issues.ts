/**
 * Validation problems in plain words: the field's path as a user would write it
 * (`tiers[1].device`) and what is wrong with it ("must be a number > 0, got -3").
 */
import type { z } from 'zod';

export interface FieldProblem {
  /** `peakGflops.fp32`, `tiers[1].device`; '' for the whole file. */
  readonly field: string;
  readonly problem: string;
}

export function fieldPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text ? `.${String(key)}` : String(key);
  }
  return text;
}

/** One zod issue (parsed with `reportInput: true`) as field problems; unknown keys give one each. */
export function describeIssue(issue: z.core.$ZodIssue): FieldProblem[] {
  const field = fieldPath(issue.path);
  const input: unknown = issue.input;
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        field: fieldPath([...issue.path, key]),
        problem: 'is not a known field (check its spelling against the JSON Schema)',
      }));
    case 'invalid_type':
      return [
        {
          field,
          problem:
            input === undefined
              ? `is required (${typeName(issue.expected)})`
              : `must be ${typeName(issue.expected)}, got ${describeValue(input)}`,
        },
      ];
    case 'too_small':
      return [
        {
          field,
          problem: boundProblem('at least', '>', issue.minimum, issue.inclusive, issue.origin, input),
        },
      ];
    case 'too_big':
      return [
        { field, problem: boundProblem('at most', '<', issue.maximum, issue.inclusive, issue.origin, input) },
      ];
    case 'invalid_value':
      return [
        {
          field,
          problem: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(input)}`,
        },
      ];
    case 'invalid_format':
      return [{ field, problem: `${issue.message}, got ${describeValue(input)}` }];
    default:
      return [{ field, problem: issue.message }];
  }
}

function boundProblem(
  words: string,
  sign: '<' | '>',
  bound: number | bigint,
  inclusive: boolean | undefined,
  origin: string,
  input: unknown,
): string {
  if (origin === 'array' || origin === 'set') {
    const count = Array.isArray(input) ? input.length : 0;
    return `must have ${words} ${bound} ${bound === 1 ? 'entry' : 'entries'}, got ${count}`;
  }
  if (origin === 'string') {
    return Number(bound) === 1 && sign === '>'
      ? 'must not be empty'
      : `must have ${words} ${bound} characters`;
  }
  return `must be a number ${sign}${inclusive ? '=' : ''} ${bound}, got ${describeValue(input)}`;
}

function typeName(expected: string): string {
  switch (expected) {
    case 'int':
      return 'an integer';
    case 'object':
    case 'record':
      return 'an object';
    case 'array':
      return 'a list';
    default:
      return `a ${expected}`;
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}
