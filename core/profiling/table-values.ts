/**
 * Input values (`--input-value sr=16000`) as part of a kept timing's key: a model fed sr = 16000
 * runs another branch than one fed random data, so its timings hold only for the same values.
 * The key keeps them as a record by input name (`{ sr: [16000] }`), absent when every input was
 * random, which is how tables from before values were kept read: such an entry still answers a
 * run without values, and never one with values.
 */
import { z } from 'zod';
import { MAX_INPUT_VALUE_ELEMENTS, type InputValueText } from '../shape/input-values.js';

export type ValuesKey = Readonly<Record<string, readonly number[]>>;

const NAME_LIMIT = 4096;
/** An input value, as the measurement and kernel tables keep it (inputs a model can have). */
export const valuesKeySchema = z
  .record(z.string().max(NAME_LIMIT), z.array(z.number().finite()).max(MAX_INPUT_VALUE_ELEMENTS))
  .refine((record) => Object.keys(record).length <= 64, 'at most 64 input values');

/** The key of values fed to a run; undefined when none was (random data everywhere). */
export function valuesKeyOf(values: readonly InputValueText[] | undefined): ValuesKey | undefined {
  if (!values || values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return Object.fromEntries(sorted.map((v) => [v.name, [...v.data]]));
}

/** The values a key holds, as a run takes them. */
export function valuesOfKey(key: ValuesKey | undefined): InputValueText[] {
  return Object.entries(key ?? {}).map(([name, data]) => ({ name, data }));
}

/** Whether two keys' values are the same: absent and empty alike mean random data. */
export function sameValues(a: ValuesKey | undefined, b: ValuesKey | undefined): boolean {
  const x = a ?? {};
  const y = b ?? {};
  const names = Object.keys(x);
  if (names.length !== Object.keys(y).length) return false;
  return names.every((name) => {
    const p = x[name];
    const q = y[name];
    return p !== undefined && q !== undefined && p.length === q.length && p.every((v, i) => v === q[i]);
  });
}
