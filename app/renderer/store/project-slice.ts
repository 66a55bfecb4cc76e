/**
 * What the studio knows about projects and host jobs apart from the design itself: the bundled
 * topologies the picker lists, the analysis job re-running the model with new input bindings, a
 * project that could not be applied (its model missing or changed), and an autosaved design
 * offered back after a crash. None of it is design state: none of it is recorded or saved.
 */
import type { StateCreator } from 'zustand';
import type { ProjectFile, RecoveredDesign, StudioError, TopologyInfo } from '../../shared/studio-api.js';
import type { Store } from './store-types.js';

export interface AnalysisJob {
  /** The host's job id; null until `startJob` has answered. */
  readonly jobId: string | null;
  /** The bindings being analysed. */
  readonly inputs: Readonly<Record<string, string>>;
  /** The input values being analysed. */
  readonly inputValues?: Readonly<Record<string, string>>;
  readonly fraction: number;
  readonly message: string;
}

/** A sound project whose model could not be opened as it names it. */
export interface ProjectProblem {
  readonly error: StudioError;
  readonly project: ProjectFile;
  readonly projectPath: string | null;
  /** A recovered design, never saved: it stays unsaved once its model is located. */
  readonly unsaved?: boolean;
}

export interface ProjectSlice {
  topologies: readonly TopologyInfo[];
  analysis: AnalysisJob | null;
  projectProblem: ProjectProblem | null;
  recovered: RecoveredDesign | null;
  topologiesListed(topologies: readonly TopologyInfo[]): void;
  analysisStarted(
    inputs: Readonly<Record<string, string>>,
    inputValues?: Readonly<Record<string, string>>,
  ): void;
  /** The host accepted the job: its id, to cancel it and to match its events. */
  analysisAccepted(jobId: string): void;
  analysisProgressed(jobId: string, fraction: number, message: string): void;
  analysisEnded(): void;
  projectProblemRaised(problem: ProjectProblem): void;
  projectProblemDismissed(): void;
  recoveryOffered(recovered: RecoveredDesign | null): void;
}

export const createProjectSlice: StateCreator<Store, [], [], ProjectSlice> = (set, get) => ({
  topologies: [],
  analysis: null,
  projectProblem: null,
  recovered: null,
  topologiesListed: (topologies) => set({ topologies }),
  analysisStarted: (inputs, inputValues) =>
    set({
      analysis: {
        jobId: null,
        inputs,
        ...(inputValues ? { inputValues } : {}),
        fraction: 0,
        message: 'Starting',
      },
    }),
  analysisAccepted: (jobId) => {
    const { analysis } = get();
    if (analysis && analysis.jobId === null) set({ analysis: { ...analysis, jobId } });
  },
  analysisProgressed: (jobId, fraction, message) => {
    const { analysis } = get();
    if (analysis?.jobId === jobId) set({ analysis: { ...analysis, fraction, message } });
  },
  analysisEnded: () => set({ analysis: null }),
  projectProblemRaised: (projectProblem) => set({ projectProblem }),
  projectProblemDismissed: () => set({ projectProblem: null }),
  recoveryOffered: (recovered) => set({ recovered }),
});
