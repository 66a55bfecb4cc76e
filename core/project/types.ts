/**
 * A saved design (a Cutline project file): the model it belongs to, and everything the user
 * decided about splitting it. Version 2 holds the whole design (input bindings, topology,
 * placement, pins, objective, constraints) and the view state to reopen it as it was; version 1
 * (placement only) still opens and is migrated on read (`parseProject`).
 *
 * Written by the studio (Save, autosave) and read by the studio and the CLI
 * (`cutline solve|export --project FILE`), so a design made in the window exports unchanged.
 * Plain JSON throughout.
 */
import type { Topology, TierName } from '../profiles/types.js';

export const PROJECT_FORMAT = 'cutline-project';
export const PROJECT_VERSION = 2;

export interface ProjectModelRef {
  readonly fileName: string;
  /** Absolute path when the model was opened from a file; null when it was uploaded as bytes. */
  readonly path: string | null;
  /** SHA-256 of the model file's bytes, lower-case hex. */
  readonly sha256: string;
}

/** A bundled topology by id, or a whole topology (devices and links inline) the user edited or loaded. */
export type ProjectTopology =
  | { readonly kind: 'bundled'; readonly id: string }
  | { readonly kind: 'inline'; readonly topology: Topology };

/** What the studio shows, restored on open; never part of the design's history. */
export interface ProjectViewState {
  /** Expanded block ids. */
  readonly expanded: readonly string[];
  readonly selected: string | null;
  /** The heat overlay's metric id. */
  readonly metric: string;
}

export interface ProjectFileV2 {
  readonly format: typeof PROJECT_FORMAT;
  readonly version: 2;
  readonly model: ProjectModelRef;
  /** Input name → bound shape as `cutline analyze --input` takes it (`1x3x640x640`). */
  readonly inputs: Readonly<Record<string, string>>;
  /**
   * Input name → the value the caller will send, as `--input-value` takes it after the `=`
   * (`16000`, `1,2,3`); absent in projects saved before values could be given.
   */
  readonly inputValues?: Readonly<Record<string, string>> | undefined;
  readonly topology: ProjectTopology;
  /** Layer id → tier; layers not listed run on the device. */
  readonly placement: Readonly<Record<string, TierName>>;
  /** Layers pinned to the tier `placement` gives them: moves refuse them, solvers keep them. */
  readonly pins: readonly string[];
  /** `cutline solve -o` syntax: `latency`, `energy`, `throughput`, `weighted:<a>,<b>`. */
  readonly objective: string;
  /** `cutline solve -c` syntax, e.g. `raw-input-on-device`, `memory:edge=2GB`. */
  readonly constraints: readonly string[];
  readonly view: ProjectViewState;
}

/** Version 1, written by Cutline 0.1's studio: the model and the placement. */
export interface ProjectFileV1 {
  readonly format: typeof PROJECT_FORMAT;
  readonly version: 1;
  readonly model: ProjectModelRef;
  readonly placement: Readonly<Record<string, TierName>>;
}

/** The current version; `parseProject` returns this for every version it reads. */
export type ProjectFile = ProjectFileV2;

/** Largest project (or topology) file read or sent as text: far beyond any real design. */
export const MAX_PROJECT_FILE_BYTES = 64 * 1024 ** 2;

/** The topology a design opens with when none was used before. */
export const DEFAULT_TOPOLOGY_ID = 'pi4-wifi-edge-wan-cloud';
export const DEFAULT_OBJECTIVE = 'latency';
