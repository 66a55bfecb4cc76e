/**
 * Keeps the design in step with the open model for the life of the window:
 * - a freshly opened model gets a design on the last topology used (the host remembers it), so
 *   predicted latency shows at once; a project opened supplies its own design instead;
 * - a replaced or closed model's host session is closed (its worker stops);
 * - the predicted overlay (time on its tier, device energy) follows the committed design;
 * - the topology in use is remembered by the host for the next model.
 */
import type { TopologyResult, Unsubscribe } from '../../shared/studio-api.js';
import type { Topology } from '../../../core/profiles/types.js';
import { DEFAULT_OBJECTIVE } from '../../../core/project/types.js';
import { studioApi } from '../api/studio-api.js';
import { predictedOverlay } from '../overlay/predicted.js';
import { NO_PLACEMENT } from '../store/design-slice.js';
import { useStudio, type Store } from '../store/store.js';
import { placementArray, selectCommittedProblem } from './figures.js';

/** How long the topology must stay unchanged before the host is told to remember it. */
const REMEMBER_DELAY_MS = 500;

interface StartingTopology {
  readonly topology: Topology;
  readonly id: string | null;
}

let starting: StartingTopology | null = null;

/** Starts a default design for the open model if it has none and the starting topology is known. */
function ensureDesign(state: Store): void {
  const { opened, design } = state;
  if (!opened || design || !starting) return;
  state.startDesign(
    {
      placement: NO_PLACEMENT,
      pins: [],
      topology: starting.topology,
      topologyId: starting.id,
      inputs: opened.inputs,
      ...(opened.inputValues ? { inputValues: opened.inputValues } : {}),
      objective: DEFAULT_OBJECTIVE,
      constraints: [],
    },
    null,
  );
}

function updatePredictions(state: Store): void {
  const built = selectCommittedProblem(state);
  if (!built || !state.opened || !state.design) return;
  state.setNodeFigures(
    predictedOverlay(state.opened.view, built, placementArray(built, state.design.placement)),
  );
}

export function startDesignSync(): Unsubscribe {
  const api = studioApi();
  let rememberTimer: ReturnType<typeof setTimeout> | undefined;
  const onTopology = (result: TopologyResult): void => {
    if (!result.ok) {
      useStudio.getState().failed(result.error);
      return;
    }
    starting = { topology: result.topology, id: result.bundledId };
    ensureDesign(useStudio.getState());
  };
  void api
    .lastTopology()
    .then(onTopology, (error: unknown) =>
      useStudio
        .getState()
        .failed({ code: 'HOST_FAILED', message: `Could not load the topology: ${(error as Error).message}` }),
    );

  const unsubscribe = useStudio.subscribe((state, previous) => {
    if (previous.opened && previous.opened.sessionId !== state.opened?.sessionId) {
      void api.closeSession(previous.opened.sessionId).catch(() => undefined);
    }
    ensureDesign(state);
    const design = state.design;
    if (
      state.opened !== previous.opened ||
      // A calibration may cost the data-dependent layers from its measurements (costed-source.ts).
      state.calibration !== previous.calibration ||
      design?.topology !== previous.design?.topology ||
      design?.placement !== previous.design?.placement
    ) {
      updatePredictions(useStudio.getState());
    }
    if (design && design.topology !== previous.design?.topology) {
      starting = { topology: design.topology, id: design.topologyId };
      clearTimeout(rememberTimer);
      rememberTimer = setTimeout(
        () => void api.rememberTopology(design.topologyId, design.topology).catch(() => undefined),
        REMEMBER_DELAY_MS,
      );
    }
  });
  return () => {
    unsubscribe();
    clearTimeout(rememberTimer);
  };
}
