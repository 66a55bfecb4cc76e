/**
 * The application menu as data: `studioMenuTemplate(state, actions)` is pure so its items and
 * shortcuts are tested without Electron; main.ts rebuilds it whenever the recent list changes.
 * Items the renderer acts on (open dialog, save, viewport, theme) become HostCommands; items
 * that name a file (recent, samples) are opened by main and their result announced.
 */
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import type { HostCommand, RecentFile, SampleInfo } from '../shared/studio-api.js';

export type ThemeChoice = Extract<HostCommand, { type: 'theme' }>['theme'];

export interface MenuState {
  readonly platform: NodeJS.Platform;
  readonly recent: readonly RecentFile[];
  readonly samples: readonly SampleInfo[];
  readonly theme: ThemeChoice;
  /** Offer the developer tools (unpackaged runs only). */
  readonly developerTools: boolean;
}

export interface MenuActions {
  /** Sends a command to the studio window's page. */
  command(command: HostCommand): void;
  openRecent(filePath: string): void;
  openRecentProject(filePath: string): void;
  openSample(id: string): void;
  setTheme(theme: ThemeChoice): void;
}

/** Menu item ids (`Menu.getMenuItemById`) of the per-file items: `sample:<id>`, `recent:<path>`. */
export const sampleItemId = (id: string): string => `sample:${id}`;

/** How many recent models the menu lists. */
export const RECENT_MENU_LENGTH = 10;

const THEMES: readonly { readonly theme: ThemeChoice; readonly label: string }[] = [
  { theme: 'system', label: 'Match System' },
  { theme: 'light', label: 'Light' },
  { theme: 'dark', label: 'Dark' },
];

export function studioMenuTemplate(state: MenuState, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = state.platform === 'darwin';
  const send = (command: HostCommand) => () => actions.command(command);
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: send({ type: 'open-dialog' }) },
      {
        label: 'Open Project…',
        accelerator: 'Shift+CmdOrCtrl+O',
        click: send({ type: 'open-project' }),
      },
      { label: 'Open Topology…', click: send({ type: 'open-topology' }) },
      { label: 'Open Recent', submenu: recentItems(state.recent, actions) },
      { label: 'Open Sample', submenu: sampleItems(state.samples, actions) },
      { type: 'separator' },
      { label: 'Save Project', accelerator: 'CmdOrCtrl+S', click: send({ type: 'save' }) },
      { label: 'Save Project As…', accelerator: 'Shift+CmdOrCtrl+S', click: send({ type: 'save-as' }) },
      { type: 'separator' },
      { label: 'Export Bundle…', accelerator: 'CmdOrCtrl+E', click: send({ type: 'export' }) },
      { type: 'separator' },
      { label: 'Close Model', accelerator: 'CmdOrCtrl+W', click: send({ type: 'close' }) },
      // macOS keeps Quit in the app menu.
      ...(mac ? [] : [{ type: 'separator' } as const, { role: 'quit', accelerator: 'CmdOrCtrl+Q' } as const]),
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      { label: 'Fit to Window', accelerator: 'CmdOrCtrl+0', click: send({ type: 'fit-view' }) },
      { label: 'Zoom In', accelerator: 'CmdOrCtrl+=', click: send({ type: 'zoom-in' }) },
      { label: 'Zoom Out', accelerator: 'CmdOrCtrl+-', click: send({ type: 'zoom-out' }) },
      { type: 'separator' },
      {
        label: 'Theme',
        submenu: THEMES.map(({ theme, label }) => ({
          label,
          type: 'radio' as const,
          checked: state.theme === theme,
          click: () => actions.setTheme(theme),
        })),
      },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...(state.developerTools ? [{ role: 'toggleDevTools' } as const] : []),
    ],
  };
  // Undo and Redo act on the design (the page's history; with a text field focused the page
  // passes them to the field); the text roles stay for the search box (on macOS copy and paste
  // have no other route), except Select All: Ctrl+A selects the graph's layers in the page. Ctrl+Y is a second Redo item, hidden, since an item has one accelerator.
  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      { label: 'Undo', accelerator: 'CmdOrCtrl+Z', click: send({ type: 'undo' }) },
      { label: 'Redo', accelerator: 'Shift+CmdOrCtrl+Z', click: send({ type: 'redo' }) },
      {
        label: 'Redo',
        accelerator: 'CmdOrCtrl+Y',
        visible: false,
        acceleratorWorksWhenHidden: true,
        click: send({ type: 'redo' }),
      },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
    ],
  };
  const help: MenuItemConstructorOptions = {
    role: 'help',
    // `?` is typed in text fields too: the page handles the key itself (it knows what has focus),
    // so the menu only shows it.
    submenu: [
      {
        label: 'Keyboard Shortcuts',
        accelerator: '?',
        registerAccelerator: false,
        click: send({ type: 'shortcuts' }),
      },
    ],
  };
  return [...(mac ? [{ role: 'appMenu' } as const] : []), file, edit, view, { role: 'windowMenu' }, help];
}

function recentItems(recent: readonly RecentFile[], actions: MenuActions): MenuItemConstructorOptions[] {
  const shown = recent.slice(0, RECENT_MENU_LENGTH);
  if (shown.length === 0) return [{ label: 'No Recent Files', enabled: false }];
  return shown.map((entry) => {
    // Two models called model.onnx are told apart by their folders.
    const ambiguous = shown.some((other) => other !== entry && other.fileName === entry.fileName);
    const name = ambiguous ? `${entry.fileName} — ${path.dirname(entry.path)}` : entry.fileName;
    return {
      id: `recent:${entry.path}`,
      label: entry.kind === 'project' ? `${name} (project)` : name,
      toolTip: entry.path,
      click: () =>
        entry.kind === 'project' ? actions.openRecentProject(entry.path) : actions.openRecent(entry.path),
    };
  });
}

function sampleItems(samples: readonly SampleInfo[], actions: MenuActions): MenuItemConstructorOptions[] {
  if (samples.length === 0) return [{ label: 'No Samples Installed', enabled: false }];
  return samples.map((sample) => ({
    id: sampleItemId(sample.id),
    label: sample.title,
    toolTip: sample.description,
    click: () => actions.openSample(sample.id),
  }));
}
