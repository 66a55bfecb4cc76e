/**
 * The one contract between the studio's renderer and its host. The Electron preload implements
 * it over IPC (`const api: StudioApi = {...}`), the local web host over HTTP + server-sent
 * events; the renderer only ever talks to a `StudioApi`. Channel names and the request
 * validators live here too, so both hosts check payloads the same way.
 */
import type { HopCostJson, PartitionProblemJson } from '../../core/partition/problem-json.js';
import type { PartitionSource } from '../../core/partition/source-types.js';
import type { DeviceProfile, LinkProfile, TierName, Topology } from '../../core/profiles/types.js';
import { MAX_PROJECT_FILE_BYTES, type ProjectFile } from '../../core/project/types.js';
import type { ModelView, Tier } from '../../core/view/types.js';
import type { HarnessEvent, HarnessSummary } from '../../core/bundle/harness-types.js';
import type {
  Suggestion,
  SolveArgs,
  SolveResult,
  CutPointsArgs,
  CutPoint,
  CutPointsResult,
  SweepArgs,
  SweepPoint,
  SweepResult,
  ExportArgs,
  ExportResult,
  HarnessArgs,
  ProfileArgs,
  ProfileResult,
  FiguresArgs,
  FiguresResult,
} from './studio-jobs.js';
import type { OrtProfileTimes } from '../../core/profiling/ort-profile-times.js';

export type {
  Suggestion,
  SolveArgs,
  SolveResult,
  CutPointsArgs,
  CutPoint,
  CutPointsResult,
  SweepArgs,
  SweepPoint,
  SweepResult,
  ExportArgs,
  ExportResult,
  HarnessArgs,
  ProfileArgs,
  ProfileResult,
  FiguresArgs,
  FiguresResult,
  DeviceProfile,
  HarnessEvent,
  HarnessSummary,
  HopCostJson,
  LinkProfile,
  ModelView,
  PartitionProblemJson,
  PartitionSource,
  ProjectFile,
  Tier,
  TierName,
  Topology,
};

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
  /**
   * The host's session of this model: its analysis stays alive in a worker until the model is
   * closed (`closeSession`), and jobs (`startJob`) run against it.
   */
  readonly sessionId: string;
  /** The file name shown in the title bar. */
  readonly fileName: string;
  /** Host-side path when opened from a file (dialog, command line, recent list); null for bytes. */
  readonly path: string | null;
  /** SHA-256 of the file's bytes (hex): a saved project names the model it belongs to by it. */
  readonly sha256: string;
  readonly view: ModelView;
  /** The units and tensors the page builds the partition problem from (`problemFromSource`). */
  readonly partition: PartitionSource;
  /** Input bindings the analysis used (input name → `1x3x640x640`); empty when none. */
  readonly inputs: Readonly<Record<string, string>>;
  /** Input values the analysis folded (input name → `16000`); absent or empty when none. */
  readonly inputValues?: Readonly<Record<string, string>>;
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
  /** A model, or a project file (opened with `openRecentProject`). */
  readonly kind: 'model' | 'project';
  readonly path: string;
  readonly fileName: string;
  /** ISO 8601. */
  readonly openedAt: string;
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
  | {
      readonly type:
        | 'open-dialog'
        | 'open-project'
        | 'open-topology'
        | 'save'
        | 'save-as'
        | 'export'
        | 'close'
        | 'fit-view'
        | 'zoom-in'
        | 'zoom-out'
        | 'undo'
        | 'redo'
        | 'shortcuts';
    }
  | { readonly type: 'theme'; readonly theme: 'light' | 'dark' | 'system' }
  | { readonly type: 'opened'; readonly result: OpenResult }
  | { readonly type: 'project-opened'; readonly result: ProjectOpenResult };

// ---- Jobs: long work against an open model's session, with progress, log lines and a result ----

/** Each job kind's arguments and result (and, for some, what it streams while it runs). */
export interface JobKinds {
  /**
   * Re-analyse the session's model with input bindings (input name → `1x3x640x640`) and input
   * values (input name → `16000` or `1,2,3`, as `cutline analyze --input-value` takes them).
   */
  readonly analyse: {
    readonly args: {
      readonly inputs: Readonly<Record<string, string>>;
      readonly inputValues?: Readonly<Record<string, string>>;
    };
    readonly result: {
      readonly view: ModelView;
      readonly partition: PartitionSource;
      readonly inputs: Readonly<Record<string, string>>;
      readonly inputValues?: Readonly<Record<string, string>>;
    };
  };
  /** The partition problem of the session's current analysis on a topology, as JSON. */
  readonly problem: {
    readonly args: { readonly topology: Topology };
    readonly result: { readonly problem: PartitionProblemJson };
  };
  /** The solvers' suggestions (and the Pareto front), as `cutline solve [--pareto] --json`. */
  readonly solve: { readonly args: SolveArgs; readonly result: SolveResult };
  /** Every single cut point (device before, one server tier after), ranked. */
  readonly 'cut-points': { readonly args: CutPointsArgs; readonly result: CutPointsResult };
  /** Latency against one link's bandwidth, as `cutline sweep --json`, plus the current design. */
  readonly sweep: { readonly args: SweepArgs; readonly result: SweepResult };
  /** Writes the design as a deployment bundle (as `cutline export --project`) and verifies it. */
  readonly export: { readonly args: ExportArgs; readonly result: ExportResult };
  /** Runs the live harness on a bundle this host exported (as `cutline harness --json`). */
  readonly harness: {
    readonly args: HarnessArgs;
    readonly result: HarnessSummary;
    /** Each harness event as it happens (tiers started, every request answered). */
    readonly partial: HarnessEvent;
  };
  /** Calibrates this machine's device profile on the session's model (as `cutline profile`). */
  readonly profile: { readonly args: ProfileArgs; readonly result: ProfileResult };
  /** Writes the design's figures as Model Explorer node-data files (as `cutline figures --project`). */
  readonly figures: { readonly args: FiguresArgs; readonly result: FiguresResult };
}
export type JobKind = keyof JobKinds;

/** What a job streams while it runs, for the kinds that declare `partial`. */
export type JobPartial = {
  [K in JobKind]: JobKinds[K] extends { readonly partial: infer P }
    ? { readonly kind: K; readonly value: P }
    : never;
}[JobKind];

export type JobRequest = {
  [K in JobKind]: { readonly kind: K; readonly args: JobKinds[K]['args'] };
}[JobKind];
export type JobResult = {
  [K in JobKind]: { readonly kind: K; readonly value: JobKinds[K]['result'] };
}[JobKind];

export type JobStartResult =
  { readonly ok: true; readonly jobId: string } | { readonly ok: false; readonly error: StudioError };

interface JobEventBase {
  readonly jobId: string;
  readonly sessionId: string;
  readonly kind: JobKind;
}
/** What a running job pushes: progress and log lines, then exactly one `done` or `failed`. */
export type JobEvent =
  | (JobEventBase & { readonly type: 'progress'; readonly fraction: number; readonly message: string })
  | (JobEventBase & { readonly type: 'log'; readonly line: string })
  | (JobEventBase & { readonly type: 'partial'; readonly partial: JobPartial })
  | (JobEventBase & { readonly type: 'done'; readonly result: JobResult })
  | (JobEventBase & { readonly type: 'failed'; readonly error: StudioError });

// ---- Topologies and profiles ----

export interface TopologyInfo {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** Each tier with its device's display name, device first. */
  readonly tiers: readonly { readonly name: TierName; readonly deviceName: string }[];
  /** The link of each hop, by display name. */
  readonly links: readonly string[];
}

export type TopologyResult =
  | {
      readonly ok: true;
      readonly topology: Topology;
      /** The bundled id when it is a bundled topology; null for a file the user chose. */
      readonly bundledId: string | null;
    }
  | { readonly ok: false; readonly error: StudioError };

/** The bundled device and link profiles, to swap a tier's device or a hop's link in place. */
export interface ProfileLibrary {
  readonly devices: readonly DeviceProfile[];
  readonly links: readonly LinkProfile[];
}

// ---- Projects, autosave and recovery ----

export type ProjectOpenResult =
  | {
      readonly ok: true;
      readonly project: ProjectFile;
      /** Where the project file is (Save writes there again); null when uploaded or recovered. */
      readonly projectPath: string | null;
      /** The project's model, opened with the project's input bindings. */
      readonly model: OpenedModel;
    }
  | {
      readonly ok: false;
      readonly error: StudioError;
      /**
       * Set when the project itself is sound but its model is missing (MODEL_MISSING) or has
       * changed (MODEL_CHANGED): the renderer offers to locate the model and then applies this.
       */
      readonly project?: ProjectFile;
      readonly projectPath?: string | null;
    };

/** The design autosaved while it had unsaved edits, offered back after a crash or a killed host. */
/** An onnxruntime profile file read by the host: each node's median kernel time, by its name. */
export type OrtProfileResult =
  | { readonly ok: true; readonly profile: OrtProfileTimes }
  | { readonly ok: false; readonly error: StudioError };

export interface RecoveredDesign {
  readonly project: ProjectFile;
  /** The project file the design was last saved to, if any. */
  readonly projectPath: string | null;
  /** ISO 8601. */
  readonly savedAt: string;
}

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

  /** Starts a job on an open model's session; its progress and end arrive through `onJob`. */
  startJob(sessionId: string, request: JobRequest): Promise<JobStartResult>;
  /** Stops a job; it ends with a `failed` event of code CANCELLED. Unknown ids are ignored. */
  cancelJob(jobId: string): Promise<void>;
  /** Ends a session (the model was closed or replaced): its worker and running jobs stop. */
  closeSession(sessionId: string): Promise<void>;

  /** Where an export of this session's model is written unless the user picks another folder. */
  suggestExportDir(sessionId: string): Promise<string>;
  /** Electron: the native folder picker; web: NOT_SUPPORTED (the page asks for a path). */
  chooseExportDir(
    suggested: string,
  ): Promise<
    { readonly ok: true; readonly path: string } | { readonly ok: false; readonly error: StudioError }
  >;

  listTopologies(): Promise<readonly TopologyInfo[]>;
  loadTopology(id: string): Promise<TopologyResult>;
  /** Electron: the native open dialog; `CANCELLED` when dismissed. */
  openTopologyWithDialog(): Promise<TopologyResult>;
  /** A topology file the user picked in the page; its devices and links must be bundled ids. */
  parseTopology(fileName: string, text: string): Promise<TopologyResult>;
  listProfiles(): Promise<ProfileLibrary>;
  /**
   * An onnxruntime profile (the JSON `enableProfiling` writes) the user picked in the page, read
   * as per-node times; the page matches its node names against the open model.
   */
  parseOrtProfile(fileName: string, text: string): Promise<OrtProfileResult>;
  /** The topology the last design used (remembered by the host), else the bundled default. */
  lastTopology(): Promise<TopologyResult>;
  rememberTopology(id: string | null, topology: Topology): Promise<void>;

  /** The project named on the command line (`cutline studio PROJECT`); null if none was. */
  initialProject(): Promise<ProjectOpenResult | null>;
  openProjectWithDialog(): Promise<ProjectOpenResult>;
  /** A project file the user picked or dropped in the page. Its model must be one the host may open. */
  openProjectText(fileName: string, text: string): Promise<ProjectOpenResult>;
  openRecentProject(path: string): Promise<ProjectOpenResult>;

  /** Keeps the unsaved design (null: there is none any more, e.g. after Save or Discard). */
  autosave(design: RecoveredDesign | null): Promise<void>;
  /** The design a previous run autosaved and never saved or discarded; null when there is none. */
  recovery(): Promise<RecoveredDesign | null>;
  /** Opens the recovered design's model with its bindings, as a project. */
  openRecovery(): Promise<ProjectOpenResult>;
  /** Tells the host whether there are unsaved edits, so closing the window asks first. */
  setDirty(dirty: boolean): Promise<void>;

  onProgress(listener: (event: ProgressEvent) => void): Unsubscribe;
  onCommand(listener: (command: HostCommand) => void): Unsubscribe;
  onJob(listener: (event: JobEvent) => void): Unsubscribe;
}

/** Methods a renderer calls as requests (everything but the subscriptions). */
export type StudioMethod = Exclude<keyof StudioApi, 'onProgress' | 'onCommand' | 'onJob'>;

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
  startJob: 'cutline:start-job',
  cancelJob: 'cutline:cancel-job',
  closeSession: 'cutline:close-session',
  suggestExportDir: 'cutline:suggest-export-dir',
  chooseExportDir: 'cutline:choose-export-dir',
  listTopologies: 'cutline:list-topologies',
  loadTopology: 'cutline:load-topology',
  openTopologyWithDialog: 'cutline:open-topology-with-dialog',
  parseTopology: 'cutline:parse-topology',
  listProfiles: 'cutline:list-profiles',
  parseOrtProfile: 'cutline:parse-ort-profile',
  lastTopology: 'cutline:last-topology',
  rememberTopology: 'cutline:remember-topology',
  initialProject: 'cutline:initial-project',
  openProjectWithDialog: 'cutline:open-project-with-dialog',
  openProjectText: 'cutline:open-project-text',
  openRecentProject: 'cutline:open-recent-project',
  autosave: 'cutline:autosave',
  recovery: 'cutline:recovery',
  openRecovery: 'cutline:open-recovery',
  setDirty: 'cutline:set-dirty',
};

export const EVENT_CHANNELS = {
  progress: 'cutline:progress',
  command: 'cutline:command',
  job: 'cutline:job',
} as const;

/** Longest project or topology file the page may send as text. */
export const MAX_PROJECT_TEXT_BYTES = MAX_PROJECT_FILE_BYTES;

/**
 * Longest onnxruntime profile the page may send as text: within the web host's JSON body limit,
 * and some 200,000 kernel events (a 1,000-node model profiled over 200 runs).
 */
export const MAX_ORT_PROFILE_TEXT_BYTES = MAX_PROJECT_FILE_BYTES;

/** Largest model a renderer may send as bytes (the web host's request limit). */
export const MAX_MODEL_UPLOAD_BYTES = 2 * 1024 ** 3 - 1;
