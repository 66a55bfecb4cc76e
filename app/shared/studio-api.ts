/**
 * The one contract between the studio's renderer and its host. The Electron preload implements
 * it over IPC (`const api: StudioApi = {...}`), the local web host over HTTP + server-sent
 * events; the renderer only ever talks to a `StudioApi`. Channel names and the request
 * validators live here too, so both hosts check payloads the same way.
 */
import type { ModelView, Tier } from '../../core/view/types.js';

export type { ModelView, Tier };

export type HostKind = 'electron' | 'web';

export interface HostInfo {
  readonly kind: HostKind;
  readonly version: string;
  readonly platform: string;
  /** Whether the host can show native open/save dialogs (Electron) or only in-page pickers (web). */
  readonly nativeDialogs: boolean;
}

export interface StudioError {
  /** A CutlineError code (NOT_ONNX, TRUNCATED, …) or a host code (CANCELLED, NOT_ALLOWED, BAD_REQUEST, INTERNAL). */
  readonly code: string;
  readonly message: string;
}

export interface OpenedModel {
  /** Unique per open: progress events and cancellation refer to it. */
  readonly jobId: string;
  /** The file name shown in the title bar. */
  readonly fileName: string;
  /** Host-side path when opened from a file (dialog, command line, recent list); null for bytes. */
  readonly path: string | null;
  /** SHA-256 of the file's bytes (hex): a saved project names the model it belongs to by it. */
  readonly sha256: string;
  readonly view: ModelView;
}

export type OpenResult =
  { readonly ok: true; readonly model: OpenedModel } | { readonly ok: false; readonly error: StudioError };

export interface SampleInfo {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly fileBytes: number;
}

export interface RecentFile {
  readonly path: string;
  readonly fileName: string;
  /** ISO 8601. */
  readonly openedAt: string;
}

/** A saved design: the model it belongs to, and where each layer runs. */
export interface ProjectFile {
  readonly format: 'cutline-project';
  readonly version: 1;
  readonly model: { readonly fileName: string; readonly path: string | null; readonly sha256: string };
  /** Layer id → tier; layers not listed run on the device. */
  readonly placement: Readonly<Record<string, Tier>>;
}

export type SaveResult =
  { readonly ok: true; readonly path: string } | { readonly ok: false; readonly error: StudioError };

export interface ProgressEvent {
  readonly jobId: string;
  readonly stage: 'read' | 'decode' | 'graph' | 'shapes' | 'costs' | 'layers' | 'view' | 'done';
  /** 0 … 1 over the whole job. */
  readonly fraction: number;
  readonly message: string;
}

/** Commands the host sends the renderer: menu items and shortcuts handled by the host. */
export type HostCommand =
  | { readonly type: 'open-dialog' | 'save' | 'save-as' | 'close' | 'fit-view' | 'zoom-in' | 'zoom-out' }
  | { readonly type: 'theme'; readonly theme: 'light' | 'dark' | 'system' }
  | { readonly type: 'opened'; readonly result: OpenResult };

export type Unsubscribe = () => void;

export interface StudioApi {
  hostInfo(): Promise<HostInfo>;
  /** The model given on the command line, or the bundled sample when none was; null if neither. */
  initialModel(): Promise<OpenResult | null>;
  /** Shows the host's open dialog (Electron); `{ok:false, code:'CANCELLED'}` when dismissed. */
  openWithDialog(): Promise<OpenResult>;
  /** Re-opens a file the user chose before (recent list, command line): other paths are refused. */
  openRecent(path: string): Promise<OpenResult>;
  /** Opens bytes the user picked or dropped in the page. External data cannot be resolved for these. */
  openBytes(fileName: string, bytes: Uint8Array): Promise<OpenResult>;
  listSamples(): Promise<readonly SampleInfo[]>;
  openSample(id: string): Promise<OpenResult>;
  listRecent(): Promise<readonly RecentFile[]>;
  /** Saves a project; `saveAs` or an unsaved project asks where (dialog or download). */
  saveProject(project: ProjectFile, options: { readonly saveAs: boolean }): Promise<SaveResult>;
  /** Stops a running open; its result arrives as `{ok:false, code:'CANCELLED'}`. */
  cancel(jobId: string): Promise<void>;
  onProgress(listener: (event: ProgressEvent) => void): Unsubscribe;
  onCommand(listener: (command: HostCommand) => void): Unsubscribe;
}

/** Methods a renderer calls as requests (everything but the two subscriptions). */
export type StudioMethod = Exclude<keyof StudioApi, 'onProgress' | 'onCommand'>;

/** IPC channel (Electron) and URL path segment (web host) of each method. */
export const CHANNELS: Readonly<Record<StudioMethod, string>> = {
  hostInfo: 'cutline:host-info',
  initialModel: 'cutline:initial-model',
  openWithDialog: 'cutline:open-with-dialog',
  openRecent: 'cutline:open-recent',
  openBytes: 'cutline:open-bytes',
  listSamples: 'cutline:list-samples',
  openSample: 'cutline:open-sample',
  listRecent: 'cutline:list-recent',
  saveProject: 'cutline:save-project',
  cancel: 'cutline:cancel',
};

export const EVENT_CHANNELS = { progress: 'cutline:progress', command: 'cutline:command' } as const;

/** Largest model a renderer may send as bytes (the web host's request limit). */
export const MAX_MODEL_UPLOAD_BYTES = 2 * 1024 ** 3 - 1;
