/** Selectors several parts of the renderer share. */
import type { LaidOutGraph } from '../layout/layout-types.js';
import type { CurrentLayout } from './layout-slice.js';
import type { Store } from './store-types.js';

/** The layout of the open model; null while its first layout runs (a previous model's never shows). */
export const selectCurrentLayout = (s: Store): CurrentLayout | null =>
  s.layout !== null && s.opened !== null && s.layout.inputs.modelKey === s.opened.jobId ? s.layout : null;

export const selectCurrentGraph = (s: Store): LaidOutGraph | null => selectCurrentLayout(s)?.graph ?? null;
