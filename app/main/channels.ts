/**
 * IPC channels private to the Electron preload and main, beside the StudioApi's CHANNELS. The
 * page never sees these: the preload uses them itself and exposes only `window.cutline`.
 */
export const PRIVATE_CHANNELS = {
  /**
   * A file the user dropped on the window, by its path on disk (from `webUtils.getPathForFile`,
   * which only real dropped files have). Main opens it like a file chosen in the open dialog,
   * so external data beside it resolves, and announces the result with an `opened` command.
   */
  openDroppedFile: 'cutline:open-dropped-file',
} as const;
