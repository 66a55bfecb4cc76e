import type { SweepSlice } from '../charts/sweep-slice.js';
import type { DockSlice } from '../dock/dock-slice.js';
import type { DesignSlice } from './design-types.js';
import type { LayoutSlice } from './layout-slice.js';
import type { ModelSlice } from './model-slice.js';
import type { OverlaySlice } from './overlay-slice.js';
import type { ProjectSlice } from './project-slice.js';
import type { PreviewSlice } from '../suggest/preview-slice.js';
import type { SuggestSlice } from '../suggest/suggest-slice.js';
import type { ViewSlice } from './view-slice.js';
import type { RunSlice } from '../run/run-slice.js';

/** The renderer's one store, combined from its slices. */
export type Store = ModelSlice &
  ViewSlice &
  DesignSlice &
  OverlaySlice &
  LayoutSlice &
  ProjectSlice &
  DockSlice &
  SweepSlice &
  RunSlice &
  PreviewSlice &
  SuggestSlice;
