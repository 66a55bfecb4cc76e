/**
 * Main's side of the StudioApi over IPC: one `ipcMain.handle` per CHANNELS entry, each refusing
 * any sender but the studio window's own page (security.ts) and validating the arguments before
 * the host sees them (ipc-methods.ts). Plus the preload's private drop channel.
 */
import type { IpcMain } from 'electron';
import { CHANNELS, type StudioMethod } from '../shared/studio-api.js';
import { hostPathSchema } from '../shared/studio-validate.js';
import { PRIVATE_CHANNELS } from './channels.js';
import { RefusedRequestError, runStudioMethod, type ElectronMethodContext } from './ipc-methods.js';
import { isTrustedSender } from './security.js';

/** The part of an IPC event the checks read; Electron's events have it. */
export interface IpcSender {
  readonly sender: object;
  readonly senderFrame: { readonly url: string; readonly parent: unknown } | null;
}

export interface StudioIpcOptions {
  readonly context: ElectronMethodContext;
  /** The studio window's web contents, or null once the window is gone. */
  readonly studioContents: () => object | null;
  /** Opens a dropped file as if chosen in the open dialog and announces the result. */
  readonly openDroppedFile: (filePath: string) => void;
}

export type InvokeHandler = (event: IpcSender, ...args: unknown[]) => Promise<unknown>;

/** The handler of every request channel, by channel name. */
export function studioInvokeHandlers({
  context,
  studioContents,
}: StudioIpcOptions): ReadonlyMap<string, InvokeHandler> {
  const handlers = new Map<string, InvokeHandler>();
  for (const method of Object.keys(CHANNELS) as StudioMethod[]) {
    handlers.set(CHANNELS[method], async (event, ...args) => {
      if (
        !isTrustedSender({ sender: event.sender, frame: event.senderFrame, studioContents: studioContents() })
      ) {
        throw new RefusedRequestError(`NOT_ALLOWED: ${method} may only be called by the studio's own page.`);
      }
      return runStudioMethod(method, args, context);
    });
  }
  return handlers;
}

/** Handles the preload's drop message; untrusted senders and malformed paths are ignored. */
export function droppedFileListener({
  studioContents,
  openDroppedFile,
}: StudioIpcOptions): (event: IpcSender, filePath: unknown) => void {
  return (event, filePath) => {
    if (
      !isTrustedSender({ sender: event.sender, frame: event.senderFrame, studioContents: studioContents() })
    )
      return;
    const checked = hostPathSchema.safeParse(filePath);
    if (checked.success) openDroppedFile(checked.data);
  };
}

/** Registers every handler on `ipcMain`; the returned function removes them again. */
export function registerStudioIpc(ipcMain: IpcMain, options: StudioIpcOptions): () => void {
  const handlers = studioInvokeHandlers(options);
  for (const [channel, handler] of handlers) ipcMain.handle(channel, handler);
  const onDrop = droppedFileListener(options);
  ipcMain.on(PRIVATE_CHANNELS.openDroppedFile, onDrop);
  return () => {
    for (const channel of handlers.keys()) ipcMain.removeHandler(channel);
    ipcMain.off(PRIVATE_CHANNELS.openDroppedFile, onDrop);
  };
}
