/** Opening a model into the renderer's real store and starting its design, for the renderer tests. */
import path from 'node:path';
import { analyzeFile } from '../../../core/analyze.js';
import { partitionSource } from '../../../core/partition/source.js';
import type { PartitionSource } from '../../../core/partition/source-types.js';
import type { TierName, Topology } from '../../../core/profiles/types.js';
import { buildModelView } from '../../../core/view/build.js';
import type { ModelView } from '../../../core/view/types.js';
import type { OpenedModel } from '../../../app/shared/studio-api.js';
import { NO_PLACEMENT } from '../../../app/renderer/store/design-slice.js';
import { useStudio } from '../../../app/renderer/store/store.js';

/** The model at `file` analysed as the host's worker analyses it, with its view and partition source. */
export function analysedSample(file: string) {
  const analysis = analyzeFile(file);
  return { analysis, view: buildModelView(analysis), partition: partitionSource(analysis).source };
}

let opens = 0;

/** `file` as the host's open gives it; each call under a new job and session, as each real open is. */
export function openedModel(file: string, view: ModelView, partition: PartitionSource): OpenedModel {
  opens++;
  return {
    jobId: `job-${opens}`,
    sessionId: `session-${opens}`,
    fileName: path.basename(file),
    path: file,
    sha256: '0'.repeat(64),
    view,
    partition,
    inputs: {},
  };
}

/**
 * Puts `model` in the store and starts a design of it on the bundled `topology` with no file, as
 * design/sync.ts does for a model opened without a project: nothing pinned, no constraints.
 */
export function startDesignOf(
  model: OpenedModel,
  topology: Topology,
  placement: Readonly<Record<string, TierName>> = NO_PLACEMENT,
): void {
  useStudio.getState().openFinished({ ok: true, model });
  useStudio.getState().startDesign(
    {
      placement,
      pins: [],
      topology,
      topologyId: topology.spec.id,
      inputs: {},
      objective: 'latency',
      constraints: [],
    },
    null,
  );
}
