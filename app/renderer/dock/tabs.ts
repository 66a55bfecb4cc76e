/** The dock's tabs in order: label, tooltip and the component drawing each (one file per tab). */
import type { ComponentType } from 'react';
import type { DockTab } from './dock-slice.js';
import { CutPointsTab } from './tabs/CutPointsTab.js';
import { ExportTab } from './tabs/ExportTab.js';
import { HarnessTab } from './tabs/HarnessTab.js';
import { MachineTab } from './tabs/MachineTab.js';
import { ParetoTab } from './tabs/ParetoTab.js';
import { SuggestionsTab } from './tabs/SuggestionsTab.js';
import { SweepTab } from './tabs/SweepTab.js';

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
