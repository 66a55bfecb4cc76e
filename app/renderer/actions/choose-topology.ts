/**
 * The topology picker's actions: a bundled topology by id, or a topology file (the host's
 * dialog in Electron, the page's picker in a browser). Choosing one is one undoable design step;
 * layers on a tier the new topology lacks move to the nearest tier below in that same step.
 */
import type { TopologyResult } from '../../shared/studio-api.js';
import { hostHasNativeDialogs, studioApi } from '../api/studio-api.js';
import { useStudio } from '../store/store.js';
import { hostFailed } from './host-failed.js';
import { retierNotice } from './retier-notice.js';

export const TOPOLOGY_INPUT_ID = 'topology-file-input';

/** Applies a loaded topology to the design, or reports why it could not be loaded. */
export function applyTopologyResult(result: TopologyResult): void {
  const state = useStudio.getState();
  if (!result.ok) {
    if (result.error.code !== 'CANCELLED') state.failed(result.error);
    return;
  }
  const { design } = state;
  if (!design) {
    state.failed({ code: 'NO_MODEL', message: 'Open a model before choosing a topology.' });
    return;
  }
  const before = design.placement;
  // An earlier topology error (a bad file) is answered by a topology that loaded.
  if (state.error?.code === 'BAD_TOPOLOGY') state.dismissError();
  state.setTopology(result.topology, result.bundledId, `Use topology ${result.topology.spec.name}`);
  const after = useStudio.getState().design?.placement ?? before;
  const notice = retierNotice(before, after, result.topology.spec.name);
  if (notice !== null) useStudio.getState().noticed(notice);
}

export async function chooseBundledTopology(id: string): Promise<void> {
  const result = await studioApi()
    .loadTopology(id)
    .catch((error: unknown) => hostFailed('load the topology', error));
  applyTopologyResult(result);
}

/** "Open topology file…": the host's dialog, or the page's file picker. */
export function openTopologyFile(): void {
  if (hostHasNativeDialogs()) {
    void studioApi()
      .openTopologyWithDialog()
      .catch((error: unknown) => hostFailed('open the topology', error))
      .then(applyTopologyResult);
    return;
  }
  document.getElementById(TOPOLOGY_INPUT_ID)?.click();
}

/** A topology file picked in the page or dropped on it: the host checks it against the profiles. */
export async function openTopologyText(fileName: string, text: string): Promise<void> {
  const result = await studioApi()
    .parseTopology(fileName, text)
    .catch((error: unknown) => hostFailed(`read ${fileName}`, error));
  // The host names the field and the problem; the file is named here if it did not.
  applyTopologyResult(
    result.ok || result.error.message.includes(fileName)
      ? result
      : { ok: false, error: { ...result.error, message: `${fileName}: ${result.error.message}` } },
  );
}

export function listTopologies(): void {
  studioApi()
    .listTopologies()
    .then(
      (topologies) => useStudio.getState().topologiesListed(topologies),
      (error: unknown) =>
        useStudio.getState().failed({
          code: 'HOST_FAILED',
          message: `Could not list the topologies: ${(error as Error).message}`,
        }),
    );
}
