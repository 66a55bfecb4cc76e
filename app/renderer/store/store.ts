/** The renderer's one Zustand store (slices pattern: each slice typed against the whole). */
import { create } from 'zustand';
import { createSweepSlice } from '../charts/sweep-slice.js';
import { createDockSlice } from '../dock/dock-slice.js';
import { createDesignSlice } from './design-slice.js';
import { createLayoutSlice } from './layout-slice.js';
import { createModelSlice } from './model-slice.js';
import { createOverlaySlice } from './overlay-slice.js';
import { createProjectSlice } from './project-slice.js';
import { createPreviewSlice } from '../suggest/preview-slice.js';
import { createSuggestSlice } from '../suggest/suggest-slice.js';
import type { Store } from './store-types.js';
import { createViewSlice } from './view-slice.js';
import { createRunSlice } from '../run/run-slice.js';

export type { Store };

export const useStudio = create<Store>()((...args) => ({
  ...createModelSlice(...args),
  ...createViewSlice(...args),
  ...createDesignSlice(...args),
  ...createOverlaySlice(...args),
  ...createLayoutSlice(...args),
  ...createProjectSlice(...args),
  ...createDockSlice(...args),
  ...createSweepSlice(...args),
  ...createRunSlice(...args),
  ...createPreviewSlice(...args),
  ...createSuggestSlice(...args),
}));
