/**
 * A tensor shape as an OIP error message shows it. A request may declare a shape of any length,
 * so only the first dimensions are written: a message stays one short line whatever was sent.
 */

/** How many dimensions of a shape a message shows. */
export const SHAPE_DIMS_SHOWN = 8;

/** `[1, 3, 224, 224]`, or `[1, 1, 1, 1, 1, 1, 1, 1, …] (100000 dimensions)` past the limit. */
export function shapeText(shape: readonly number[]): string {
  if (shape.length <= SHAPE_DIMS_SHOWN) return `[${shape.join(', ')}]`;
  return `[${shape.slice(0, SHAPE_DIMS_SHOWN).join(', ')}, …] (${shape.length} dimensions)`;
}
