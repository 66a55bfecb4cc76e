/**
 * A table cell holding a predicted figure of a plan that runs data-dependent layers: `≥` before a
 * time or energy, `≤` before a rate, with the tooltip the figures bar and Export tab give it
 * (graph/data-dependent.ts). A plan without such layers shows the figure as it is.
 */
import type { ReactNode } from 'react';
import { dataDependentBoundText, dataDependentBoundTitle } from '../graph/data-dependent.js';

export function boundedCell(text: string, layers: number, bound: 'lower' | 'upper' = 'lower'): ReactNode {
  if (layers === 0) return text;
  return (
    <span className="bounded-figure" title={dataDependentBoundTitle(layers, bound)}>
      {dataDependentBoundText(text, layers, bound)}
    </span>
  );
}
