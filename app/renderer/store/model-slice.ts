/** The opened model, the open in progress, and the last error. */
import type { StateCreator } from 'zustand';
import type {
  JobKinds,
  OpenedModel,
  OpenResult,
  ProgressEvent,
  SampleInfo,
  StudioError,
} from '../../shared/studio-api.js';
import { indexModel, type ModelIndex } from '../model/model-index.js';
import { DEFAULT_METRIC } from '../overlay/static-costs.js';
import { selectMeasuredKey } from '../run/measured-key.js';
import { NO_DESIGN } from './design-slice.js';
import { overlayStateFor } from './overlay-slice.js';
import type { Store } from './store-types.js';
import { viewStateFor } from './view-slice.js';

// The measured heat is a run's (or an imported profile's), laid over the model it ran: a new model
// or a re-analysis (new input sizes) drops those figures, and a heat left on them would colour nothing.
const heatAfterReanalysis = (metric: string): { metric?: string } =>
  selectMeasuredKey({ metric }) !== null ? { metric: DEFAULT_METRIC } : {};

export interface OpeningJob {
  /** Which open this is, so a late answer to an earlier open cannot replace a newer model. */
  readonly ticket: number;
  readonly fileName: string;
  /** The host's job id, known from its first progress event; needed to cancel. */
  readonly jobId: string | null;
  readonly fraction: number;
  readonly message: string;
}

export interface ModelSlice {
  opened: OpenedModel | null;
  index: ModelIndex | null;
  opening: OpeningJob | null;
  error: StudioError | null;
  /** A passing message (a project saved), shown until dismissed or the next one. */
  notice: string | null;
  samples: readonly SampleInfo[];
  openStarted(fileName: string): number;
  openProgressed(event: ProgressEvent): void;
  /** `ticket` from `openStarted`; results the host pushes on its own (menu, command line) pass none. */
  openFinished(result: OpenResult, ticket?: number): void;
  /** The open ended with nothing to show (no initial model): drop its progress. */
  openAbandoned(ticket: number): void;
  /**
   * The open model re-analysed (input bindings): its view and partition source replaced, its
   * session kept. `jobId` (the analysis job's) keys the new view, so the layout runs again;
   * expansion and selection stay where their ids still exist. The design is not touched.
   */
  analysisReplaced(result: JobKinds['analyse']['result'], jobId: string): void;
  closeModel(): void;
  failed(error: StudioError): void;
  dismissError(): void;
  noticed(message: string): void;
  dismissNotice(): void;
  samplesListed(samples: readonly SampleInfo[]): void;
}

let nextTicket = 1;

export const createModelSlice: StateCreator<Store, [], [], ModelSlice> = (set, get) => ({
  opened: null,
  index: null,
  opening: null,
  error: null,
  notice: null,
  samples: [],
  openStarted: (fileName) => {
    const ticket = nextTicket++;
    set({ opening: { ticket, fileName, jobId: null, fraction: 0, message: 'Reading' } });
    return ticket;
  },
  openProgressed: (event) => {
    const { opening } = get();
    if (!opening || (opening.jobId !== null && opening.jobId !== event.jobId)) return;
    set({ opening: { ...opening, jobId: event.jobId, fraction: event.fraction, message: event.message } });
  },
  openFinished: (result, ticket) => {
    const { opening } = get();
    if (ticket !== undefined && opening?.ticket !== ticket) return;
    if (!result.ok) {
      // A dismissed dialog or a cancelled open is the user's choice, not a problem to report.
      set({ opening: null, error: result.error.code === 'CANCELLED' ? get().error : result.error });
      return;
    }
    const { view } = result.model;
    // One update, so the layout runner sees the new model with its own expansion. The design of
    // the previous model ends here; design/sync.ts starts the new one (or a project supplies it).
    set({
      opened: result.model,
      index: indexModel(view),
      opening: null,
      error: null,
      // A notice about the previous model (a save, a refused move) does not outlive it.
      notice: null,
      ...viewStateFor(view),
      ...NO_DESIGN,
      ...overlayStateFor(view),
      ...heatAfterReanalysis(get().metric),
    });
  },
  openAbandoned: (ticket) => {
    if (get().opening?.ticket === ticket) set({ opening: null });
  },
  analysisReplaced: (result, jobId) => {
    const { opened, expanded, selected } = get();
    if (!opened) return;
    const index = indexModel(result.view);
    const has = (id: string): boolean => index.blocks.has(id) || index.layers.has(id);
    set({
      opened: {
        ...opened,
        jobId,
        view: result.view,
        partition: result.partition,
        inputs: result.inputs,
        inputValues: result.inputValues ?? {},
      },
      index,
      expanded: new Set([...expanded].filter((id) => index.blocks.has(id))),
      selected: selected !== null && has(selected) ? selected : null,
      ...overlayStateFor(result.view),
      ...heatAfterReanalysis(get().metric),
    });
  },
  closeModel: () =>
    set({
      opened: null,
      index: null,
      layout: null,
      selected: null,
      selection: [],
      ...NO_DESIGN,
    }),
  failed: (error) => set({ error }),
  dismissError: () => set({ error: null }),
  noticed: (message) => set({ notice: message }),
  dismissNotice: () => set({ notice: null }),
  samplesListed: (samples) => set({ samples }),
});
