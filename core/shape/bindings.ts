import { CutlineError } from '../errors.js';
import { escapeControl, NAME_LIMIT, quoteName } from '../text/quote-name.js';
import type { Dim, Shape } from '../graph/types.js';

/**
 * Parses a user's input-shape binding `NAME=DIMS`, where DIMS are separated by `x` or `,` and
 * each is a size (`640`) or a symbol kept symbolic (`batch`): `images=1x3x640x640`.
 * The name may itself contain `=`-free characters such as `:` or `/`; the last `=` splits.
 */
export function parseInputBinding(text: string): { name: string; shape: Shape } {
  const at = text.lastIndexOf('=');
  const name = text.slice(0, at).trim();
  const dims = text.slice(at + 1).trim();
  if (at <= 0 || dims === '') {
    throw new CutlineError(
      'BAD_INPUT_BINDING',
      `${quoteName(text)} is not an input binding. Write NAME=DIMS, e.g. images=1x3x640x640.`,
    );
  }
  const shape =
    dims === 'scalar'
      ? []
      : dims.split(/[x,]/).map((part): Dim => {
          const d = part.trim();
          if (/^\d+$/.test(d)) return Number(d);
          if (/^[A-Za-z_][\w.]*$/.test(d)) return d;
          throw new CutlineError(
            'BAD_INPUT_BINDING',
            `${quoteName(text)}: dimension ${quoteName(part)} is neither a size nor a symbol. Write sizes as whole numbers, e.g. ${escapeControl(name, NAME_LIMIT)}=1x3x224x224.`,
          );
        });
  return { name, shape };
}
