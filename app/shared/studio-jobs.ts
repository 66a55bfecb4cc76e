/**
 * The arguments and results of the studio's solver, chart, export, harness and calibration jobs
 * (studio-api.ts's JobKinds), as plain JSON. studio-api.ts re-exports them: import from there.
 */
import type { BandwidthPoint, BandwidthSweep } from '../../core/partition/sweep.js';
import type { SourceMeasurements } from '../../core/partition/source-types.js';
import type { DeviceProfile, TierName, Topology } from '../../core/profiles/types.js';

/** A placement a solver (or the Pareto front) suggests, in the design's form. */
export interface Suggestion {
  /** The solver (`single-split`, `two-split`, `min-cut`, `tiers`), or the Pareto point's source. */
  readonly source: string;
  /** Whether it is proved best for the objective and constraints (else heuristic). */
  readonly exact: boolean;
  readonly notes: readonly string[];
  /** Layer id → tier, for the layers off the device only (as the design's placement). */
  readonly placement: Readonly<Record<string, TierName>>;
}

export interface SolveArgs {
  readonly topology: Topology;
  /** As `cutline solve --objective`: latency, energy, throughput or weighted:A,B. */
  readonly objective: string;
  /** As `--constraint` values, the design's pins included (`pin:LAYER=TIER`). */
  readonly constraints: readonly string[];
  /** Solver names; empty: those `cutline solve` runs by default on this topology. */
  readonly solvers: readonly string[];
  /** Also compute the latency × device-energy Pareto front. */
  readonly pareto: boolean;
  /** Data-dependent layers this machine's calibration timed, costed from that as the page's figures are. */
  readonly measured?: SourceMeasurements;
}

export interface SolveResult {
  readonly plans: readonly Suggestion[];
  /** Solvers that found nothing keeping the constraints, with the CLI's message (which fails, by how much). */
  readonly infeasible: readonly { readonly solver: string; readonly message: string }[];
  readonly pareto: { readonly points: readonly Suggestion[]; readonly notes: readonly string[] } | null;
}

export interface CutPointsArgs {
  readonly topology: Topology;
  /** The tier everything after the cut runs on. */
  readonly serverTier: number;
  /** Most rows returned, best (lowest predicted latency) first. */
  readonly limit: number;
  /** As `SolveArgs.measured`. */
  readonly measured?: SourceMeasurements;
}

/** One single cut: the first `deviceLayers` layers (problem unit order) on the device, the rest on the server tier. */
export interface CutPoint {
  readonly deviceLayers: number;
  /** The last layer on the device; null when nothing runs there. */
  readonly afterLayer: string | null;
  /** Bytes crossing the cut, and how many tensors. */
  readonly cutBytes: number;
  readonly tensors: number;
  readonly macsBefore: number;
  readonly macsAfter: number;
  /** Predicted compute on the device (before the cut) and on the server tier (after), ms. */
  readonly computeBeforeMs: number;
  readonly computeAfterMs: number;
  readonly latencyMs: number;
  readonly deviceEnergyMj: number;
  readonly rawInputLeavesDevice: boolean;
}

export interface CutPointsResult {
  readonly serverTier: number;
  /** Cut points there are in all (the rows are the best `limit` of them). */
  readonly total: number;
  readonly points: readonly CutPoint[];
}

export interface SweepArgs {
  readonly topology: Topology;
  /** The link swept: hop h between tiers h and h + 1. */
  readonly hop: number;
  readonly fromMbps: number;
  readonly toMbps: number;
  readonly steps: number;
  /** The current design's placement (layer id → tier, off-device layers), drawn as its own curve. */
  readonly placement: Readonly<Record<string, TierName>>;
}

/** One bandwidth of a sweep: `cutline sweep --json`'s point, with the current design's latency. */
export interface SweepPoint extends BandwidthPoint {
  readonly currentMs: number;
}

/** `cutline sweep --json`'s document: the link, the server tier, the points, where the best split changes. */
export interface SweepResult extends Omit<BandwidthSweep, 'points'> {
  readonly points: readonly SweepPoint[];
}

export interface ExportArgs {
  readonly topology: Topology;
  /** The design: layer id → tier (off-device layers), pins, bindings, objective. */
  readonly placement: Readonly<Record<string, TierName>>;
  readonly pins: readonly string[];
  readonly inputs: Readonly<Record<string, string>>;
  readonly objective: string;
  /** The bundle's folder: created, or replaced when `force`. */
  readonly outDir: string;
  readonly zip: boolean;
  readonly force: boolean;
  /** What the device does when a tier is unreachable: fail the request or run the whole model itself. */
  readonly onUnreachable: 'fail' | 'local';
  /**
   * How the bundle is served (`cutline export --serving`): Cutline's tiers relaying the request up
   * the chain, or stock OIP servers the device calls one by one. Absent: relay.
   */
  readonly serving?: 'relay' | 'stock';
  readonly verify: boolean;
  /**
   * Write a segment's (and the whole model's) weights as an external-data file beside it when they
   * are over this many bytes (`cutline export --external-data-above`). Absent: automatically, when
   * they are over protobuf's 2 GiB limit or the model itself has external data.
   */
  readonly externalDataAboveBytes?: number;
  /** Compare with the whole model even when the memory estimate says it may not fit (`--verify-whole`). */
  readonly verifyWhole?: boolean;
}

/** A model's external-data file in the bundle (beside its `.onnx`, in the same folder). */
export interface ExportDataFile {
  /** Bundle-relative, as the manifest lists it. */
  readonly file: string;
  readonly bytes: number;
}

/** What an exported bundle holds beyond its segments (read back from its folder). */
export interface ExportBundleHolds {
  /** Its manifest's `runtime.serving`. */
  readonly serving: 'relay' | 'stock';
  /** The bundle's README.md (absolute, on the host), with each machine's commands; null when absent. */
  readonly readme: string | null;
  /** `cloud/triton` when the export wrote a Triton model repository, else null. */
  readonly tritonRepository: string | null;
  /** `cloud/kserve.yaml` when written (a KServe InferenceService for that repository), else null. */
  readonly kserve: string | null;
  /** The whole model, carried only for the device's local fallback (bundle-relative); else null. */
  readonly wholeModel: string | null;
}

export interface ExportResult {
  readonly bundleDir: string;
  readonly zipPath: string | null;
  readonly segments: readonly {
    readonly id: string;
    readonly tier: TierName;
    readonly file: string;
    readonly bytes: number;
    /** The weights' data file beside `file`; null when the sub-model is self-contained. */
    readonly data: ExportDataFile | null;
    readonly inputs: readonly string[];
    readonly outputs: readonly string[];
  }[];
  readonly crossings: readonly {
    readonly tensor: string;
    readonly direction: string;
    readonly hop: number;
  }[];
  readonly predicted: {
    readonly latencyMs: number;
    readonly deviceEnergyMj: number;
    readonly linkBytes: number;
  };
  /** What the bundle holds besides its segments; absent when its manifest could not be read back. */
  readonly holds?: ExportBundleHolds;
  /** A free sibling of `bundleDir` (`NAME-2` …), where exporting again without "Replace" can go. */
  readonly nextOutDir?: string;
  /** The split against the whole model in onnxruntime; null when verification was off. */
  readonly verification: {
    /** The deciding element's difference and allowance (`atol + rtol · |whole|`): `ok` iff within. */
    readonly maxAbsDiff: number;
    readonly outputs: readonly string[];
    readonly tolerance: number;
    readonly ok: boolean;
    /**
     * The rule and where the figures are (core/export/tolerance.ts): rtol, the atol of the
     * deciding output, that element, and the largest absolute and relative differences; absent
     * from an older command or when nothing was compared.
     */
    readonly check?: ExportCheck;
    /**
     * `compared`: the split's outputs were held against the whole model's. `skipped`: the whole
     * model would not fit in memory, so the segments were only run and chained; nothing was
     * compared (`outputs` is empty, `maxAbsDiff` means nothing) and `skippedBecause` says why.
     */
    readonly wholeModel: 'compared' | 'skipped';
    readonly skippedBecause: string | null;
  } | null;
}

/** An element of a named output and its difference from the whole model's. */
export interface ExportElementDifference {
  readonly output: string;
  /** Flat (row-major) index; -1 when no element differs. */
  readonly element: number;
  /** null when unbounded (a NaN, an infinity, a shape that differs). */
  readonly diff: number | null;
  /** `diff / |whole|`; null when unbounded (the whole model's value is 0 there). */
  readonly relDiff: number | null;
}

export interface ExportCheck {
  readonly rtol: number;
  /**
   * The absolute term: of the one output, or as given; null for the default when several outputs
   * each scaled it by their largest |value|.
   */
  readonly atol: number | null;
  /** The deciding element, its allowance and its output's absolute term. */
  readonly worst: ExportElementDifference & { readonly allowance: number; readonly atol: number };
  readonly largestAbs: ExportElementDifference;
  readonly largestRel: ExportElementDifference;
}

export interface HarnessArgs {
  /** A bundle folder this host exported (others are refused). */
  readonly bundleDir: string;
  readonly runs: number;
  /** Requests of the pipelined stream; 0 skips it. */
  readonly stream: number;
  readonly emulateLinks: boolean;
  /** Calibrate this machine first, for the "predicted on this machine" figures. */
  readonly calibrate: boolean;
}

export interface ProfileArgs {
  readonly runs: number;
  readonly warmup: number;
  /** Time every model again instead of reusing this machine's measurement table. */
  readonly remeasure?: boolean;
  /** Time nothing: answer from the table (fails PROFILE_NOT_FOUND when it lacks the model). */
  readonly fromTable?: boolean;
  /**
   * Also fit the kernel-level predictor (`cutline profile --kernels`): what a tier runs, with
   * graph optimisations on; its profile carries `kernelModels`. Ignored with `fromTable`.
   */
  readonly kernels?: boolean;
  /**
   * onnxruntime intra-op threads to calibrate with (`cutline profile --threads`): as the tiers
   * will run; 1 when left out, as the harness pins each tier (CUTLINE_THREADS=1).
   */
  readonly threads?: number;
}

export interface ProfileResult {
  /** This machine as a device profile (`this-machine`), usable as any tier's device. */
  readonly profile: DeviceProfile;
  readonly peakGflops: number;
  /** When an earlier calibration measured the peak this one kept (ISO 8601); absent when measured now. */
  readonly peakKeptFrom?: string;
  /**
   * Per layer: measured and predicted (by the fitted profile) time, ms. Under a kernel-level
   * calibration, each kernel as a tier runs it; a layer fused into another's kernel has no times
   * of its own (both 0) and names that layer in `fusedInto`.
   */
  readonly layers: readonly {
    readonly name: string;
    readonly opType: string;
    readonly measuredMs: number;
    readonly predictedMs: number;
    readonly fusedInto?: string;
  }[];
  /** Median |predicted − measured| / measured over the layers, percent. */
  readonly medianAbsErrorPct: number;
  readonly totalMeasuredMs: number;
  readonly totalPredictedMs: number;
  /** How to read the figures (e.g. in-sample: fitted on these same measurements). */
  readonly note: string;
  /** When the session model's layers were measured (ISO 8601): now, or an earlier calibration. */
  readonly measuredAt?: string;
  /** The intra-op threads it was calibrated with (absent from older hosts: onnxruntime's default). */
  readonly threads?: number;
  /** The input values the model was fed (the session's, as `sr` → `16000`); absent when none. */
  readonly inputValues?: Readonly<Record<string, string>>;
  /** Where the measurements are kept, and which models were reused or timed (file names). */
  readonly kept?: {
    readonly file: string;
    readonly reused: readonly string[];
    readonly measured: readonly string[];
  };
  /** The kernel-level fit this calibration timed (absent from the table: nothing was timed). */
  readonly kernels?: {
    /** Measured kernels the fit used, and the models they came from (generated samples and yours). */
    readonly kernels: number;
    readonly models: number;
    /** Wall time of the kernel timing, s. */
    readonly seconds: number;
    /** Samples and models taken from the kept table, and timed now (absent from older hosts). */
    readonly reused?: number;
    readonly timed?: number;
  };
}

/** The design's figures as Model Explorer node-data files (`cutline figures --project`). */
export interface FiguresArgs {
  readonly topology: Topology;
  readonly placement: Readonly<Record<string, TierName>>;
  readonly pins: readonly string[];
  readonly inputs: Readonly<Record<string, string>>;
  readonly objective: string;
  /** The folder the files go to (created when missing; files of the same name are replaced). */
  readonly outDir: string;
}

export interface FiguresResult {
  /** One file per figure, as `cutline figures --json` lists them. */
  readonly files: readonly {
    readonly figure: string;
    readonly title: string;
    readonly nodes: number;
    readonly path: string;
  }[];
  /** The command that opens the model with every file loaded; null when a path holds a comma. */
  readonly command: string | null;
}
