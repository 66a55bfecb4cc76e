/**
 * The Suggestions and Cut points tabs' state: the settings being edited (a draft until the
 * solvers run, when they are written to the design), the last solve and cut-points jobs with
 * their progress, results and the settings they were run with (to tell when results are
 * stale), and how each table is sorted. View state: nothing here is saved or undone.
 */
import type { StateCreator } from 'zustand';
import type { PartitionSource } from '../../../core/partition/source-types.js';
import type { Topology } from '../../../core/profiles/types.js';
import type { CutPointsResult, SolveResult, StudioError } from '../../shared/studio-api.js';
import type { Store } from '../store/store-types.js';
import type { SolveForm } from './solve-settings.js';
import type { SortState } from './sort.js';

/** What a job's results were computed from. */
export interface JobBasis {
  readonly sessionId: string;
  readonly partition: PartitionSource;
  readonly topology: Topology;
}

export interface SolveBasis extends JobBasis {
  readonly objective: string;
  /** The solvers' constraints, pins included. */
  readonly constraints: readonly string[];
}

export interface CutBasis extends JobBasis {
  readonly serverTier: number;
}

export interface JobRun<B, R> {
  readonly basis: B;
  readonly status: 'running' | 'done' | 'failed';
  /** The host's job id once accepted (to cancel it). */
  readonly jobId: string | null;
  /** Cancel was asked before the host accepted the job: it is cancelled as soon as it is. */
  readonly cancelRequested: boolean;
  readonly fraction: number;
  readonly message: string;
  readonly result: R | null;
  readonly error: StudioError | null;
}

export type SolveRun = JobRun<SolveBasis, SolveResult>;
export type CutRun = JobRun<CutBasis, CutPointsResult>;

export interface SuggestSlice {
  /** Settings edited since the solvers last ran, for the session named; null: the design's. */
  solveDraft: { readonly sessionId: string; readonly form: SolveForm } | null;
  solveRun: SolveRun | null;
  cutRun: CutRun | null;
  /** The cut points' server tier (index into the topology) chosen for the session named. */
  cutServerTier: { readonly sessionId: string; readonly tier: number } | null;
  suggestSort: SortState | null;
  cutSort: SortState | null;
  setSolveDraft(sessionId: string, form: SolveForm | null): void;
  setSolveRun(run: SolveRun | null): void;
  setCutRun(run: CutRun | null): void;
  /** Chooses the server tier for the open model's session; null: the last tier. */
  setCutServerTier(tier: number | null): void;
  setSuggestSort(sort: SortState | null): void;
  setCutSort(sort: SortState | null): void;
}

export const createSuggestSlice: StateCreator<Store, [], [], SuggestSlice> = (set, get) => ({
  solveDraft: null,
  solveRun: null,
  cutRun: null,
  cutServerTier: null,
  suggestSort: null,
  cutSort: null,
  setSolveDraft: (sessionId, form) => set({ solveDraft: form === null ? null : { sessionId, form } }),
  setSolveRun: (run) => set({ solveRun: run }),
  setCutRun: (run) => set({ cutRun: run }),
  setCutServerTier: (tier) => {
    const sessionId = get().opened?.sessionId;
    set({ cutServerTier: tier === null || sessionId === undefined ? null : { sessionId, tier } });
  },
  setSuggestSort: (sort) => set({ suggestSort: sort }),
  setCutSort: (sort) => set({ cutSort: sort }),
});

/** The server tier chosen for the open model, or null (the last tier); another model's is moot. */
export const selectCutServerTier = (s: Store): number | null =>
  s.cutServerTier !== null && s.cutServerTier.sessionId === s.opened?.sessionId ? s.cutServerTier.tier : null;
