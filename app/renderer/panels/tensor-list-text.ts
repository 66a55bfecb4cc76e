/**
 * A model's inputs or outputs as one line of text for the header. An LLM exported with its KV
 * cache has two inputs and two outputs per layer (hundreds to thousands), so the line and its
 * tooltip name the first few and count the rest instead of growing with the model.
 */
import type { Shape } from '../../../core/graph/types.js';
import { formatShape } from '../util/format.js';

export interface TensorText {
  readonly name: string;
  readonly dtype: string;
  readonly shape: Shape | null;
}

/** The first `max` tensors as `name dtype[shape]`, then "… and N more"; "none" for none. */
export function tensorListText(list: readonly TensorText[], max: number): string {
  if (list.length === 0) return 'none';
  const shown = list.slice(0, max).map((t) => `${t.name} ${t.dtype}${formatShape(t.shape)}`);
  const rest = list.length - shown.length;
  return rest > 0 ? `${shown.join(', ')}, … and ${rest} more` : shown.join(', ');
}
