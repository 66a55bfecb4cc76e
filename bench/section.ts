/**
 * The shape every benchmark section has, so later sections (solver times, split overhead) plug
 * into `main.ts` beside the load benchmark: a section measures, then returns rows of formatted
 * cells for the table, raw figures for results.json, and the targets it checked.
 */
import type { CachedModel } from './model-cache.js';

/** A target of the form `value ≤ limit`. */
export interface TargetCheck {
  readonly label: string;
  readonly value: number;
  readonly limit: number;
}

export function passes(check: TargetCheck): boolean {
  return check.value <= check.limit;
}

export interface Column {
  readonly key: string;
  readonly title: string;
  /** Text columns are left-aligned, figures right-aligned. */
  readonly align?: 'left' | 'right';
}

export interface SectionRow {
  /** Formatted cells by column key; a missing key prints as '-'. */
  readonly cells: Readonly<Record<string, string>>;
  /** Unformatted figures, written to results.json. */
  readonly figures: Readonly<Record<string, unknown>>;
  readonly checks: readonly TargetCheck[];
  /** Measurements that failed for this row (the row is still reported). */
  readonly errors: readonly string[];
}

export interface SectionReport {
  readonly columns: readonly Column[];
  readonly rows: readonly SectionRow[];
  /** Lines printed under the table: what the figures mean. */
  readonly notes: readonly string[];
}

export interface BenchContext {
  readonly models: readonly CachedModel[];
  /** Repetitions of each timed measurement. */
  readonly runs: number;
  /** Progress output, so a long run is visibly alive. */
  readonly log: (line: string) => void;
}

export interface BenchSection {
  readonly name: string;
  readonly title: string;
  run(context: BenchContext): Promise<SectionReport>;
}
