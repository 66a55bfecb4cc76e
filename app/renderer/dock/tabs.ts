/** The dock's tabs in order: label, tooltip and the component drawing each (one file per tab). */
import { lazy, type ComponentType } from 'react';
import type { DockTab } from './dock-slice.js';

// Each tab is loaded when first opened: the charts' library (recharts) and the tools' code stay
// out of the bundle the graph needs to show up.
const CutPointsTab = lazy(() => import('./tabs/CutPointsTab.js').then((m) => ({ default: m.CutPointsTab })));
const ExportTab = lazy(() => import('./tabs/ExportTab.js').then((m) => ({ default: m.ExportTab })));
const HarnessTab = lazy(() => import('./tabs/HarnessTab.js').then((m) => ({ default: m.HarnessTab })));
const MachineTab = lazy(() => import('./tabs/MachineTab.js').then((m) => ({ default: m.MachineTab })));
const ParetoTab = lazy(() => import('./tabs/ParetoTab.js').then((m) => ({ default: m.ParetoTab })));
const SuggestionsTab = lazy(() =>
  import('./tabs/SuggestionsTab.js').then((m) => ({ default: m.SuggestionsTab })),
);
const SweepTab = lazy(() => import('./tabs/SweepTab.js').then((m) => ({ default: m.SweepTab })));

export interface DockTabInfo {
  readonly id: DockTab;
  readonly label: string;
  readonly title: string;
  readonly Component: ComponentType;
}

export const DOCK_TAB_INFO: readonly DockTabInfo[] = [
  {
    id: 'suggest',
    label: 'Suggestions',
    title: 'Ask the solvers for the best placements under an objective and constraints',
    Component: SuggestionsTab,
  },
  {
    id: 'cuts',
    label: 'Cut points',
    title: 'Every single cut (device before, one server tier after), ranked',
    Component: CutPointsTab,
  },
  {
    id: 'pareto',
    label: 'Pareto',
    title: 'Latency against device energy over every placement',
    Component: ParetoTab,
  },
  {
    id: 'sweep',
    label: 'Bandwidth',
    title: "Latency against a link's bandwidth: device only, server only, best split, this design",
    Component: SweepTab,
  },
  { id: 'export', label: 'Export', title: 'Write the design as a deployment bundle', Component: ExportTab },
  {
    id: 'harness',
    label: 'Run',
    title: 'Run the exported bundle on this machine: measured next to predicted',
    Component: HarnessTab,
  },
  {
    id: 'machine',
    label: 'This machine',
    title: "Calibrate this machine's profile and use it as a tier's device",
    Component: MachineTab,
  },
];
