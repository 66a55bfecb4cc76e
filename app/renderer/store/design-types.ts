/**
 * The design the user edits (where layers run, pins, the hardware, input bindings, objective and
 * constraints), kept apart from the view (expansion, selection, zoom, layout): opening a model or
 * re-laying out never writes it. Every edit goes through a recorded action and lands in the
 * history as a diff (`DesignDiff`), so undo restores exactly what the edit changed.
 */
import type { Topology, TierName } from '../../../core/profiles/types.js';
import type { DeviceProfile } from '../../../core/profiles/types.js';

export interface Design {
  /** Layer id → tier, for layers off the device only (layers not listed run on the device). */
  readonly placement: Readonly<Record<string, TierName>>;
  /** Pinned layer ids, sorted: moves refuse them and the solvers keep them where they are. */
  readonly pins: readonly string[];
  readonly topology: Topology;
  /** The bundled topology it was chosen from, while unedited; null once edited or from a file. */
  readonly topologyId: string | null;
  /** Input name → bound shape (`1x3x640x640`), as `cutline analyze --input` takes it. */
  readonly inputs: Readonly<Record<string, string>>;
  /**
   * Input name → the value the caller will send (`16000`, `1,2,3`), as `cutline analyze
   * --input-value` takes it: an If on it is costed on its branch. Absent: none.
   */
  readonly inputValues?: Readonly<Record<string, string>>;
  readonly objective: string;
  readonly constraints: readonly string[];
}

/** What one edit changed: per layer its tier before and after; other fields before and after. */
export interface DesignDiff {
  readonly placement?: Readonly<Record<string, readonly [TierName, TierName]>>;
  readonly pins?: readonly [readonly string[], readonly string[]];
  readonly topology?: readonly [
    { readonly topology: Topology; readonly topologyId: string | null },
    { readonly topology: Topology; readonly topologyId: string | null },
  ];
  readonly inputs?: readonly [Readonly<Record<string, string>>, Readonly<Record<string, string>>];
  readonly inputValues?: readonly [Readonly<Record<string, string>>, Readonly<Record<string, string>>];
  readonly objective?: readonly [string, string];
  readonly constraints?: readonly [readonly string[], readonly string[]];
}

export interface HistoryEntry {
  /** What the menu says: "Undo Move 3 layers to Edge". */
  readonly label: string;
  readonly diff: DesignDiff;
}

/** A move that changed some layers and refused others (pinned ones), saying why. */
export interface MoveOutcome {
  readonly moved: number;
  readonly refused: readonly { readonly id: string; readonly reason: string }[];
}

export interface LinkEdit {
  readonly uplinkMbps?: number;
  readonly downlinkMbps?: number;
  readonly rttMs?: number;
}

export interface DesignSlice {
  /** Null until a model is open and its topology is known. */
  design: Design | null;
  /**
   * The placement a drag in progress would make (whole record, like `design.placement`): the
   * figures show it, the history and the layout do not. Null when nothing is being dragged.
   */
  preview: Readonly<Record<string, TierName>> | null;
  past: readonly HistoryEntry[];
  future: readonly HistoryEntry[];
  /** Increments on every design change, undo and redo included. */
  revision: number;
  /** `revision` when the design was last saved or opened; dirty when they differ. */
  savedRevision: number;
  /** Where the design was last saved (Save writes there again); null if never. */
  projectPath: string | null;

  /**
   * Starts a design for a freshly opened model: history cleared (not recorded), clean unless
   * `dirty` (a recovered design that was never saved).
   */
  startDesign(design: Design, projectPath: string | null, options?: { readonly dirty?: boolean }): void;
  /**
   * Moves layers (ids of layers, or of blocks: every layer inside) to a tier as one undoable step.
   * Pinned layers stay and are reported in `refused`; view-only sub-graph layers are ignored.
   */
  moveLayers(ids: readonly string[], tier: TierName, label?: string): MoveOutcome;
  /** Replaces the whole placement as one step (a cut line dropped, a suggestion applied). Pins stay. */
  applyPlacement(placement: Readonly<Record<string, TierName>>, label: string): MoveOutcome;
  setPinned(ids: readonly string[], pinned: boolean): void;
  setPreview(placement: Readonly<Record<string, TierName>> | null): void;
  setTopology(topology: Topology, topologyId: string | null, label?: string): void;
  /** Edits hop h's link (between tiers h and h + 1) in place. */
  editLink(hop: number, edit: LinkEdit): void;
  /** Swaps the device profile of tier t. */
  setTierDevice(tier: number, device: DeviceProfile): void;
  /**
   * Records new input bindings (and input values, when given) as one step; the caller
   * re-analyses the model (a host job).
   */
  setInputs(inputs: Readonly<Record<string, string>>, inputValues?: Readonly<Record<string, string>>): void;
  setObjective(objective: string): void;
  setConstraints(constraints: readonly string[]): void;
  /** Sets the objective and the constraints as one step (the solvers were run with them). */
  setSolverSettings(objective: string, constraints: readonly string[]): void;
  undo(): void;
  redo(): void;
  markSaved(projectPath: string | null): void;
}
